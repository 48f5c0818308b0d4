"""`clinic-desk doctor`: is everything a check-in needs ready? One line per check.

Exit status 0 only when nothing blocks a check-in (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per check")
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    from clinic_desk.config import PASSPHRASE_ENV, ConfigError, DeskSettings, load_settings
    from clinic_desk.readiness import run_checks

    settings: DeskSettings | ConfigError
    try:
        settings = load_settings()
    except ConfigError as exc:
        settings = exc
    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    if (
        passphrase is None
        and isinstance(settings, DeskSettings)
        and settings.mode == "production"
        and settings.cache.passphrase_source == "prompt"
        and sys.stdin.isatty()
    ):
        passphrase = getpass.getpass("Offline cache passphrase: ") or None
    readiness = asyncio.run(run_checks(settings, passphrase=passphrase))
    if args.json:
        for result in readiness.results:
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(f"clinic-desk doctor (mode {readiness.mode})")
        for result in readiness.results:
            print(result.line())
        if readiness.ready:
            print("ready: a check-in can go ahead")
        else:
            blocking = [r.title for r in readiness.results if r.blocking]
            print(f"NOT READY: fix {', '.join(blocking)}")
    return 0 if readiness.ready else 1

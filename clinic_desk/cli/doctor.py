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
from typing import TYPE_CHECKING

from clinic_desk.cli.language import current, w
from clinic_desk.texts.keys import TextKey

if TYPE_CHECKING:
    from clinic_desk.readiness.model import CheckResult

_STATUS: dict[str, TextKey] = {
    "ok": "cli.doctor.ok",
    "warn": "cli.doctor.warn",
    "fail": "cli.doctor.fail",
    "skipped": "cli.doctor.skipped",
}


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=w("cli.doctor.json"))
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
        passphrase = getpass.getpass(w("cli.cache.ask_passphrase")) or None
    readiness = asyncio.run(run_checks(settings, passphrase=passphrase))
    if args.json:
        for result in readiness.results:
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(w("cli.doctor.title", mode=readiness.mode))
        for result in readiness.results:
            print(result.line() if current() == "en" else _line(result))
        if readiness.ready:
            print(w("cli.doctor.ready"))
        else:
            blocking = [_name(r) for r in readiness.results if r.blocking]
            print(w("cli.doctor.not_ready", checks=", ".join(blocking)))
    return 0 if readiness.ready else 1


def _name(result: CheckResult) -> str:
    from clinic_desk.readiness.model import CHECK_NAMES

    return result.title if current() == "en" else w(CHECK_NAMES[result.key])


def _line(result: CheckResult) -> str:
    """One check in the catalogue's words: its name, and what it found when not OK."""
    from clinic_desk.texts import say

    head = f"[{w(_STATUS[result.status.value])}] {_name(result)}"
    return f"{head}：{say(result.finding().said, current())}" if result.said else head

"""The ``clinic-desk`` command line.

Each area registers its own subcommands from a module of this package
(``card``, ``cache``, ``gateway`` …); this module only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from clinic_desk import __version__, paths
from clinic_desk.cli import desk

# (subcommand, module in clinic_desk.cli, one-line help). Modules are imported
# lazily so that `clinic-desk card …` does not pay for Textual or httpx.
SUBCOMMANDS: tuple[tuple[str, str, str], ...] = (
    ("card", "card", "read a My Number card, list readers, run a virtual card"),
    ("cache", "cache", "the encrypted offline cache"),
    ("gateway", "gateway", "the embedded eligibility gateway"),
    ("review", "review", "managers: review flagged identity mismatches"),
    ("replay", "replay", "support: replay check-in fixtures headless"),
    ("doctor", "doctor", "check that everything a check-in needs is ready"),
    ("config", "config", "the desk's configuration file"),
    ("oqs-terminal", "oqs", "a simulated 資格確認端末 (file exchange) for demos and tests"),
    ("patient-display", "patient_display", "the screen facing the patient, paired with the desk"),
)

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A problem to report to the user in one plain sentence (exit status 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-desk",
        description="Reception-desk check-in for medical clinics.",
    )
    parser.add_argument("--version", action="version", version=f"clinic-desk {__version__}")
    desk.add_desk_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in SUBCOMMANDS:
        module = importlib.import_module(f"clinic_desk.cli.{module_name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        handler = desk.run_desk
    try:
        # A CLINIC_DESK_… folder that is a file: one sentence naming it, before anything.
        paths.check_locations()
        return handler(args)
    except (CliError, paths.LocationError) as exc:
        print(f"clinic-desk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

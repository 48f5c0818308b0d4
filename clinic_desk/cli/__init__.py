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
from clinic_desk.cli.language import Parser, chosen_lang, speaking, w
from clinic_desk.texts.keys import TextKey

# (subcommand, module in clinic_desk.cli, one-line help). Modules are imported
# lazily so that `clinic-desk card …` does not pay for Textual or httpx.
SUBCOMMANDS: tuple[tuple[str, str, TextKey], ...] = (
    ("card", "card", "cli.card"),
    ("cache", "cache", "cli.cache"),
    ("gateway", "gateway", "cli.gateway"),
    ("review", "review", "cli.review"),
    ("replay", "replay", "cli.replay"),
    ("doctor", "doctor", "cli.doctor"),
    ("config", "config", "cli.config"),
    ("oqs-terminal", "oqs", "cli.oqs_terminal"),
    ("patient-display", "patient_display", "cli.patient_display"),
)

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A problem to report to the user in one plain sentence (exit status 2).

    Raised with the sentence already in the command line's language (``language.w``).
    """


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the command line's language (``language.speaking``)."""
    parser = Parser(prog="clinic-desk", description=w("cli.description"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"clinic-desk {__version__}",
        help=w("cli.version"),
    )
    desk.add_desk_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_key in SUBCOMMANDS:
        module = importlib.import_module(f"clinic_desk.cli.{module_name}")
        command = sub.add_parser(name, help=w(help_key), description=w(help_key))
        module.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    with speaking(chosen_lang(arguments)):
        return _main(arguments)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        handler = desk.run_desk
    try:
        # A CLINIC_DESK_… folder that is a file: one sentence naming it, before anything.
        paths.check_locations()
        return handler(args)
    except CliError as exc:
        print(f"clinic-desk: {exc}", file=sys.stderr)
        return 2
    except paths.LocationError as exc:
        from clinic_desk.cli.failures import words

        print(f"clinic-desk: {words(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

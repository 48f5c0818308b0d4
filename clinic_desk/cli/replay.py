"""`clinic-desk replay` subcommands."""

from __future__ import annotations

import argparse

from clinic_desk.cli import CliError


def register(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_not_ready)


def _not_ready(args: argparse.Namespace) -> int:
    raise CliError("'replay' is not available in this build")

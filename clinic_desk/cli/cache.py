"""`clinic-desk cache` subcommands."""

from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_not_ready)


def _not_ready(args: argparse.Namespace) -> int:
    print("clinic-desk cache: not available in this build")
    return 2

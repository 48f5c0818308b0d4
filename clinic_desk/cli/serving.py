"""What the commands that run a server for the demo, tests and support share: the
usage handler of a group, the log lines per request, the banner and the stop line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable


def usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """The handler of a command group called without its action: its help, exit 2."""

    def show(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return show


def serve_until_stopped(
    program: str,
    banner: str,
    serve: Callable[[], str],
    *,
    logger: str,
    quiet: bool,
) -> int:
    """Print ``program: banner``, run ``serve`` (it returns when stopped, saying how it
    ended) and print that. Unless ``quiet``, ``logger`` logs a line per request."""
    if not quiet:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
        logging.getLogger(logger).setLevel(logging.INFO)
    from clinic_desk.cli.language import w

    print(f"{program}: {w('cli.serving_banner', banner=banner)}", flush=True)
    ended = serve()
    print(f"{program}: {ended}", flush=True)
    return 0

"""`clinic-desk config`: write the commented template, show and check the settings."""

from __future__ import annotations

import argparse
import os

from clinic_desk.cli import CliError
from clinic_desk.cli.failures import config_words, failed, words
from clinic_desk.cli.language import w


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION")
    init = sub.add_parser("init", help=w("cli.config.init"))
    init.add_argument(
        "--mode", choices=("demo", "production"), default="production", help=w("cli.config.mode")
    )
    init.add_argument("--force", action="store_true", help=w("cli.config.force"))
    init.set_defaults(handler=_init)
    show = sub.add_parser("show", help=w("cli.config.show"))
    show.set_defaults(handler=_show)
    check = sub.add_parser("check", help=w("cli.config.check"))
    check.set_defaults(handler=_check)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=usage)


def _init(args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.config_toml import render_template
    from offline_cache.fsutil import write_atomically

    target = paths.config_file()
    if target.exists() and not args.force:
        raise CliError(w("cli.config.exists", path=target))
    paths.ensure_dir(target.parent)
    write_atomically(target, render_template(args.mode).encode("utf-8"))
    print(w("cli.config.wrote", path=target, mode=args.mode))
    if args.mode == "production":
        print(w("cli.config.fill_in"))
    return 0


def _show(_args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.config import ConfigError, load_settings
    from clinic_desk.config_toml import masked_dump, to_toml

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise failed(exc) from None
    source = paths.config_file()
    found = source.exists()
    print(w("cli.config.file", path=source) if found else w("cli.config.no_file", path=source))
    overrides = sorted(
        name
        for name in os.environ
        if (name.startswith("CLINIC_DESK_") and "__" in name) or name == "CLINIC_DESK_MODE"
    )
    if overrides:
        print(w("cli.config.from_environment", names=", ".join(overrides)))
    print(w("cli.config.folders", data=paths.data_dir(), logs=paths.log_dir()))
    print(to_toml(masked_dump(settings), unset=w("cli.config.unset")), end="")
    return 0


def _check(_args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.config import ConfigError, check_settings

    try:
        settings = check_settings()
    except ConfigError as exc:
        problems = config_words(exc) or [words(p) for p in exc.problems]
        lines = "\n".join(f"  - {p}" for p in problems)
        raise CliError(w("cli.config.unusable", problems=lines)) from None
    source = paths.config_file()
    if source.exists():
        print(w("cli.config.ok", mode=settings.mode, path=source))
    else:
        print(w("cli.config.ok_defaults", mode=settings.mode))
    return 0

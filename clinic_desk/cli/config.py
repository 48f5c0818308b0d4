"""`clinic-desk config`: write the commented template, show and check the settings."""

from __future__ import annotations

import argparse
import os

from clinic_desk.cli import CliError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION")
    init = sub.add_parser("init", help="write a commented config.toml")
    init.add_argument(
        "--mode",
        choices=("demo", "production"),
        default="production",
        help="production: the settings a clinic must fill in, with examples (default); "
        "demo: everything commented out",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_init)
    show = sub.add_parser("show", help="the settings in effect (secrets masked)")
    show.set_defaults(handler=_show)
    check = sub.add_parser("check", help="validate the file and the environment")
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
        raise CliError(f"{target} already exists; it was left untouched (use --force to replace)")
    paths.ensure_dir(target.parent)
    write_atomically(target, render_template(args.mode).encode("utf-8"))
    print(f"wrote {target} ({args.mode} template)")
    if args.mode == "production":
        print("replace the example values, then run `clinic-desk config check`")
    return 0


def _show(_args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.config import ConfigError, load_settings
    from clinic_desk.config_toml import masked_dump, to_toml

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(exc.message) from None
    source = paths.config_file()
    print(f"# file: {source}{'' if source.exists() else ' (not found: defaults)'}")
    overrides = sorted(
        name
        for name in os.environ
        if (name.startswith("CLINIC_DESK_") and "__" in name) or name == "CLINIC_DESK_MODE"
    )
    if overrides:
        print(f"# from the environment: {', '.join(overrides)}")
    print(f"# data: {paths.data_dir()}  logs: {paths.log_dir()}")
    print(to_toml(masked_dump(settings)), end="")
    return 0


def _check(_args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.config import ConfigError, check_settings

    try:
        settings = check_settings()
    except ConfigError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise CliError(f"the configuration cannot be used:\n{lines}") from None
    source = paths.config_file()
    where = source if source.exists() else "defaults (no file)"
    print(f"configuration OK: mode {settings.mode}, from {where}")
    return 0

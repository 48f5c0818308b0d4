"""`clinic-desk cache` subcommands: the encrypted offline cache.

The passphrase comes from ``CLINIC_DESK_CACHE_PASSPHRASE`` (unattended desks, CI) or
a prompt; a new one (init, rekey) from ``CLINIC_DESK_CACHE_NEW_PASSPHRASE`` or a
prompt asked twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from clinic_desk import paths
from clinic_desk.cli import CliError
from offline_cache import (
    CacheError,
    CacheFiles,
    KeyFile,
    OfflineCache,
    holder_pid,
)

T = TypeVar("T")

PASSPHRASE_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"
NEW_PASSPHRASE_ENV = "CLINIC_DESK_CACHE_NEW_PASSPHRASE"


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="cache_command", metavar="ACTION")

    init = sub.add_parser("init", help="create the encrypted cache and its key file")
    init.add_argument(
        "--reset",
        action="store_true",
        help="move a damaged cache aside (it is kept) and start a new one",
    )
    init.set_defaults(handler=_init)

    status = sub.add_parser("status", help="where the cache is, its state and row counts")
    status.add_argument(
        "--unlock",
        action="store_true",
        help="ask for the passphrase to check every page and show row counts "
        "(the env variable also unlocks)",
    )
    status.set_defaults(handler=_status)

    sub.add_parser(
        "unlock-test", help="check that the passphrase unlocks the cache and no page is damaged"
    ).set_defaults(handler=_unlock_test)
    sub.add_parser(
        "purge", help="delete expired records now (refused when the file is damaged)"
    ).set_defaults(handler=_purge)
    sub.add_parser(
        "reverify",
        help="re-check with the configured gateway the visits checked in offline "
        "(exit 1 while the gateway does not answer)",
    ).set_defaults(handler=_reverify)
    sub.add_parser(
        "verify",
        help="check the file, the audit chain and every sealed row (exit 1 on a problem)",
    ).set_defaults(handler=_verify)
    sub.add_parser(
        "rekey", help="change the passphrase (the data is not re-encrypted)"
    ).set_defaults(handler=_rekey)

    wipe = sub.add_parser("wipe", help="delete the cache and its key file for good")
    wipe.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    wipe.set_defaults(handler=_wipe)

    parser.set_defaults(handler=_help(parser))


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return show


# --- commands ------------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    data, config = paths.data_dir(), paths.config_dir()
    if args.reset:
        passphrase = _passphrase("Cache passphrase (kept for the new cache): ")
        try:
            cache, kept = OfflineCache.reset(data, config, passphrase)
        except CacheError as exc:
            raise CliError(str(exc)) from exc
        with cache:
            print(f"started a new offline cache at {cache.path}")
        for path in kept:
            print(f"kept the old file as {path}")
        return 0
    passphrase = _new_passphrase(first_one=True)
    try:
        with OfflineCache.create(data, config, passphrase) as cache:
            print(f"created the offline cache at {cache.path}")
            print(f"key file: {cache.files.key_file} (back it up separately from the data)")
    except CacheError as exc:
        raise CliError(str(exc)) from exc
    return 0


def _status(args: argparse.Namespace) -> int:
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    print(f"cache file: {_describe(files.database)}")
    print(f"key file:   {_describe(files.key_file)}")
    if files.key_file.exists():
        try:
            key_file = KeyFile.load(files.key_file)
        except CacheError as exc:
            print(f"key file state: {exc}")
        else:
            print(
                f"key file: scrypt n={key_file.kdf.n} r={key_file.kdf.r} p={key_file.kdf.p}, "
                f"created {key_file.created_at:%Y-%m-%d %H:%M}Z"
                + (
                    f", passphrase changed {key_file.rewrapped_at:%Y-%m-%d %H:%M}Z"
                    if key_file.rewrapped_at
                    else ""
                )
            )
    pid = holder_pid(files.lock_file)
    print("in use:     " + (f"yes, by process {pid}" if pid else "no"))
    if not files.database.exists():
        return 0
    if not (args.unlock or os.environ.get(PASSPHRASE_ENV)):
        print(f"(row counts need the passphrase: --unlock or {PASSPHRASE_ENV})")
        return 0
    with _open() as cache:
        if _check_pages(cache):
            print("(row counts are not read from a damaged file)")
            return 1
        counts = _run(cache.counts)
    print("file check: ok (every page)")
    print(f"schema:     version {counts.schema_version}")
    print(f"snapshots:  {counts.snapshots} ({counts.expired_snapshots} expired)")
    print(f"medications: {counts.medications}")
    print(f"visits:     {counts.visits} ({counts.pending_visits} waiting for re-verification)")
    print(f"flags:      {counts.flags} ({counts.open_flags} not resolved)")
    print(f"audit rows: {counts.audit_rows}")
    return 0


def _unlock_test(_args: argparse.Namespace) -> int:
    with _open() as cache:
        version = _run(lambda: cache.schema_version)
        damaged = _check_pages(cache)
    if damaged:
        print(
            f"the passphrase opens this cache (schema version {version}), but the file is damaged"
        )
        return 1
    print(f"unlocked: the passphrase opens this cache (schema version {version}, every page ok)")
    return 0


def _purge(_args: argparse.Namespace) -> int:
    with _open() as cache:
        # Checks every page first and writes nothing into a damaged file.
        report = _run(cache.purge)
    print(
        f"purged {report.snapshots} snapshots, {report.medications} medication histories, "
        f"{report.visits} re-verified visits"
    )
    if report.kept_for_pending_visits:
        print(
            f"kept {report.kept_for_pending_visits} expired snapshots that visits "
            "waiting for re-verification still need"
        )
    return 0


def _reverify(_args: argparse.Namespace) -> int:
    import asyncio

    from clinic_desk.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(exc.message) from None
    if settings.gateway.base_url is None and not settings.gateway.files:
        raise CliError(
            "re-checking offline visits needs a configured gateway: set gateway.base_url in "
            f"{paths.config_file()} (or CLINIC_DESK_GATEWAY__BASE_URL). With nothing "
            "configured the desk runs the demo, whose gateway and cache exist only while "
            "it runs; the demo desk re-checks its visits by itself"
        )
    from clinic_desk.eligibility import EligibilityClient, GatewaySettingsError
    from clinic_desk.services.reverify import Reverifier, ReverifyReport

    async def run(cache: OfflineCache) -> ReverifyReport:
        desk_id = settings.desk.desk_id
        if settings.gateway.files:
            from clinic_desk.oqs import OqsClient
            from clinic_desk.services.evidence import EvidenceArchiver
            from clinic_desk.services.terminal import TerminalReverify, terminal_settings

            oqs = terminal_settings(settings.gateway, desk_id)
            kept = EvidenceArchiver(cache, desk_id=desk_id, quarantine=oqs.archive_folder())
            ask = TerminalReverify(OqsClient(oqs, archiver=kept))
            return await Reverifier(cache, None, desk_id=desk_id, ask=ask).run_once()
        try:
            client = EligibilityClient(settings.gateway)
        except GatewaySettingsError as exc:
            raise CliError(str(exc)) from None
        async with client:
            return await Reverifier(cache, client, desk_id=desk_id).run_once()

    with _open() as cache:
        report = asyncio.run(run(cache))
    print(report.summary())
    return 1 if report.gateway_unavailable else 0


def _verify(_args: argparse.Namespace) -> int:
    with _open() as cache:
        report = _run(cache.verify)
    print("file check: " + ("ok" if report.integrity_ok else "FAILED"))
    if not report.audit_readable:
        # A damaged page hides the chain: nothing is known about it, not "broken".
        print("audit chain: unreadable")
        print("sealed rows: unreadable")
    else:
        print(f"audit chain: {'ok' if report.audit_ok else 'BROKEN'} ({report.audit_rows} rows)")
        print(f"sealed rows: {'ok' if report.rows_ok else 'CHANGED'} ({report.rows_checked} rows)")
        print(f"audit head: {report.audit_head}")
    for problem in report.problems:
        print(f"problem: {problem}")
    return 0 if report.ok else 1


def _rekey(_args: argparse.Namespace) -> int:
    current = _passphrase("Current passphrase: ")
    new = _new_passphrase()
    try:
        with _open(current) as cache:
            cache.rekey(current, new)
    except CacheError as exc:
        raise CliError(str(exc)) from exc
    print("passphrase changed; the old passphrase no longer unlocks this cache")
    return 0


def _wipe(args: argparse.Namespace) -> int:
    data, config = paths.data_dir(), paths.config_dir()
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("wipe deletes every cached record for good; add --yes to confirm")
        answer = input("Delete the offline cache and its key file for good? Type 'wipe': ")
        if answer.strip() != "wipe":
            print("nothing was deleted")
            return 1
    try:
        removed = OfflineCache.wipe(data, config)
    except CacheError as exc:
        raise CliError(str(exc)) from exc
    if not removed:
        print("there was no offline cache to wipe")
    for path in removed:
        print(f"deleted {path}")
    return 0


# --- helpers -------------------------------------------------------------------------------


def _open(passphrase: str | None = None) -> OfflineCache:
    secret = passphrase if passphrase is not None else _passphrase("Cache passphrase: ")
    try:
        return OfflineCache.open(paths.data_dir(), paths.config_dir(), secret, actor="cli")
    except CacheError as exc:
        raise CliError(str(exc)) from exc


def _run(action: Callable[[], T]) -> T:
    """One cache call; its error becomes the one-line message of the CLI."""
    try:
        return action()
    except CacheError as exc:
        raise CliError(str(exc)) from exc


def _check_pages(cache: OfflineCache) -> bool:
    """Check every page on unlock; print what is damaged. True when something is."""
    problems = _run(cache.check_pages)
    if problems:
        print("file check: DAMAGED (the file was left untouched; see `clinic-desk cache verify`)")
        for problem in problems:
            print(f"problem: {problem}")
    return bool(problems)


def _passphrase(prompt: str) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no passphrase: set {PASSPHRASE_ENV} or run this in a terminal")
    return getpass.getpass(prompt)


def _new_passphrase(*, first_one: bool = False) -> str:
    """A new passphrase; for the very first one the usual variable is accepted too."""
    value = os.environ.get(NEW_PASSPHRASE_ENV) or (
        os.environ.get(PASSPHRASE_ENV) if first_one else None
    )
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no new passphrase: set {NEW_PASSPHRASE_ENV} or run this in a terminal")
    first = getpass.getpass("New passphrase (at least 8 characters): ")
    if getpass.getpass("Repeat the new passphrase: ") != first:
        raise CliError("the two passphrases differ; nothing was changed")
    return first


def _describe(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        return f"{path} (absent)"
    return f"{path} ({info.st_size:,} bytes, mode {stat.filemode(info.st_mode)})"

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
from clinic_desk.cli.failures import failed, words
from clinic_desk.cli.language import w
from clinic_desk.texts.keys import TextKey
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

    init = sub.add_parser("init", help=w("cli.cache.init"))
    init.add_argument("--reset", action="store_true", help=w("cli.cache.reset"))
    init.set_defaults(handler=_init)

    status = sub.add_parser("status", help=w("cli.cache.status"))
    status.add_argument("--unlock", action="store_true", help=w("cli.cache.unlock"))
    status.set_defaults(handler=_status)

    sub.add_parser("unlock-test", help=w("cli.cache.unlock_test")).set_defaults(
        handler=_unlock_test
    )
    sub.add_parser("purge", help=w("cli.cache.purge")).set_defaults(handler=_purge)
    sub.add_parser("reverify", help=w("cli.cache.reverify")).set_defaults(handler=_reverify)
    sub.add_parser("verify", help=w("cli.cache.verify")).set_defaults(handler=_verify)
    sub.add_parser("rekey", help=w("cli.cache.rekey")).set_defaults(handler=_rekey)

    wipe = sub.add_parser("wipe", help=w("cli.cache.wipe"))
    wipe.add_argument("--yes", action="store_true", help=w("cli.cache.yes"))
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
        passphrase = _passphrase(w("cli.cache.ask_passphrase_kept"))
        try:
            cache, kept = OfflineCache.reset(data, config, passphrase)
        except CacheError as exc:
            raise failed(exc) from exc
        with cache:
            print(w("cli.cache.started", path=cache.path))
        for path in kept:
            print(w("cli.cache.kept_old", path=path))
        return 0
    passphrase = _new_passphrase(first_one=True)
    try:
        with OfflineCache.create(data, config, passphrase) as cache:
            print(w("cli.cache.created", path=cache.path))
            print(w("cli.cache.created_key", path=cache.files.key_file))
    except CacheError as exc:
        raise failed(exc) from exc
    return 0


def _status(args: argparse.Namespace) -> int:
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    print(w("cli.cache.file", file=_describe(files.database)))
    print(w("cli.cache.key_file", file=_describe(files.key_file)))
    if files.key_file.exists():
        try:
            key_file = KeyFile.load(files.key_file)
        except CacheError as exc:
            print(w("cli.cache.key_file_state", state=words(exc)))
        else:
            kdf = f"scrypt n={key_file.kdf.n} r={key_file.kdf.r} p={key_file.kdf.p}"
            created = f"{key_file.created_at:%Y-%m-%d %H:%M}Z"
            if key_file.rewrapped_at:
                changed = f"{key_file.rewrapped_at:%Y-%m-%d %H:%M}Z"
                print(w("cli.cache.kdf_changed", kdf=kdf, created=created, changed=changed))
            else:
                print(w("cli.cache.kdf", kdf=kdf, created=created))
    pid = holder_pid(files.lock_file)
    print(w("cli.cache.in_use", pid=pid) if pid else w("cli.cache.not_in_use"))
    if not files.database.exists():
        return 0
    if not (args.unlock or os.environ.get(PASSPHRASE_ENV)):
        print(w("cli.cache.counts_need_passphrase", env=PASSPHRASE_ENV))
        return 0
    with _open() as cache:
        if _check_pages(cache):
            print(w("cli.cache.counts_not_read"))
            return 1
        counts = _run(cache.counts)
    print(w("cli.cache.file_ok"))
    print(w("cli.cache.schema", version=counts.schema_version))
    print(w("cli.cache.snapshots", count=counts.snapshots, expired=counts.expired_snapshots))
    print(w("cli.cache.medications", count=counts.medications))
    print(w("cli.cache.visits", count=counts.visits, pending=counts.pending_visits))
    print(w("cli.cache.flags", count=counts.flags, open=counts.open_flags))
    print(w("cli.cache.audit_rows", count=counts.audit_rows))
    return 0


def _unlock_test(_args: argparse.Namespace) -> int:
    with _open() as cache:
        version = _run(lambda: cache.schema_version)
        damaged = _check_pages(cache)
    if damaged:
        print(w("cli.cache.unlocked_damaged", version=version))
        return 1
    print(w("cli.cache.unlocked", version=version))
    return 0


def _purge(_args: argparse.Namespace) -> int:
    with _open() as cache:
        # Checks every page first and writes nothing into a damaged file.
        report = _run(cache.purge)
    print(
        w(
            "cli.cache.purged",
            snapshots=report.snapshots,
            medications=report.medications,
            visits=report.visits,
        )
    )
    if report.kept_for_pending_visits:
        print(w("cli.cache.purge_kept", count=report.kept_for_pending_visits))
    return 0


def _reverify(_args: argparse.Namespace) -> int:
    import asyncio

    from clinic_desk.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise failed(exc) from None
    if settings.gateway.base_url is None and not settings.gateway.files:
        raise CliError(w("cli.cache.reverify_needs_gateway", path=paths.config_file()))
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
            raise failed(exc) from None
        async with client:
            return await Reverifier(cache, client, desk_id=desk_id).run_once()

    with _open() as cache:
        report = asyncio.run(run(cache))
    print(
        w(
            "cli.cache.reverified",
            checked=report.checked,
            confirmed=report.confirmed,
            changed=report.changed,
            rejected=report.rejected,
            flagged=report.flagged,
            pending=report.pending,
        )
    )
    if report.failed:
        print(w("cli.cache.reverify_unreadable", count=report.failed))
    if report.gateway_unavailable:
        print(w("cli.cache.reverify_gateway_down"))
    return 1 if report.gateway_unavailable else 0


def _verify(_args: argparse.Namespace) -> int:
    with _open() as cache:
        report = _run(cache.verify)
    print(w("cli.verify.file_ok") if report.integrity_ok else w("cli.verify.file_failed"))
    if not report.audit_readable:
        # A damaged page hides the chain: nothing is known about it, not "broken".
        print(w("cli.verify.unreadable"))
    else:
        audit: TextKey = "cli.verify.audit_ok" if report.audit_ok else "cli.verify.audit_broken"
        rows: TextKey = "cli.verify.rows_ok" if report.rows_ok else "cli.verify.rows_changed"
        print(w(audit, count=report.audit_rows))
        print(w(rows, count=report.rows_checked))
        print(w("cli.verify.head", head=report.audit_head))
    for problem in report.problems:
        print(w("cli.problem", problem=words(problem)))
    return 0 if report.ok else 1


def _rekey(_args: argparse.Namespace) -> int:
    current = _passphrase(w("cli.cache.ask_current_passphrase"))
    new = _new_passphrase()
    try:
        with _open(current) as cache:
            cache.rekey(current, new)
    except CacheError as exc:
        raise failed(exc) from exc
    print(w("cli.cache.rekeyed"))
    return 0


def _wipe(args: argparse.Namespace) -> int:
    data, config = paths.data_dir(), paths.config_dir()
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError(w("cli.cache.wipe_needs_yes"))
        answer = input(w("cli.cache.wipe_ask"))
        if answer.strip() != "wipe":
            print(w("cli.cache.nothing_deleted"))
            return 1
    try:
        removed = OfflineCache.wipe(data, config)
    except CacheError as exc:
        raise failed(exc) from exc
    if not removed:
        print(w("cli.cache.nothing_to_wipe"))
    for path in removed:
        print(w("cli.cache.deleted", path=path))
    return 0


# --- helpers -------------------------------------------------------------------------------


def _open(passphrase: str | None = None) -> OfflineCache:
    secret = passphrase if passphrase is not None else _passphrase(w("cli.cache.ask_passphrase"))
    try:
        return OfflineCache.open(paths.data_dir(), paths.config_dir(), secret, actor="cli")
    except CacheError as exc:
        raise failed(exc) from exc


def _run(action: Callable[[], T]) -> T:
    """One cache call; its error becomes the one-line message of the CLI."""
    try:
        return action()
    except CacheError as exc:
        raise failed(exc) from exc


def _check_pages(cache: OfflineCache) -> bool:
    """Check every page on unlock; print what is damaged. True when something is."""
    problems = _run(cache.check_pages)
    if problems:
        print(w("cli.cache.damaged"))
        for problem in problems:
            print(w("cli.problem", problem=words(problem)))
    return bool(problems)


def _passphrase(prompt: str) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(w("cli.cache.no_passphrase", env=PASSPHRASE_ENV))
    return getpass.getpass(prompt)


def _new_passphrase(*, first_one: bool = False) -> str:
    """A new passphrase; for the very first one the usual variable is accepted too."""
    value = os.environ.get(NEW_PASSPHRASE_ENV) or (
        os.environ.get(PASSPHRASE_ENV) if first_one else None
    )
    if value:
        return value
    if not sys.stdin.isatty():
        raise CliError(w("cli.cache.no_new_passphrase", env=NEW_PASSPHRASE_ENV))
    first = getpass.getpass(w("cli.cache.ask_new_passphrase"))
    if getpass.getpass(w("cli.cache.ask_repeat_passphrase")) != first:
        raise CliError(w("cli.cache.passphrases_differ"))
    return first


def _describe(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        return w("cli.cache.absent", path=path)
    return w(
        "cli.cache.present", path=path, size=f"{info.st_size:,}", mode=stat.filemode(info.st_mode)
    )

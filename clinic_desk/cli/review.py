"""`clinic-desk review`: the manager's review of flagged identity mismatches.

``clinic-desk review`` opens the review screen; ``set-pin`` sets or changes the manager
PIN (and its key pair); ``list`` and ``export --csv FILE`` work headless for support
and scripts. The cache passphrase comes from ``CLINIC_DESK_CACHE_PASSPHRASE`` or a
prompt; the manager PIN from a prompt, or from standard input with ``--pin-stdin``
(one PIN per line). Neither is ever printed, logged or stored.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desk import paths
from clinic_desk.cli import CliError
from clinic_desk.cli.failures import failed, words
from clinic_desk.cli.language import w
from clinic_desk.texts import plural
from clinic_desk.texts.keys import TextKey

if TYPE_CHECKING:
    from clinic_desk.config import DeskSettings
    from clinic_desk.manager.review import ReviewSession
    from clinic_desk.texts import Lang
    from offline_cache import OfflineCache

PASSPHRASE_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"
_STATUSES = ("open", "reported", "resolved")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        dest="review_lang",
        choices=("ja", "en"),
        default=None,
        help=w("cli.review.lang"),
    )
    sub = parser.add_subparsers(dest="review_command", metavar="ACTION")

    set_pin = sub.add_parser("set-pin", help=w("cli.review.set_pin"))
    set_pin.add_argument("--reset", action="store_true", help=w("cli.review.reset"))
    _pin_stdin(set_pin)
    set_pin.set_defaults(handler=_set_pin)

    listing = sub.add_parser("list", help=w("cli.review.list"))
    listing.add_argument(
        "--status", choices=(*_STATUSES, "all"), default="all", help=w("cli.review.status")
    )
    listing.add_argument("--reason", default=None, help=w("cli.review.reason"))
    listing.add_argument(
        "--sort", choices=("date", "reason", "status"), default="date", help=w("cli.review.sort")
    )
    listing.add_argument("--reference", default=None, metavar="REF", help=w("cli.review.reference"))
    listing.add_argument("--json", action="store_true", help=w("cli.json_lines"))
    _pin_stdin(listing)
    listing.set_defaults(handler=_list)

    export = sub.add_parser("export", help=w("cli.review.export"))
    export.add_argument("--csv", type=Path, required=True, metavar="FILE", help=w("cli.review.csv"))
    export.add_argument(
        "--status", choices=(*_STATUSES, "all"), default="open", help=w("cli.review.status")
    )
    export.add_argument("--force", action="store_true", help=w("cli.review.force"))
    _pin_stdin(export)
    export.set_defaults(handler=_export)

    parser.set_defaults(handler=_screen)


def _pin_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help=w("cli.review.pin_stdin"),
    )


# --- commands ------------------------------------------------------------------------------


def _screen(args: argparse.Namespace) -> int:
    from clinic_desk.app.review_app import ReviewApp

    _require_cache()
    settings = _settings()
    lang = _lang(args, settings)
    with _open_cache() as cache:
        ReviewApp(cache, settings.manager, lang=lang).run()
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    from clinic_desk.manager.errors import ManagerError
    from clinic_desk.manager.setup import needs_current_pin, set_manager_pin

    settings = _settings()
    pins = _pin_source(args)
    cache = None
    current = None
    if needs_current_pin(settings.manager):
        cache = _open_cache()
        if not args.reset:
            current = next(pins(w("cli.review.ask_current_pin")))
    try:
        new = next(pins(w("cli.review.ask_new_pin")))
        if not args.pin_stdin and next(pins(w("cli.review.ask_repeat_pin"))) != new:
            raise CliError(w("cli.review.pins_differ"))
        kind = set_manager_pin(
            new, settings=settings.manager, current_pin=current, cache=cache, reset=args.reset
        )
    except ManagerError as exc:
        raise failed(exc) from None
    finally:
        if cache is not None:
            cache.close()
    done: dict[str, TextKey] = {
        "first": "cli.review.pin_set",
        "change": "cli.review.pin_changed",
        "reset": "cli.review.pin_reset",
    }
    print(w(done[kind]))
    return 0


def _list(args: argparse.Namespace) -> int:
    from clinic_desk.manager.review import FlagFilter
    from offline_cache import FlagStatus

    with _session(args) as session:
        status = None if args.status == "all" else FlagStatus(args.status)
        flags = session.flags(FlagFilter(status=status, reason=args.reason), args.sort)
        if args.reference is not None:
            named = set(session.find_reference(args.reference))
            flags = [flag for flag in flags if flag.id in named]
        for flag in flags:
            row = {
                "id": flag.id,
                "reference": session.references(flag.id),
                "created_at": flag.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "desk_id": flag.desk_id,
                "reason": flag.reason,
                "status": flag.status.value,
            }
            if args.json:
                print(json.dumps(row))
            else:
                print(
                    f"{row['id']}  {row['reference']}  {row['created_at']}  "
                    f"{row['desk_id']:<12} {row['reason']:<26} {row['status']}"
                )
        if not args.json:
            print(_count(len(flags)))
    return 0


def _export(args: argparse.Namespace) -> int:
    from clinic_desk.manager.errors import ManagerError
    from offline_cache import FlagStatus

    statuses = list(FlagStatus) if args.status == "all" else [FlagStatus(args.status)]
    lang = _lang(args, _settings())
    with _session(args) as session:
        try:
            count = session.export_csv(args.csv, statuses=statuses, lang=lang, overwrite=args.force)
        except ManagerError as exc:
            raise failed(exc) from None
    print(w("cli.review.wrote", count=_count(count), path=args.csv))
    return 0


# --- helpers -------------------------------------------------------------------------------


def _lang(args: argparse.Namespace, settings: DeskSettings) -> Lang:
    from clinic_desk.texts import default_lang

    # `clinic-desk --lang ja review` and `clinic-desk review --lang ja` both work.
    chosen: Lang = (
        args.review_lang or getattr(args, "lang", None) or settings.desk.lang or default_lang()
    )
    return chosen


def _settings() -> DeskSettings:
    from clinic_desk.config import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        raise failed(exc) from None


def _require_cache() -> None:
    """Say that there is no cache before asking for its passphrase."""
    from offline_cache.files import CacheFiles

    files = CacheFiles(paths.data_dir(), paths.config_dir())
    if not files.database.exists():
        raise CliError(w("cli.review.no_cache", path=files.database))


def _open_cache() -> OfflineCache:
    from offline_cache import CacheError, OfflineCache

    _require_cache()
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        if not sys.stdin.isatty():
            raise CliError(w("cli.cache.no_passphrase", env=PASSPHRASE_ENV))
        passphrase = getpass.getpass(w("cli.cache.ask_passphrase"))
    try:
        return OfflineCache.open(paths.data_dir(), paths.config_dir(), passphrase, actor="manager")
    except CacheError as exc:
        raise failed(exc) from None


def _pin_source(args: argparse.Namespace) -> Callable[[str], Iterator[str]]:
    """Where PINs come from: standard input (one a line) or a hidden prompt."""

    def ask(prompt: str) -> Iterator[str]:
        if args.pin_stdin:
            line = sys.stdin.readline()
            if not line:
                raise CliError(w("cli.review.stdin_ended"))
            yield line.rstrip("\r\n")
            return
        if not sys.stdin.isatty():
            raise CliError(w("cli.review.no_terminal"))
        yield getpass.getpass(prompt)

    return ask


class _Session:
    """Opens the cache, checks the PIN and yields the review; closes both after."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._cache: OfflineCache | None = None
        self._session: ReviewSession | None = None

    def __enter__(self) -> ReviewSession:
        from clinic_desk.manager.errors import ManagerError
        from clinic_desk.manager.pin import Verdict
        from clinic_desk.manager.review import unlock_review

        settings = _settings()  # a configuration that cannot be used is said first
        _require_cache()
        if settings.manager.pin_hash is None:
            raise CliError(w("cli.review.no_pin"))
        self._cache = _open_cache()
        try:
            pin = next(_pin_source(self._args)(w("cli.review.ask_pin")))
            result = unlock_review(
                self._cache, settings.manager, pin, purpose=self._args.review_command
            )
        except ManagerError as exc:
            self._cache.close()
            raise failed(exc) from None
        except BaseException:
            self._cache.close()
            raise
        if result.session is None:
            self._cache.close()
            check = result.check
            if check.verdict is Verdict.LOCKED and check.locked_until is not None:
                raise CliError(w("cli.review.locked", until=f"{check.locked_until:%Y-%m-%d %H:%M}"))
            left: TextKey = plural(check.tries_left, "pin.one_try_left", "pin.tries_left")
            raise CliError(w("cli.review.wrong_pin", left=w(left, tries=check.tries_left)))
        self._session = result.session
        # export refuses with the key problem in its own message; the others go on without
        if result.session.key_problem and self._args.review_command != "export":
            print(w("cli.note", note=words(result.session.key_problem)), file=sys.stderr)
        return result.session

    def __exit__(self, *exc: object) -> None:
        if self._session is not None:
            self._session.close()
        if self._cache is not None:
            self._cache.close()


def _session(args: argparse.Namespace) -> _Session:
    return _Session(args)


def _count(flags: int) -> str:
    return w(plural(flags, "cli.review.one_flag", "cli.review.flags"), count=flags)

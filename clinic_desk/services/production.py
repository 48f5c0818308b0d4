"""The production desk: the clinic's reader, gateway and cache, from the configuration.

Start-up comes in two steps so that every failure that must stop the desk is told
in plain words on the terminal, before the full-screen desk starts:

1. ``prepare_production(settings)`` (before the UI): the production rules, the
   refusal of a virtual reader, the TLS files, the cache passphrase (from
   ``CLINIC_DESK_CACHE_PASSPHRASE`` or a prompt) and opening the cache — created on
   the first run only, when neither its data file nor its key file exists.
2. ``build_production_services(prepared)`` (inside the desk): the clinic's reader,
   gateway and the opened cache as the desk's three sources (``assemble_desk``).
   A reader that is not plugged in or a gateway that is down do not stop the
   desk: the status line says what is not ready, the card monitor picks the
   reader up when it appears and the check-in falls back to the cache when the
   gateway is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from clinic_desk import paths
from clinic_desk.checkin.runner import EventObserver
from clinic_desk.config import (
    MIN_PASSPHRASE_LENGTH,
    PASSPHRASE_ENV,
    DeskSettings,
    production_problems,
)
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.connection import GatewaySettingsError, tls_context
from clinic_desk.readiness import CheckStatus, RunningDesk, notice_of, run_checks
from clinic_desk.services.assembly import DeskOptions, assemble_desk
from clinic_desk.services.desk import Closer, DeskServices, GatewayWatch, Starter
from clinic_desk.services.periodic import every
from clinic_desk.services.sources import CacheParts, CardParts, GatewayParts, GatewaySource
from clinic_desk.services.store import check_cache_pages
from offline_cache import OfflineCache
from offline_cache.errors import CacheError
from offline_cache.files import CacheFiles
from offline_cache.models import CachePolicy
from reader.errors import CardError, VirtualReaderRefused
from reader.transcript import Transcript
from reader.transport import PcscTransport

log = logging.getLogger("clinic_desk.production")

# how often the running desk re-runs its readiness checks for the status line
READINESS_REFRESH_SECONDS = 60.0

Prompt = Callable[[str], str]


class StartupError(Exception):
    """The production desk cannot start; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class PreparedDesk:
    """What ``prepare_production`` opened: handed to ``build_production_services``."""

    settings: DeskSettings
    cache: OfflineCache
    created_cache: bool


def cache_policy(settings: DeskSettings) -> CachePolicy:
    """The cache's expiry rules from the configured TTLs."""
    return CachePolicy(
        eligibility_ttl=timedelta(days=settings.cache.eligibility_ttl_days),
        medication_ttl=timedelta(hours=settings.cache.medication_ttl_hours),
    )


def cache_passphrase(
    settings: DeskSettings,
    *,
    creating: bool,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
) -> str:
    """The cache passphrase: the environment first, else a prompt when configured
    and a terminal is there. Never a desk without one."""
    env = os.environ if environ is None else environ
    value = env.get(PASSPHRASE_ENV, "")
    if not value and settings.cache.passphrase_source == "prompt":
        if prompt is None:
            if not sys.stdin.isatty():
                raise StartupError(
                    "the offline cache's passphrase is asked on the terminal, but there is no "
                    f"terminal: start the desk in one, or set {PASSPHRASE_ENV}"
                )
            prompt = getpass.getpass
        value = prompt("Offline cache passphrase: ")
        if creating and value and prompt("Repeat the passphrase: ") != value:
            raise StartupError("the two passphrases differ; nothing was created")
    if not value:
        raise StartupError(
            f"the offline cache needs its passphrase: set {PASSPHRASE_ENV}, or set "
            "cache.passphrase_source = 'prompt' to be asked at start"
        )
    if len(value) < MIN_PASSPHRASE_LENGTH:
        raise StartupError(
            f"the cache passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long"
        )
    return value


def open_cache(settings: DeskSettings, passphrase: str) -> tuple[OfflineCache, bool]:
    """Open the desk's cache; create it only when neither of its files exists.

    Returns the cache and whether it was created now. A cache that cannot be opened
    is never recreated or overwritten.
    """
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    fresh = not files.database.exists() and not files.key_file.exists()
    policy = cache_policy(settings)
    actor = settings.desk.desk_id
    try:
        if fresh:
            cache = OfflineCache.create(
                files.data_dir, files.config_dir, passphrase, policy=policy, actor=actor
            )
            log.info("offline cache created (first start of this desk)")
            return cache, True
        return (
            OfflineCache.open(
                files.data_dir, files.config_dir, passphrase, policy=policy, actor=actor
            ),
            False,
        )
    except CacheError as exc:
        raise StartupError(f"the offline cache cannot be opened: {exc.message}") from None


def refuse_virtual_reader(settings: DeskSettings) -> str | None:
    """The reader the desk will use, or None when it is not there yet.

    A virtual reader is refused outright (vpcd listens on the network: anyone who
    can reach it could present a forged card).
    """
    transport = PcscTransport(settings.reader.name_pattern, allow_virtual=False)
    try:
        return transport.resolve_reader()
    except VirtualReaderRefused as exc:
        raise StartupError(
            f"{exc.message} vsmartcard-vpcd listens on the network; remove it from this desk "
            "(sudo apt-get remove vsmartcard-vpcd)."
        ) from None
    except CardError:
        return None  # no service or no reader yet: the desk starts and says so
    finally:
        transport.close()


def prepare_production(
    settings: DeskSettings,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
) -> PreparedDesk:
    """Everything that must stop a production desk, checked before the UI starts.

    Raises StartupError with a plain message. The opened cache goes on to
    ``build_production_services(prepared)``.
    """
    if settings.mode != "production":
        raise StartupError("the configuration is not in production mode")
    problems = production_problems(settings, environ)
    if problems:
        raise StartupError(
            "the configuration cannot be used:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    refuse_virtual_reader(settings)
    try:
        if not settings.gateway.files:
            tls_context(settings.gateway)  # the desk's own TLS context, as the client builds it
    except GatewaySettingsError as exc:
        raise StartupError(str(exc)) from None
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    creating = not files.database.exists() and not files.key_file.exists()
    passphrase = cache_passphrase(settings, creating=creating, environ=environ, prompt=prompt)
    cache, created = open_cache(settings, passphrase)
    return PreparedDesk(settings, cache, created)


class ClinicReader:
    """The clinic's PC/SC reader (a virtual one is refused)."""

    def __init__(self, name_pattern: str | None) -> None:
        self.name_pattern = name_pattern

    async def open(self) -> CardParts:
        transport = PcscTransport(self.name_pattern, allow_virtual=False)

        async def close() -> None:
            await asyncio.to_thread(transport.close)

        return CardParts(
            transport=transport,
            reader=self.name_pattern or "",
            monitor=self.name_pattern,
            closers=[close],
        )


class ClinicGateway:
    """The clinic's eligibility gateway (mTLS). The status line follows it: each
    check-in's calls, and the readiness checks re-run every READINESS_REFRESH_SECONDS."""

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings

    async def open(self, watch: GatewayWatch) -> GatewayParts:
        try:
            client = EligibilityClient(self.settings.gateway)
        except (GatewaySettingsError, ValueError) as exc:
            raise StartupError(str(exc)) from None
        return GatewayParts(
            client=client,
            online=None,
            starters=[self._readiness(watch)],
            closers=[client.aclose],
        )

    def _readiness(self, watch: GatewayWatch) -> Starter:
        settings = self.settings
        last_seen: dict[str, CheckStatus] = {}

        async def refresh(services: DeskServices) -> None:
            readiness = await run_checks(settings, running=RunningDesk(cache_unlocked=True))
            problems = [r for r in readiness.not_ready() if r.key != "config"]
            services.update_status(
                reader=readiness.reader_name or settings.reader.name_pattern or "",
                notice=notice_of(problems),
                not_ready=tuple(r.finding() for r in problems),
            )
            watch.found(readiness.get("gateway").status is not CheckStatus.FAIL)
            for result in readiness.results:
                if last_seen.get(result.key) is not result.status:
                    log.info("readiness %s %s", result.key, result.status.value)
                    last_seen[result.key] = result.status

        return every(READINESS_REFRESH_SECONDS, refresh, "readiness")


def gateway_source(settings: DeskSettings, cache: OfflineCache) -> GatewaySource:
    """The configured backend: the HTTPS gateway, or the 資格確認端末's folder (whose
    files are kept as evidence in ``cache``)."""
    if settings.gateway.files:
        from clinic_desk.services.evidence import EvidenceArchiver
        from clinic_desk.services.terminal import TerminalGateway, terminal_settings

        terminal = terminal_settings(settings.gateway, settings.desk.desk_id)
        archiver = EvidenceArchiver(
            cache, desk_id=settings.desk.desk_id, quarantine=terminal.archive_folder()
        )
        return TerminalGateway(terminal, archiver=archiver)
    return ClinicGateway(settings)


class PreparedCache:
    """The cache ``prepare_production`` opened (closed with the desk). Its pages are
    checked once after the desk started (a damaged file shows on the status line)."""

    def __init__(self, cache: OfflineCache) -> None:
        self.cache = cache

    async def open(self) -> CacheParts:
        cache = self.cache

        async def close() -> None:
            await asyncio.to_thread(cache.close)

        async def check_pages(services: DeskServices) -> Closer:
            task = asyncio.create_task(check_cache_pages(cache, services), name="page-check")

            async def stop() -> None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

            return stop

        return CacheParts(cache=cache, word="unlocked", starters=[check_pages], closers=[close])


async def build_production_services(
    prepared: PreparedDesk,
    *,
    observers: tuple[EventObserver, ...] = (),
    transcript: Transcript | None = None,
) -> DeskServices:
    """The production desk's services from what ``prepare_production`` opened; started
    by ``DeskServices.start()``. A recording (``observers``, ``transcript``) is optional."""
    settings = prepared.settings
    try:
        return await assemble_desk(
            ClinicReader(settings.reader.name_pattern),
            gateway_source(settings, prepared.cache),
            PreparedCache(prepared.cache),
            DeskOptions(
                kind="production",
                desk_id=settings.desk.desk_id,
                idle_lock_seconds=settings.desk.idle_lock_seconds,
                reverify_interval=settings.gateway.reverify_interval_seconds,
                observers=observers,
                transcript=transcript,
                staff_pin_hashes=settings.visual_check.staff_pin_hashes,
                pin_pad=settings.reader.pin_pad,
                pin_pad_timeout_seconds=settings.reader.pin_pad_timeout_seconds,
            ),
        )
    except BaseException:
        await asyncio.to_thread(prepared.cache.close)
        raise

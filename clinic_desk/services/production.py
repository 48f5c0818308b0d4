"""The production desk: the clinic's reader, gateway and cache, from the configuration.

Start-up comes in two steps so that every failure that must stop the desk is told
in plain words on the terminal, before the full-screen desk starts:

1. ``prepare_production(settings)`` (before the UI): the production rules, the
   refusal of a virtual reader, the TLS files, the cache passphrase (from
   ``CLINIC_DESK_CACHE_PASSPHRASE`` or a prompt) and opening the cache — created on
   the first run only, when neither its data file nor its key file exists.
2. ``build_production_services(settings)`` (inside the desk): the gateway client,
   the card transport and monitor, the check-in runner. A reader that is not
   plugged in or a gateway that is down do not stop the desk: the status line
   says what is not ready, the card monitor picks the reader up when it appears
   and the check-in falls back to the cache when the gateway is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from clinic_desk import paths
from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.config import (
    MIN_PASSPHRASE_LENGTH,
    PASSPHRASE_ENV,
    DeskSettings,
    production_problems,
)
from clinic_desk.eligibility.client import EligibilityClient, GatewaySettingsError
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.readiness import CheckResult, CheckStatus, RunningDesk, run_checks, tls_context
from clinic_desk.services.card import ReaderCardPort
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.reverify import Reverifier
from clinic_desk.services.store import CacheStorePort, check_cache_pages
from offline_cache import OfflineCache
from offline_cache.errors import CacheError
from offline_cache.files import CacheFiles
from offline_cache.models import CachePolicy
from reader.errors import CardError, ReaderUnavailable, VirtualReaderRefused
from reader.transport import CardEvent, CardMonitor, PcscTransport

log = logging.getLogger("clinic_desk.production")

# how often the desk looks again for a smart-card service that was not running
MONITOR_RETRY_SECONDS = 2.0
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


class _Prepared:
    """The one prepared desk waiting for the UI to build its services (taken once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._desk: PreparedDesk | None = None

    def put(self, desk: PreparedDesk) -> None:
        with self._lock:
            self._desk = desk

    def take(self, settings: DeskSettings) -> PreparedDesk | None:
        with self._lock:
            desk, self._desk = self._desk, None
        if desk is not None and desk.settings is not settings:
            desk.cache.close()  # prepared for other settings: never reuse it
            return None
        return desk


_prepared = _Prepared()


def cache_policy(settings: DeskSettings) -> CachePolicy:
    """The cache's expiry rules from the configured TTLs."""
    return CachePolicy(
        eligibility_ttl=timedelta(days=settings.cache.eligibility_ttl_days),
        medication_ttl=timedelta(hours=settings.cache.medication_ttl_hours),
    )


def gateway_settings(settings: DeskSettings) -> GatewaySettings:
    """The eligibility client's settings from the desk's configuration."""
    config = settings.gateway
    if config.base_url is None:
        raise StartupError("gateway.base_url is not set: the desk has no gateway to ask")
    return GatewaySettings(
        base_url=config.base_url,
        ca_bundle=config.ca_bundle,
        client_certificate=config.client_certificate,
        client_key=config.client_key,
        client_key_password=config.client_key_password,
        verify_tls=config.verify_tls,
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        checkin_budget=config.checkin_budget,
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

    Raises StartupError with a plain message. Keeps the opened cache for the next
    ``build_production_services(settings)``.
    """
    if settings.mode != "production":
        raise StartupError("the configuration is not in production mode")
    problems = production_problems(settings, environ)
    if problems:
        raise StartupError(
            "the configuration cannot be used:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    refuse_virtual_reader(settings)
    tls = tls_context(settings.gateway)
    if isinstance(tls, CheckResult):
        raise StartupError(f"{tls.detail} ({tls.fix})")
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    creating = not files.database.exists() and not files.key_file.exists()
    passphrase = cache_passphrase(settings, creating=creating, environ=environ, prompt=prompt)
    cache, created = open_cache(settings, passphrase)
    desk = PreparedDesk(settings, cache, created)
    _prepared.put(desk)
    return desk


async def build_production_services(
    settings: DeskSettings, *, prepared: PreparedDesk | None = None
) -> DeskServices:
    """The production desk's services, started by ``DeskServices.start()``.

    Uses what ``prepare_production`` opened when it ran for these settings, and
    otherwise prepares now (without a prompt: the UI owns the terminal).
    """
    desk = prepared or _prepared.take(settings)
    if desk is None:
        desk = await asyncio.to_thread(prepare_production, settings, prompt=_no_prompt)
    cache = desk.cache
    try:
        client = EligibilityClient(gateway_settings(settings))
    except (GatewaySettingsError, ValueError) as exc:
        await asyncio.to_thread(cache.close)
        raise StartupError(str(exc)) from None

    pattern = settings.reader.name_pattern
    transport = PcscTransport(pattern, allow_virtual=False)
    gateway_port = ClientGatewayPort(client)
    runner = CheckInRunner(
        CheckInMachine(),
        ReaderCardPort(transport),
        gateway_port,
        CacheStorePort(cache, desk_id=settings.desk.desk_id),
    )
    monitors: list[CardMonitor] = []
    stopping = asyncio.Event()

    last_seen: dict[str, CheckStatus] = {}
    refreshing: list[asyncio.Task[None]] = []

    async def refresh_readiness(services: DeskServices) -> None:
        readiness = await run_checks(settings, running=RunningDesk(cache_unlocked=True))
        gateway = readiness.get("gateway")
        problems = [r for r in readiness.not_ready() if r.key != "config"]
        services.update_status(
            gateway_online=gateway.status is not CheckStatus.FAIL,
            reader=readiness.reader_name or pattern or "",
            notice="; ".join(f"{r.title}: {r.detail}" for r in problems),
        )
        for result in readiness.results:
            if last_seen.get(result.key) is not result.status:
                log.info("readiness %s %s", result.key, result.status.value)
                last_seen[result.key] = result.status

    async def keep_checking(services: DeskServices) -> None:
        # a reader plugged in later, a gateway back up: the status line follows
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), READINESS_REFRESH_SECONDS)
            if not stopping.is_set():
                await refresh_readiness(services)

    async def start_page_check(services: DeskServices) -> None:
        refreshing.append(asyncio.create_task(check_cache_pages(cache, services)))

    async def check_readiness(services: DeskServices) -> None:
        await refresh_readiness(services)
        refreshing.append(asyncio.create_task(keep_checking(services)))

    async def start_monitor(services: DeskServices) -> None:
        def forward(event: CardEvent) -> None:
            services.card_event(
                ev.CardInserted(reader=event.reader)
                if event.kind == "inserted"
                else ev.CardRemoved()
            )

        while not stopping.is_set():
            try:
                monitors.append(await asyncio.to_thread(CardMonitor(pattern, forward).start))
                return
            except ReaderUnavailable as exc:
                log.warning("card monitor not started: %s", type(exc).__name__)
                services.update_status(notice=f"card reader: {exc.message}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), MONITOR_RETRY_SECONDS)

    async def stop_everything() -> None:
        stopping.set()
        for task in refreshing:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for monitor in monitors:
            await asyncio.to_thread(monitor.stop)
        await asyncio.to_thread(transport.close)
        await client.aclose()
        await asyncio.to_thread(cache.close)

    services = DeskServices(
        runner,
        status=DeskStatus(
            reader=pattern or "",
            card_source="",
            gateway_online=None,
            cache="unlocked",
            mode="production",
        ),
        closers=[stop_everything],
        starters=[start_page_check, check_readiness, start_monitor],
        reverifier=Reverifier(cache, client, desk_id=settings.desk.desk_id),
        reverify_interval=settings.gateway.reverify_interval_seconds,
    )
    gateway_port.on_reachability = lambda ok: services.update_status(gateway_online=ok)
    return services


def _no_prompt(_text: str) -> str:
    raise StartupError(
        "the offline cache's passphrase was not given before the desk started: "
        f"set {PASSPHRASE_ENV}"
    )

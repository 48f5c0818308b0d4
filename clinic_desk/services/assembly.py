"""One way to assemble a desk: a card source, a gateway source and a cache source.

Every desk — the demo, the clinic's production desk, a support fixture in the desk
and the headless replay — is built here from three sources:

- a **card source** gives the card transport the check-in reads (a PC/SC reader,
  virtual cards through pcscd or in process), the reader to watch for cards, and
  the side panel when the cards are virtual;
- a **gateway source** gives the eligibility client (the clinic's gateway, or the
  embedded one with its switch) and what keeps the status line up to date;
- a **cache source** gives the offline cache (the clinic's, or a temporary one)
  and how flags keep the insurer reference for the manager.

Another identity source or eligibility backend is a new source, not a new desk.
Collaborators are handed in when they are made; nothing is patched on afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clinic_desk import paths
from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.runner import CheckInRunner, EventObserver
from clinic_desk.checkin.view import DeskView
from clinic_desk.manager.sealing import SealFunction
from clinic_desk.services.card import PinPadPolicy, ReaderCardPort
from clinic_desk.services.desk import (
    DEFAULT_REVERIFY_INTERVAL,
    Closer,
    DeskKind,
    DeskServices,
    DeskStatus,
    GatewayWatch,
    ManagerAccess,
    Starter,
    close_all,
)
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.pin_pad import PadEntry
from clinic_desk.services.reverify import Reverifier
from clinic_desk.services.sources import (
    CacheParts,
    CacheSource,
    CardSource,
    GatewaySource,
    removing,
)
from clinic_desk.services.staff_pins import StaffPins
from clinic_desk.services.store import CacheStorePort
from clinic_desk.texts.said import Finding
from offline_cache import OfflineCache
from reader.errors import ReaderUnavailable
from reader.transcript import Transcript
from reader.transport import CardEvent, CardMonitor

log = logging.getLogger("clinic_desk.assembly")

# how often the desk looks again for a smart-card service that was not running
MONITOR_RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class DeskOptions:
    """What is the same whatever the sources: the desk's kind, name and habits."""

    kind: DeskKind
    desk_id: str
    idle_lock_seconds: float | None = None
    reverify_interval: float = DEFAULT_REVERIFY_INTERVAL
    # a recording of each check-in: it sees every event, and the card exchanges
    observers: tuple[EventObserver, ...] = ()
    transcript: Transcript | None = None
    starters: tuple[Starter, ...] = ()
    closers: tuple[Closer, ...] = ()
    # staff id → PIN hash: a visual check asks the staff PIN (production); None: not asked
    staff_pin_hashes: Mapping[str, str] | None = None
    # the PIN on the reader's PIN pad (``reader.pin_pad``) and how long the pad waits
    pin_pad: PinPadPolicy = "prefer"
    pin_pad_timeout_seconds: int = 30

    @property
    def recording(self) -> bool:
        return bool(self.observers)


async def assemble_desk(
    cards: CardSource, gateway: GatewaySource, cache: CacheSource, options: DeskOptions
) -> DeskServices:
    """The desk's services from its three sources; ``DeskServices.start()`` starts
    them, ``stop()`` closes everything the sources opened. When a source cannot be
    opened, what the others opened is closed again before the error goes on."""
    watch = GatewayWatch()
    closers: list[Closer] = []
    try:
        cache_parts = await cache.open()
        closers += cache_parts.closers
        gateway_parts = await gateway.open(watch)
        closers += gateway_parts.closers
        card_parts = await cards.open()
        closers += card_parts.closers
    except BaseException:
        await close_all(closers)
        raise
    watch.online = gateway_parts.online
    client = gateway_parts.client
    port = gateway_parts.port
    if port is None:
        assert client is not None, "a gateway source gives a client or a port"
        port = ClientGatewayPort(client, on_reachability=watch.found)
    runner = CheckInRunner(
        CheckInMachine(),
        ReaderCardPort(
            card_parts.transport,
            options.transcript,
            pin_pad=options.pin_pad,
            pad_timeout_seconds=options.pin_pad_timeout_seconds,
        ),
        port,
        CacheStorePort(cache_parts.cache, desk_id=options.desk_id, seal=cache_parts.seal),
        staff_check=_staff_pins(cache_parts.cache, options.staff_pin_hashes),
    )
    runner.observers.extend(options.observers)
    runner.observers.append(PadEntry(runner).observe)
    if gateway_parts.port is not None:  # a backend's own port: its answers tell the watch
        runner.observers.append(_answers_tell(watch))
    panel = card_parts.panel(runner, gateway_parts.switch) if card_parts.panel else None
    starters: list[Starter] = [*cache_parts.starters, *gateway_parts.starters]
    if card_parts.monitor is not None:
        starters.append(_card_monitor(card_parts.monitor))
    starters += options.starters
    return DeskServices(
        runner,
        status=DeskStatus(
            reader=card_parts.reader,
            card_source=card_parts.card_source,
            gateway_online=gateway_parts.online,
            cache=cache_parts.word,
            mode=options.kind,
            recording=options.recording,
        ),
        gateway=watch,
        demo=panel,
        closers=[*closers, *options.closers],
        starters=starters,
        reverifier=Reverifier(
            cache_parts.cache, client, desk_id=options.desk_id, ask=gateway_parts.reverify
        ),
        reverify_interval=options.reverify_interval,
        idle_lock_seconds=options.idle_lock_seconds,
        manager=cache_parts.manager,
        faces=gateway_parts.faces,
    )


def _answers_tell(watch: GatewayWatch) -> EventObserver:
    """For a backend with its own port (the 資格確認端末), what its answers say of it:
    a record or 該当資格なし means it answers, ``GatewayUnavailable`` that it does not
    (the HTTPS gateway's port reports each call itself)."""

    def observe(event: ev.Event, _before: DeskView, _machine: CheckInMachine) -> None:
        if isinstance(event, ev.GatewayUnavailable):
            watch.found(False)
        elif isinstance(event, ev.RecordFetched | pe.NumbersNotFound):
            watch.found(True)

    return observe


def _card_monitor(reader: str) -> Starter:
    """Watches ``reader`` for cards; a smart-card service that is not running yet is
    looked for again until the desk stops (the status line says what is missing)."""

    async def start(services: DeskServices) -> Closer:
        stopping = asyncio.Event()
        monitors: list[CardMonitor] = []

        def forward(event: CardEvent) -> None:
            services.card_event(
                ev.CardInserted(reader=event.reader)
                if event.kind == "inserted"
                else ev.CardRemoved()
            )

        async def attempt() -> bool:
            try:
                monitors.append(await asyncio.to_thread(CardMonitor(reader, forward).start))
                return True
            except ReaderUnavailable as exc:
                log.warning("card monitor not started: %s", type(exc).__name__)
                from clinic_desk.readiness.machine import reader_said  # only when it fails

                services.update_status(
                    notice=f"card reader: {exc.message}",
                    not_ready=(Finding(check="ready.check.reader", said=reader_said(exc)),),
                )
                return False

        async def keep_trying() -> None:
            while not stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), MONITOR_RETRY_SECONDS)
                if not stopping.is_set() and await attempt():
                    return

        retrying: list[asyncio.Task[None]] = []
        if not await attempt():  # the first try before the desk takes cards
            retrying.append(asyncio.create_task(keep_trying(), name="card-monitor"))

        async def stop() -> None:
            stopping.set()
            for task in retrying:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for monitor in monitors:
                await asyncio.to_thread(monitor.stop)

        return stop

    return start


class TemporaryCache:
    """A new encrypted cache with a throw-away passphrase, deleted with the desk."""

    def __init__(
        self,
        desk_id: str,
        *,
        folder: Path | None = None,
        word: str = "temporary",
        scrypt_n: int | None = None,
        prepare: Callable[[OfflineCache], None] | None = None,
        manager: Callable[[Path], tuple[SealFunction, ManagerAccess] | None] | None = None,
    ) -> None:
        self.desk_id = desk_id
        self.folder = folder
        self.word = word
        self.scrypt_n = scrypt_n
        self.prepare = prepare
        self.manager = manager

    async def open(self) -> CacheParts:
        folder = self.folder or Path(
            await asyncio.to_thread(
                tempfile.mkdtemp, prefix=f"{self.desk_id}-", dir=paths.ensure_dir(paths.cache_dir())
            )
        )
        scrypt_n = self.scrypt_n

        def create() -> OfflineCache:
            passphrase = secrets.token_urlsafe(24)
            data, config = folder / "data", folder / "config"
            if scrypt_n is None:
                return OfflineCache.create(data, config, passphrase, actor=self.desk_id)
            return OfflineCache.create(
                data, config, passphrase, actor=self.desk_id, scrypt_n=scrypt_n
            )

        cache = await asyncio.to_thread(create)

        close = removing(cache, folder)

        try:
            if self.prepare is not None:
                await asyncio.to_thread(self.prepare, cache)
            manager = await asyncio.to_thread(self.manager, folder) if self.manager else None
        except BaseException:
            await close()
            raise
        parts = CacheParts(cache=cache, word=self.word, closers=[close])
        if manager is not None:
            parts.seal, parts.manager = manager
        return parts


def _staff_pins(cache: OfflineCache, hashes: Mapping[str, str] | None) -> StaffPins | None:
    return StaffPins(cache, hashes) if hashes is not None else None

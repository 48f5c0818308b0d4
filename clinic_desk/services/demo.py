"""The demo desk: the embedded gateway, a temporary cache and the fixture cards.

``clinic-desk`` with nothing configured runs this. The cards go through the real
pcscd and the vsmartcard virtual reader when that is available (the same pyscard
code path as a real reader), otherwise they are called in-process; the status
line says which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from clinic_desk import paths
from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.card import ReaderCardPort
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.gateway import preload as preload_gateway_client
from clinic_desk.services.reverify import Reverifier
from clinic_desk.services.store import CacheStorePort
from offline_cache import OfflineCache
from reader.errors import CardError
from reader.transport import CardEvent, CardMonitor, InProcessTransport, PcscTransport, list_readers
from reader.virtual_card.card import CardLeftField, VirtualCard
from reader.virtual_card.profile import CardProfile
from reader.virtual_card.vpcd import DEFAULT_PORT, VpcdCardServer, reader_name_for_port

log = logging.getLogger("clinic_desk.demo")

CardSource = Literal["pcscd", "in_process"]
IN_PROCESS_READER = "in-process virtual card"

# The demo panel's cards, in the order a new user should try them.
DEMO_CARDS = (
    "yamada-taro",
    "takahashi-ichiro",
    "watanabe-hanako",
    "sato-ken",
    "kato-yuki",
    "kobayashi-sachiko",
    "ito-makoto",
    "nakamura-akemi",
)


class DemoCards:
    """The fixture cards of the demo panel.

    A card is made on its first tap (its RSA key takes a moment to derive) and
    then kept, so its PIN counters live as long as the desk.
    """

    def __init__(self, cards_dir: Path | None = None) -> None:
        folder = cards_dir or paths.fixtures_dir() / "cards"
        self._profiles = {
            card_id: CardProfile.load(folder / f"{card_id}.json")
            for card_id in DEMO_CARDS
            if (folder / f"{card_id}.json").exists()
        }
        self._made: dict[str, VirtualCard] = {}

    def ids(self) -> list[str]:
        return list(self._profiles)

    def __getitem__(self, card_id: str) -> VirtualCard:
        if card_id not in self._made:
            self._made[card_id] = VirtualCard(self._profiles[card_id])
        return self._made[card_id]


def vpcd_available(port: int = DEFAULT_PORT) -> bool:
    """True when pcscd runs with the vsmartcard reader for ``port``."""
    try:
        return reader_name_for_port(port) in list_readers()
    except CardError:
        return False


class CardSlot:
    """An in-process reader slot: holds at most one virtual card."""

    def __init__(self) -> None:
        self.card: VirtualCard | None = None

    @property
    def atr(self) -> bytes:
        return self.card.atr if self.card is not None else b""

    def reset(self) -> None:
        if self.card is None:
            raise CardLeftField
        self.card.reset()

    def process(self, apdu: bytes) -> bytes:
        if self.card is None:
            raise CardLeftField
        return self.card.process(apdu)


class _GatewaySwitch:
    def __init__(self, server: GatewayServer, services: DeskServices | None = None) -> None:
        self.server = server
        self.services = services
        self.down = False

    def toggle(self) -> bool:
        self.down = not self.down
        if self.down:
            self.server.state.faults.add(Fault(kind=FaultKind.DOWN))
        else:
            self.server.state.faults.clear()
        if self.services is not None:
            self.services.update_status(gateway_online=not self.down)
            if not self.down:  # back up: re-check the visits checked in offline
                self.services.request_reverify()
        return self.down


class InProcessDeck:
    """Tapping a card puts it in the in-process slot and tells the runner."""

    def __init__(self, cards: DemoCards, slot: CardSlot, gateway: _GatewaySwitch) -> None:
        self._cards = cards
        self._slot = slot
        self._gateway = gateway
        self.runner: CheckInRunner | None = None

    def cards(self) -> list[str]:
        return self._cards.ids()

    async def tap(self, card_id: str) -> None:
        assert self.runner is not None
        if self._slot.card is not None:
            await self.remove()
        card = await asyncio.to_thread(self._cards.__getitem__, card_id)
        card.reinsert()
        self._slot.card = card
        await self.runner.dispatch(ev.CardInserted(reader=IN_PROCESS_READER))

    async def remove(self) -> None:
        assert self.runner is not None
        if self._slot.card is not None:
            self._slot.card.remove()
            self._slot.card = None
            await self.runner.dispatch(ev.CardRemoved())

    async def toggle_gateway(self) -> bool:
        return self._gateway.toggle()


class PcscdDeck:
    """Tapping a card connects it to vpcd; pcscd and the card monitor do the rest."""

    def __init__(self, cards: DemoCards, gateway: _GatewaySwitch, port: int = DEFAULT_PORT) -> None:
        self._cards = cards
        self._gateway = gateway
        self._port = port
        self._server: VpcdCardServer | None = None

    def cards(self) -> list[str]:
        return self._cards.ids()

    async def tap(self, card_id: str) -> None:
        await self.remove()
        card = await asyncio.to_thread(self._cards.__getitem__, card_id)
        card.reinsert()
        self._server = VpcdCardServer(card, port=self._port).start()

    async def remove(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await asyncio.to_thread(server.stop)

    async def toggle_gateway(self) -> bool:
        return self._gateway.toggle()


async def build_demo_services(
    *, card_source: CardSource | None = None, desk_id: str = "demo-desk"
) -> DeskServices:
    """Everything the demo desk needs, started; ``DeskServices.stop()`` undoes it all."""
    source: CardSource = card_source or (
        "pcscd" if await asyncio.to_thread(vpcd_available) else "in_process"
    )
    cards = DemoCards()
    await asyncio.to_thread(preload_gateway_client)
    gateway = await asyncio.to_thread(GatewayServer(max_seconds=None).start)
    client = EligibilityClient(GatewaySettings(base_url=gateway.url))

    workdir = Path(tempfile.mkdtemp(prefix="demo-", dir=paths.ensure_dir(paths.cache_dir())))
    cache = await asyncio.to_thread(
        OfflineCache.create,
        workdir / "data",
        workdir / "config",
        secrets.token_urlsafe(24),
        actor=desk_id,
    )
    switch = _GatewaySwitch(gateway)
    slot = CardSlot()
    deck: InProcessDeck | PcscdDeck
    if source == "pcscd":
        reader = reader_name_for_port(DEFAULT_PORT)
        transport: InProcessTransport | PcscTransport = PcscTransport(reader, allow_virtual=True)
        deck = PcscdDeck(cards, switch)
    else:
        reader = IN_PROCESS_READER
        transport = InProcessTransport(slot, reader_name=IN_PROCESS_READER)
        deck = InProcessDeck(cards, slot, switch)

    gateway_port = ClientGatewayPort(client)
    runner = CheckInRunner(
        CheckInMachine(),
        ReaderCardPort(transport),
        gateway_port,
        CacheStorePort(cache, desk_id=desk_id),
    )
    if isinstance(deck, InProcessDeck):
        deck.runner = runner
    monitor: list[CardMonitor] = []

    async def start_monitor(services: DeskServices) -> None:
        def forward(event: CardEvent) -> None:
            services.card_event(
                ev.CardInserted(reader=event.reader)
                if event.kind == "inserted"
                else ev.CardRemoved()
            )

        monitor.append(await asyncio.to_thread(CardMonitor(reader, forward).start))

    async def stop_everything() -> None:
        for m in monitor:
            await asyncio.to_thread(m.stop)
        await deck.remove()
        await client.aclose()
        await asyncio.to_thread(gateway.stop)
        await asyncio.to_thread(cache.close)
        with contextlib.suppress(OSError):
            await asyncio.to_thread(shutil.rmtree, workdir)

    services = DeskServices(
        runner,
        status=DeskStatus(
            reader=reader, card_source=source, gateway_online=True, cache="unlocked", mode="demo"
        ),
        demo=deck,
        closers=[stop_everything],
        starters=[start_monitor] if source == "pcscd" else [],
        reverifier=Reverifier(cache, client, desk_id=desk_id),
    )
    switch.services = services
    gateway_port.on_reachability = lambda ok: services.update_status(gateway_online=ok)
    return services

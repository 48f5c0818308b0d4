"""Virtual My Number cards as a desk's card source: the demo's, a support fixture's.

A card is put on the reader in one of two ways, and only here:

- in process (``SlotReader``): the card goes into a ``CardSlot`` that an
  ``InProcessTransport`` reads, and the check-in is told at once;
- through pcscd (``VpcdReader``): the card is connected to the vsmartcard virtual
  reader, and the desk's card monitor hears pcscd say so, as with a real reader.

``VirtualCardPanel`` is the desk's side panel over either: tap a card, take it away,
cut the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.services.desk import CardPanel
from clinic_desk.services.sources import CardParts, GatewayToggle
from reader.apdu import EF_JPKI_AUTH_PIN, EF_TEXT_PIN, JPKI_AID, TEXT_AID
from reader.errors import CardError
from reader.transport import (
    InProcessTransport,
    PcscTransport,
    list_readers,
    wait_for_card_state,
)
from reader.virtual_card.card import CardLeftField, VirtualCard
from reader.virtual_card.keys import KeyStore
from reader.virtual_card.profile import CardProfile
from reader.virtual_card.vpcd import DEFAULT_PORT, VpcdCardServer, reader_name_for_port


class VirtualCards:
    """Virtual cards by id. A card is made when first asked for (its RSA key takes a
    moment to derive) and then kept, so its PIN counters live as long as the desk."""

    def __init__(self, profiles: Mapping[str, CardProfile], keys: KeyStore) -> None:
        self._profiles = dict(profiles)
        self._keys = keys
        self._made: dict[str, VirtualCard] = {}

    @classmethod
    def from_folder(cls, folder: Path, ids: tuple[str, ...], keys: KeyStore) -> VirtualCards:
        """The cards ``ids`` of ``folder`` (``<id>.json``), in that order; missing ones left
        out. Their keys come from ``keys`` (the test keys shipped with the card fixtures)."""
        return cls(
            {
                card_id: CardProfile.load(folder / f"{card_id}.json")
                for card_id in ids
                if (folder / f"{card_id}.json").is_file()
            },
            keys,
        )

    def ids(self) -> list[str]:
        return list(self._profiles)

    def card(self, card_id: str) -> VirtualCard:
        """The card (made now if needed: blocking, call it from a thread)."""
        if card_id not in self._made:
            self._made[card_id] = VirtualCard(self._profiles[card_id], self._keys)
        return self._made[card_id]

    def pin_tries(self, card_id: str) -> int | None:
        """The fewest tries left on the card's two PINs (a made card's own counters,
        else its profile's); None for an unknown card."""
        card = self._made.get(card_id)
        if card is not None:
            return min(
                card.tries_left(TEXT_AID, EF_TEXT_PIN), card.tries_left(JPKI_AID, EF_JPKI_AUTH_PIN)
            )
        profile = self._profiles.get(card_id)
        if profile is None:
            return None
        return min(profile.pins.text_pin_tries, profile.pins.auth_pin_tries)


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

    def put(self, card: VirtualCard) -> None:
        if not card.present:
            card.reinsert()  # a card put back: its removal fault does not fire again
        self.card = card

    def take(self) -> bool:
        """Take the card out; False when the slot was empty."""
        card, self.card = self.card, None
        if card is None:
            return False
        card.remove()
        return True


class CardReader(Protocol):
    """Where the panel puts a virtual card."""

    async def put(self, card: VirtualCard) -> None: ...

    async def take(self) -> None: ...


class SlotReader:
    """Puts a card in the in-process slot and tells the check-in at once."""

    def __init__(self, slot: CardSlot, runner: CheckInRunner, reader_name: str) -> None:
        self._slot = slot
        self._runner = runner
        self._reader_name = reader_name

    async def put(self, card: VirtualCard) -> None:
        if self._slot.card is not None:
            await self.take()
        self._slot.put(card)
        await self._runner.dispatch(ev.CardInserted(reader=self._reader_name))

    async def take(self) -> None:
        if self._slot.take():
            await self._runner.dispatch(ev.CardRemoved())


class VpcdReader:
    """Connects a card to vpcd; pcscd and the desk's card monitor do the rest.

    A card taken out stays out until pcscd has seen the reader empty (as a hand
    would keep it out until the reader noticed): vpcd, finding the old card gone
    while the next one already waits on its socket, switches to the new card within
    one presence check, and pcscd then reports neither the removal nor the arrival.
    """

    def __init__(self, port: int = DEFAULT_PORT, *, settle_timeout: float = 5.0) -> None:
        self._port = port
        self._server: VpcdCardServer | None = None
        self._settle_timeout = settle_timeout
        # a card was taken out and pcscd may not have seen it go: at first, the card of
        # a desk that stopped just before (its connection closed with it)
        self._leaving = True

    async def put(self, card: VirtualCard) -> None:
        await self.take()
        if self._leaving:
            await asyncio.to_thread(self._wait_empty)
        if not card.present:
            card.reinsert()
        self._server = VpcdCardServer(card, port=self._port).start()

    async def take(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            self._leaving = True
            await asyncio.to_thread(server.stop)

    def _wait_empty(self) -> None:
        """Until pcscd reports the reader empty, at most ``settle_timeout`` seconds (a
        smart-card service that stopped answering does not hold the next card back)."""
        with contextlib.suppress(CardError):
            wait_for_card_state(
                reader_name_for_port(self._port), present=False, timeout=self._settle_timeout
            )
        self._leaving = False


class VirtualCardPanel:
    """The side panel: the cards to tap, the card on the reader, the gateway switch."""

    def __init__(
        self, cards: VirtualCards, reader: CardReader, gateway: GatewayToggle | None = None
    ) -> None:
        self._cards = cards
        self.reader = reader
        self.gateway = gateway

    def cards(self) -> list[str]:
        return self._cards.ids()

    def pin_tries(self, card_id: str) -> int | None:
        return self._cards.pin_tries(card_id)

    async def tap(self, card_id: str) -> None:
        await self.reader.take()
        card = await asyncio.to_thread(self._cards.card, card_id)
        await self.reader.put(card)

    async def remove(self) -> None:
        await self.reader.take()

    async def toggle_gateway(self) -> bool:
        return self.gateway.toggle() if self.gateway is not None else False


class InProcessCards:
    """Virtual cards called in-process (the demo without pcscd, a support fixture, the
    headless replay)."""

    def __init__(self, cards: VirtualCards, reader_name: str, *, card_source: str = "") -> None:
        self.cards = cards
        self.reader_name = reader_name
        self.card_source = card_source

    async def open(self) -> CardParts:
        slot = CardSlot()
        cards, name = self.cards, self.reader_name

        def panel(runner: CheckInRunner, gateway: GatewayToggle | None) -> CardPanel:
            return VirtualCardPanel(cards, SlotReader(slot, runner, name), gateway)

        return CardParts(
            transport=InProcessTransport(slot, reader_name=name),
            reader=name,
            card_source=self.card_source,
            panel=panel,
        )


class VpcdCards:
    """Virtual cards through the real pcscd and the vsmartcard reader: the same pyscard
    code path as a real reader."""

    def __init__(self, cards: VirtualCards, port: int = DEFAULT_PORT) -> None:
        self.cards = cards
        self.port = port

    async def open(self) -> CardParts:
        name = reader_name_for_port(self.port)
        vpcd = VpcdReader(self.port)
        cards = self.cards
        transport = PcscTransport(name, allow_virtual=True)

        def panel(_runner: CheckInRunner, gateway: GatewayToggle | None) -> CardPanel:
            return VirtualCardPanel(cards, vpcd, gateway)

        async def close() -> None:
            await vpcd.take()
            await asyncio.to_thread(transport.close)

        return CardParts(
            transport=transport,
            reader=name,
            card_source="pcscd",
            monitor=name,
            panel=panel,
            closers=[close],
        )


def vpcd_available(port: int = DEFAULT_PORT) -> bool:
    """True when pcscd runs with the vsmartcard reader for ``port``."""
    try:
        return reader_name_for_port(port) in list_readers()
    except CardError:
        return False

"""The demo panel's taps through the real pcscd and vsmartcard's vpcd: a card tapped
while another lies on the reader is seen leaving, then the next one arriving.

Swapping the card in one go (the old one's connection closed, the next one's opened
at once) let vpcd switch cards inside one presence check: pcscd reported neither the
removal nor the arrival, and the desk stayed at "Reading the card…"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clinic_desk.services.desk import CardPanel
from clinic_desk.services.virtual_cards import VirtualCardPanel, VirtualCards, VpcdReader
from reader.transport import CardEvent, CardMonitor, wait_for_card_state
from reader.virtual_card import KeyStore
from tests.reader.conftest import CARDS_DIR, VPCD_PORT, VPCD_READER
from tests.support.pcscd import PcscService

pytestmark = pytest.mark.pcscd

CARDS = ("yamada-taro", "takahashi-ichiro")
SWAPS = 8  # each swap was missed about every other time


@pytest.fixture
async def panel(pcscd: PcscService) -> AsyncIterator[CardPanel]:
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10), "the test reader is busy"
    cards = VirtualCards.from_folder(CARDS_DIR, CARDS, KeyStore.for_cards(CARDS_DIR))
    deck = VirtualCardPanel(cards, VpcdReader(VPCD_PORT))
    try:
        yield deck
    finally:
        await deck.remove()
        assert wait_for_card_state(VPCD_READER, present=False, timeout=10)


def next_events(monitor: CardMonitor, until: str) -> list[str]:
    """The monitor's events up to the first ``until`` (or until it goes quiet)."""
    kinds: list[str] = []
    while True:
        event: CardEvent | None = monitor.get(timeout=10)
        if event is None:
            return kinds
        kinds.append(event.kind)
        if event.kind == until:
            return kinds


async def test_a_card_tapped_over_another_is_seen_leaving_then_the_next_arriving(
    panel: CardPanel,
) -> None:
    with CardMonitor(VPCD_READER) as monitor:
        await panel.tap(CARDS[0])
        assert next_events(monitor, "inserted") == ["inserted"]
        for swap in range(SWAPS):
            await panel.tap(CARDS[(swap + 1) % 2])  # at once, over the card on the reader
            assert next_events(monitor, "inserted") == ["removed", "inserted"], swap
        await panel.remove()
        assert next_events(monitor, "removed") == ["removed"]

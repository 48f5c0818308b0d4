"""The timing model of a real card: latencies spent inside the card, per command.

Nothing here is timed: the card is given a ``sleep`` that records what it would
spend, and the tests check which command costs what.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.apdu import read_binary, select_aid, select_ef
from reader.mynumber import MyNumberCard
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from reader.virtual_card import VirtualCard
from reader.virtual_card.timing import INSTANT, REAL_CARD, CardTiming, resolve_timing
from tests.reader.conftest import load_profile

SW_OK = b"\x90\x00"


class Spent:
    """A sleep that records instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.calls)


def timed_card(
    timing: str | dict[str, float], name: str = "yamada-taro"
) -> tuple[VirtualCard, Spent]:
    spent = Spent()
    return VirtualCard(load_profile(name, timing=timing), sleep=spent), spent


def test_an_instant_card_spends_nothing() -> None:
    spent = Spent()
    card = VirtualCard(load_profile("yamada-taro"), sleep=spent)
    with MyNumberCard(InProcessTransport(card)) as reader:
        reader.full_read("1234", b"n")
    assert spent.calls == []
    assert card.timing == INSTANT


def test_each_command_costs_what_the_model_says() -> None:
    card, spent = timed_card("real-card")
    transcript = Transcript()
    with MyNumberCard(InProcessTransport(card), transcript) as reader:
        reader.full_read("1234", b"nonce")
    assert len(spent.calls) == len(transcript)
    for exchange, seconds in zip(transcript, spent.calls, strict=True):
        ins, size = exchange.command[1], len(exchange.response)
        expected = {
            0xA4: REAL_CARD.select_ms,
            0x20: REAL_CARD.verify_ms if len(exchange.command) > 5 else REAL_CARD.tries_left_ms,
            0xB0: REAL_CARD.read_binary_ms + size * REAL_CARD.response_byte_ms,
            0x2A: REAL_CARD.signature_ms,
        }[ins]
        assert seconds == pytest.approx(expected / 1000), exchange.step


def test_the_real_card_preset_matches_the_published_figures() -> None:
    """≈1.7 s to read a real (~1.5 KB) certificate the way the published log reads it
    (a 4-byte header, six 256-byte blocks, then the next SELECT), ≈0.7 s to sign."""
    ok = lambda data=b"": data + SW_OK  # noqa: E731
    header = REAL_CARD.seconds_for(read_binary(0, 4), ok(b"\x30\x82\x05\x80"))
    blocks = 6 * REAL_CARD.seconds_for(read_binary(0, 256), ok(bytes(256)))
    select = REAL_CARD.seconds_for(select_ef(0x000B), ok())
    assert 1.6 <= header + blocks + select <= 1.8
    assert REAL_CARD.signature_ms == 700


def test_the_virtual_cards_certificate_read_under_the_model() -> None:
    card, spent = timed_card("real-card")
    transcript = Transcript()
    with MyNumberCard(InProcessTransport(card), transcript) as reader:
        der = reader.read_auth_certificate()
    # SELECT AP, SELECT EF, then 256-byte blocks: its 938-byte certificate is smaller
    # than a real card's, so it reads faster than the real ~1.7 s.
    blocks = -(-len(der) // 256)
    assert [e.command[1] for e in transcript] == [0xA4, 0xA4] + [0xB0] * blocks
    expected = 2 * 0.045 + blocks * 0.075 + len(der) * 0.0007
    assert spent.total == pytest.approx(expected)


def test_a_custom_timing_and_the_slow_fault_add_up() -> None:
    card, spent = timed_card({"select_ms": 10, "signature_ms": 250})
    card.faults = card.faults.model_copy(update={"slow_ms": 5})
    assert card.process(select_aid(bytes.fromhex("D392F000260100000001")))[-2:] == SW_OK
    assert spent.calls == [0.005, 0.010]
    assert resolve_timing("real-card") is REAL_CARD
    assert CardTiming(select_ms=10).seconds_for(b"\x00\xa4", b"\x6a\x82") == 0.010


def test_a_fixture_selects_the_model_for_a_shipped_card(tmp_path: Path) -> None:
    from clinic_desk.scenarios.scenario import Scenario
    from clinic_desk.scenarios.world import card_profile

    fixture = tmp_path / "real-card.json"
    fixture.write_text(
        '{"title": "t", "card": {"profile": "yamada-taro", "timing": "real-card"},'
        ' "steps": [], "expected": {"outcome": "shown"}}',
        encoding="utf-8",
    )
    profile = card_profile(Scenario.load(fixture), fixture)
    assert profile.card_timing == REAL_CARD
    assert profile.model_copy(update={"timing": "instant"}) == load_profile("yamada-taro")

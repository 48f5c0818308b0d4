"""Fixtures of the reader tests: card profiles, virtual cards, and a card in vpcd."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clinic_desk.paths import fixtures_dir
from reader.apdu import JPKI_AID, TEXT_AID
from reader.transcript import Transcript
from reader.transport import wait_for_card_state
from reader.virtual_card import CardProfile, VirtualCard, VpcdCardServer, find_profile
from tests.support.pcscd import PcscService

CARDS_DIR = fixtures_dir() / "cards"
VPCD_PORT = 35964  # 00 00 (35963) is the desk demo's default: keep clear of it
VPCD_READER = "Virtual PCD 00 01"


def load_profile(name: str, **changes: object) -> CardProfile:
    """A shipped card profile, optionally changed (``faults=…``, ``pins=…``)."""
    profile = CardProfile.load(find_profile(name, CARDS_DIR))
    if changes:
        data = profile.model_dump()
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        profile = CardProfile.model_validate(data)
    return profile


def make_card(name: str = "yamada-taro", **changes: object) -> VirtualCard:
    return VirtualCard(load_profile(name, **changes))


@pytest.fixture
def cards_dir() -> Path:
    return CARDS_DIR


@pytest.fixture
def vpcd_card(pcscd: PcscService) -> Iterator[Callable[[VirtualCard], VpcdCardServer]]:
    """Put a virtual card into the real pcscd's "Virtual PCD 00 01" reader.

    On teardown the card is taken out and the reader is waited on until it reports a
    clean "no card" state, so the next test never meets a half-gone card.
    """
    servers: list[VpcdCardServer] = []
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10), "the test reader is busy"

    def insert(card: VirtualCard) -> VpcdCardServer:
        server = VpcdCardServer(card, port=VPCD_PORT).start()
        servers.append(server)
        assert wait_for_card_state(server.reader_name, present=True, timeout=10)
        return server

    yield insert
    for server in servers:
        server.stop()
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10)


FORBIDDEN_FILES = {
    TEXT_AID: {0x0001, 0x0003},
    JPKI_AID: {0x0001, 0x0002, 0x001A, 0x001B},
}


def assert_transcript_clean(transcript: Transcript, pins: tuple[str, ...] = ("1234",)) -> None:
    """No PIN bytes and no SELECT of a forbidden file anywhere in ``transcript``."""
    application: bytes | None = None
    assert len(transcript) > 0
    for exchange in transcript:
        command = exchange.command
        for pin in pins:
            assert pin.encode() not in command, exchange.step
        if command[1] == 0x20 and len(command) > 5:
            assert exchange.redacted
            assert set(command[5:]) == {0x2A}
        if command[1] == 0xA4 and command[2] == 0x04:
            application = command[5 : 5 + command[4]]
        elif command[1] == 0xA4:
            file_id = int.from_bytes(command[5:7], "big")
            assert application in FORBIDDEN_FILES, "a file was selected outside a known AP"
            assert file_id not in FORBIDDEN_FILES[application], exchange.step
        if command[1] == 0xB0:
            assert not command[2] & 0x80, "READ BINARY by short file identifier"

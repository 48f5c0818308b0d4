"""The PIN prompt first: on a tap the desk reads only the tries left and asks for the
PIN; the certificate, the cache and the gateway's challenge are made ready while the
patient types. Order of operations only, nothing timed: the certificate read is
held at its first READ BINARY until the test lets it go.

The desks here are "live" (the test is the person at the keyboard): a fixture desk
left to the fixture's own choice plays it, and its driver's tap at start-up made a
second check-in whose certificate read the hold caught instead of the test's, with
the test's tap queued behind it on the card's thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.scenarios.desk import build_fixture_desk, prepare_fixture
from clinic_desk.scenarios.replay import Replayer
from reader.apdu import INS_READ_BINARY
from tests.desk.conftest import SIZE, Desk

PIN_PROMPT = "Please type your 4-digit PIN."


def fixture(tmp_path: Path, card: object, **more: object) -> Path:
    path = tmp_path / "fixture.json"
    path.write_text(
        json.dumps(
            {
                "format": "clinic-desk-scenario",
                "version": 1,
                "title": "PIN first",
                "card": card,
                "steps": [],
                "expected": {"outcome": "shown"},
                **more,
            }
        ),
        encoding="utf-8",
    )
    return path


class HeldRead:
    """Holds the card's first READ BINARY (the certificate) until ``release()``, which
    every test calls in a ``finally``: the hold waits for that, not for a time."""

    def __init__(self, transmit: Callable[[bytes], bytes]) -> None:
        self._transmit = transmit
        self._go = threading.Event()
        self.events: list[str] = []

    def __call__(self, apdu: bytes) -> bytes:
        if apdu[1] == INS_READ_BINARY and not self._go.is_set():
            self.events.append("certificate read started")
            self._go.wait()
            answer = self._transmit(apdu)
            self.events.append("certificate read went on")
            return answer
        return self._transmit(apdu)

    def release(self) -> None:
        self._go.set()


@asynccontextmanager
async def fixture_desk(path: Path) -> AsyncIterator[Desk]:
    built = await build_fixture_desk(prepare_fixture(path), drive="live", step_delay=0)
    app = DeskApp(built.services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, built.services, pilot)
    finally:
        await built.services.stop()


async def until(desk: Desk, check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (bounded) without settling the runner: its background work is held."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await desk.pilot.pause(0.01)


async def test_the_pin_prompt_is_drawn_before_the_certificate_is_read(tmp_path: Path) -> None:
    path = fixture(
        tmp_path, {"profile": "yamada-taro", "timing": "real-card"}, gateway={"network": "wan-40ms"}
    )
    async with fixture_desk(path) as desk:
        runner: Any = desk.services.runner
        transport = runner._card._card.transport
        held = HeldRead(transport.transmit)
        transport.transmit = held
        client = runner._gateway.client
        try:
            await desk.tap("yamada-taro")
            await until(desk, lambda: desk.stage is Stage.PIN_ENTRY)
            await until(desk, lambda: held.events == ["certificate read started"])
            await desk.until_shown(PIN_PROMPT)
            assert held.events == ["certificate read started"]  # drawn while it waits
            await until(desk, lambda: client.requests_sent == 1)  # the challenge, already
            await desk.press(*"1234", "enter")
            assert held.events == ["certificate read started"]  # still held
        finally:
            held.release()
        await desk.wait_for(Stage.CONFIRMING_NAME)
        assert held.events == ["certificate read started", "certificate read went on"]
        # after the PIN: card-auth answered with Patient and Coverage; no second challenge
        assert client.requests_sent == 2


async def test_a_pin_typed_before_the_certificate_is_read_waits_for_it(tmp_path: Path) -> None:
    async with fixture_desk(fixture(tmp_path, "yamada-taro")) as desk:
        runner: Any = desk.services.runner
        transport = runner._card._card.transport
        held = HeldRead(transport.transmit)
        transport.transmit = held
        try:
            await desk.tap("yamada-taro")
            await until(desk, lambda: held.events == ["certificate read started"])
            await desk.press(*"1234", "enter")
            assert desk.stage is Stage.AUTHENTICATING
            assert runner._card.certificate_der() == b""  # nothing signed without it
        finally:
            held.release()
        await desk.wait_for(Stage.CONFIRMING_NAME)
        assert runner.machine.certificate_fingerprint()


async def test_a_card_pulled_during_the_background_read_is_the_same_clear_error(
    tmp_path: Path,
) -> None:
    """The removal fault fires on the certificate's READ BINARY (after the prompt) or
    on the tries-left query (before it): the same error either way."""
    base = {"profile_id": "pulled", "seed": "yamada-taro-2025", "name": "山田　太郎"}
    card = {**base, "birthdate": "1980-04-01", "sex": "1", "address": "東京都"}
    answers = {}
    for where, after in (("certificate", 10), ("tries", 2)):
        pulled = {**card, "faults": {"remove_after_apdus": after}}
        path = fixture(tmp_path, pulled, expected={"outcome": "error"})
        async with Replayer() as replayer:
            result = await replayer.replay(path)
        answers[where] = result
        assert result.outcome == "error" and result.reason == "card_card_removed"
    assert answers["certificate"].states == [Stage.READING, Stage.PIN_ENTRY, Stage.ERROR]
    assert answers["tries"].states == [Stage.READING, Stage.ERROR]

"""The card monitor against a scripted PC/SC service: what it reports when pcscd's
answers arrive further apart than the cards come and go (a loaded machine)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from reader.transport import CardEvent, CardMonitor
from reader.transport import monitor as monitor_module

READER = "Virtual PCD 00 01"
EMPTY, PRESENT, CHANGED = 0x10, 0x20, 0x2
SUCCESS, TIMEOUT, CANCELLED = 0, 0x8010000A, 0x80100002
ATR = [0x3B, 0xE0, 0x00, 0xFF]


def state(flags: int, card_events: int) -> int:
    """A reader state as pcsc-lite reports it: the card events counted in the upper
    16 bits."""
    return (card_events << 16) | flags | CHANGED


class ScriptedService:
    """``smartcard.scard`` answering each status query from a script, then waiting
    (as pcscd does while nothing changes) until the monitor is stopped."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = list(answers)
        self.cancelled = threading.Event()
        self.drained = threading.Event()  # every scripted answer was given out
        self.module = SimpleNamespace(
            SCARD_STATE_UNAWARE=0,
            SCARD_STATE_CHANGED=CHANGED,
            SCARD_STATE_EMPTY=EMPTY,
            SCARD_STATE_PRESENT=PRESENT,
            SCARD_STATE_MUTE=0x200,
            SCARD_STATE_UNPOWERED=0x400,
            SCARD_S_SUCCESS=SUCCESS,
            SCardGetStatusChange=self.status_change,
            SCardCancel=lambda _handle: self.cancelled.set(),
        )

    def status_change(self, _handle: object, timeout_ms: int, query: Any) -> Any:
        if self.answers:
            answer = self.answers.pop(0)
            return SUCCESS, [(READER, answer, ATR if answer & PRESENT else [])]
        self.drained.set()
        if self.cancelled.wait(timeout_ms / 1000):
            return CANCELLED, []
        return TIMEOUT, []


class Context:
    handle = object()

    def readers(self) -> list[str]:
        return [READER]

    def release(self) -> None:
        pass


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedService]:
    scripted = ScriptedService([])
    monkeypatch.setattr(monitor_module, "scard", lambda: scripted.module)
    monkeypatch.setattr(monitor_module, "PcscContext", Context)
    yield scripted


def reported(service: ScriptedService, answers: list[int]) -> list[str]:
    service.answers = answers
    monitor = CardMonitor(READER, poll_ms=50).start()
    try:
        assert service.drained.wait(30), "the monitor stopped asking"
    finally:
        monitor.stop()
    events: list[CardEvent] = []
    while (event := monitor.get(timeout=0)) is not None:
        events.append(event)
    return [event.kind for event in events]


def test_a_card_swapped_between_two_answers_is_reported_leaving_then_arriving(
    service: ScriptedService,
) -> None:
    # empty, a card, then (two card events later) a card again: the first one left
    # and the next one came while the monitor was not looking
    answers = [state(EMPTY, 4), state(PRESENT, 5), state(PRESENT, 7)]
    assert reported(service, answers) == ["inserted", "removed", "inserted"]


def test_each_change_seen_is_reported_once(service: ScriptedService) -> None:
    answers = [state(EMPTY, 4), state(PRESENT, 5), state(EMPTY, 6), state(PRESENT, 7)]
    assert reported(service, answers) == ["inserted", "removed", "inserted"]


def test_a_card_that_came_and_went_unseen_is_not_reported(service: ScriptedService) -> None:
    answers = [state(EMPTY, 4), state(EMPTY, 6)]
    assert reported(service, answers) == []


def test_a_service_that_counts_no_events_reports_by_presence_alone(
    service: ScriptedService,
) -> None:
    answers = [state(EMPTY, 0), state(PRESENT, 0), state(PRESENT, 0), state(EMPTY, 0)]
    assert reported(service, answers) == ["inserted", "removed"]

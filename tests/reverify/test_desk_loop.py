"""DeskServices' background re-check: when it runs, what the status says, how it stops
(unit tests: an in-memory re-verifier stands in for the Reverifier)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.services.reverify import ReverifyReport


class FakeReverifier:
    def __init__(self, waiting: int, *, hang: bool = False) -> None:
        self.waiting = waiting
        self.hang = hang
        self.counts = 0
        self.runs = 0
        self.cancelled = False

    async def pending(self) -> int:
        self.counts += 1
        return self.waiting

    async def run_once(self) -> ReverifyReport:
        self.runs += 1
        if self.hang:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled = True
                raise
        return ReverifyReport()


def _services(reverifier: FakeReverifier, interval: float) -> DeskServices:
    runner = CheckInRunner(CheckInMachine(), None, None, None)  # type: ignore[arg-type]
    return DeskServices(
        runner, status=DeskStatus(), reverifier=reverifier, reverify_interval=interval
    )


async def _until(check: Callable[[], Any], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.01)


async def test_runs_every_interval_while_visits_wait_and_shows_the_count() -> None:
    reverifier = FakeReverifier(waiting=2)
    services = _services(reverifier, interval=0.05)
    seen: list[int] = []
    services.on_status = lambda: seen.append(services.status().awaiting_reverify)
    await services.start()
    try:
        await _until(lambda: reverifier.runs >= 3)
        assert services.status().awaiting_reverify == 2
        reverifier.waiting = 0
        await _until(lambda: services.status().awaiting_reverify == 0)
        runs = reverifier.runs
        counts = reverifier.counts
        await _until(lambda: reverifier.counts >= counts + 3)  # it keeps counting ...
        assert reverifier.runs == runs  # ... but has nothing to run
        assert seen == [2, 0]  # the status line changes only when the count does
    finally:
        await services.stop()


async def test_nothing_waiting_means_no_run_even_when_asked() -> None:
    reverifier = FakeReverifier(waiting=0)
    services = _services(reverifier, interval=3600)
    await services.start()
    try:
        await _until(lambda: reverifier.counts == 1)
        services.request_reverify()
        await _until(lambda: reverifier.counts == 2)
        assert reverifier.runs == 0
    finally:
        await services.stop()


async def test_asked_to_run_it_runs_at_once_despite_a_long_interval() -> None:
    reverifier = FakeReverifier(waiting=1)
    services = _services(reverifier, interval=3600)
    await services.start()
    try:
        await _until(lambda: reverifier.runs == 1)  # at start
        services.request_reverify(count_only=True)
        await _until(lambda: reverifier.counts >= 3)
        assert reverifier.runs == 1  # counting only
        services.request_reverify()
        await _until(lambda: reverifier.runs == 2)
    finally:
        await services.stop()


async def test_stop_cancels_a_run_under_way() -> None:
    reverifier = FakeReverifier(waiting=1, hang=True)
    services = _services(reverifier, interval=3600)
    await services.start()
    await _until(lambda: reverifier.runs == 1)
    await asyncio.wait_for(services.stop(), timeout=10)
    assert reverifier.cancelled


async def test_a_failing_re_check_does_not_stop_the_loop() -> None:
    class Broken(FakeReverifier):
        async def run_once(self) -> ReverifyReport:
            self.runs += 1
            raise RuntimeError("bug")

    reverifier = Broken(waiting=1)
    services = _services(reverifier, interval=0.02)
    await services.start()
    try:
        await _until(lambda: reverifier.runs >= 2)
    finally:
        await services.stop()

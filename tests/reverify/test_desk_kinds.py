"""The same desk whatever its kind: the status line follows the gateway as check-ins
find it, a gateway that is back sets the re-check of offline visits off, and the idle
lock clears the desk. The demo and the support fixture desk here (Pilot, the embedded
gateway on loopback, the in-process virtual card, a real SQLCipher cache); the
production desk in test_production.py."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import pytest

from clinic_desk import paths
from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.scenarios.desk import build_fixture_desk, prepare_fixture
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.desk import DeskServices
from clinic_desk.services.embedded_gateway import GatewaySwitch
from clinic_desk.services.virtual_cards import VirtualCardPanel
from offline_cache import VisitStatus
from tests.desk.conftest import SIZE, Desk

Kind = Literal["demo", "fixture"]
KINDS: tuple[Kind, ...] = ("demo", "fixture")
YAMADA_BIRTHDATE = "19800401"
IDLE_SECONDS = 120.0


class FakeClock:
    """A monotonic clock the test moves; counts how often the desk looked at it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


async def _services(kind: Kind, idle_lock_seconds: float | None) -> DeskServices:
    if kind == "demo":
        return await build_demo_services(
            card_source="in_process", idle_lock_seconds=idle_lock_seconds
        )
    fixture = paths.fixtures_dir() / "scenarios" / "ordinary-consent.json"
    desk = await build_fixture_desk(
        prepare_fixture(fixture), drive="live", step_delay=0, idle_lock_seconds=idle_lock_seconds
    )
    return desk.services


@asynccontextmanager
async def kind_desk(
    kind: Kind, *, idle_lock_seconds: float | None = None, clock: FakeClock | None = None
) -> AsyncIterator[Desk]:
    services = await _services(kind, idle_lock_seconds)
    app = DeskApp(services, lang="en", idle_clock=clock or time.monotonic)
    app.idle_check_seconds = 0.02
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


def switch(desk: Desk) -> GatewaySwitch:
    panel = desk.services.demo
    assert isinstance(panel, VirtualCardPanel) and isinstance(panel.gateway, GatewaySwitch)
    return panel.gateway


async def until(desk: Desk, check: object, timeout: float = 30.0) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "never happened"
        await desk.pilot.pause(0.05)
    await desk.pilot.pause()


async def online_check_in(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity(YAMADA_BIRTHDATE)
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)


@pytest.mark.parametrize("kind", KINDS)
async def test_status_line_follows_the_gateway_a_check_in_finds(kind: Kind) -> None:
    async with kind_desk(kind) as desk:
        assert desk.services.status().gateway_online is True
        # the gateway goes down by itself (nobody touches the desk's switch)
        server = switch(desk).server
        server.state.faults.add(Fault(kind=FaultKind.DOWN))
        await desk.tap("yamada-taro")
        await desk.type_pin()
        await desk.wait_for(Stage.PAPER_FORM)
        assert desk.services.status().gateway_online is False
        assert "Gateway: OFFLINE" in " ".join(desk.capture().split())
        await desk.press("d")
        server.state.faults.clear()  # back by itself too
        await online_check_in(desk)
        assert desk.services.status().gateway_online is True
        assert "Gateway: online" in " ".join(desk.capture().split())


@pytest.mark.parametrize("kind", KINDS)
async def test_the_gateway_back_re_checks_the_offline_visit(kind: Kind) -> None:
    async with kind_desk(kind) as desk:
        await online_check_in(desk)
        assert await desk.services.demo.toggle_gateway() is True  # type: ignore[union-attr]
        assert desk.services.status().gateway_online is False
        await desk.tap("yamada-taro")
        await desk.type_pin()
        await desk.confirm_identity(YAMADA_BIRTHDATE)
        await desk.wait_for(Stage.OFFLINE_SHOWN)
        await desk.press("d")
        await until(desk, lambda: desk.services.status().awaiting_reverify == 1)
        [visit] = desk.store().cache.visits.pending()
        assert await desk.services.demo.toggle_gateway() is False  # type: ignore[union-attr]
        await until(desk, lambda: desk.services.status().awaiting_reverify == 0)
        assert desk.store().cache.visits.get(visit.id).status is VisitStatus.CONFIRMED
        assert desk.services.status().gateway_online is True


async def idle_lock_clears(desk: Desk, clock: FakeClock, name: str) -> None:
    """A check-in that waits at CONFIRMING_NAME showing ``name`` is cleared once the
    desk has been idle for its idle-lock time, and not a second before."""
    assert desk.app.idle is not None and desk.app.idle.seconds == IDLE_SECONDS
    await desk.wait_for(Stage.CONFIRMING_NAME)
    assert name in desk.capture()
    looked = clock.reads
    clock.now += IDLE_SECONDS - 1
    await until(desk, lambda: clock.reads >= looked + 3)
    assert desk.stage is Stage.CONFIRMING_NAME  # not yet
    clock.now += 2
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    assert name not in desk.capture()


@pytest.mark.parametrize("kind", KINDS)
async def test_the_idle_lock_clears_a_check_in(kind: Kind) -> None:
    clock = FakeClock()
    async with kind_desk(kind, idle_lock_seconds=IDLE_SECONDS, clock=clock) as desk:
        await desk.tap("yamada-taro")
        await desk.type_pin()
        await idle_lock_clears(desk, clock, "山田")

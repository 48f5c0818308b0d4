"""Desk hygiene through Pilot: a desk left idle clears itself; a removed card clears
the screen at once. The idle clock is a fake one the test moves; the desk's own
interval timer reads it, so the test waits for the desk to look, never for time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clinic_desk.app.app import DeskApp
from clinic_desk.app.idle import IdleClock, events_to_clear
from clinic_desk.checkin import ENDINGS, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.services.demo import build_demo_services
from tests.desk.conftest import SIZE, Desk

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


@pytest.fixture
async def idle_desk() -> AsyncIterator[tuple[Desk, FakeClock]]:
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang="en", idle_lock_seconds=IDLE_SECONDS)
    clock = FakeClock()
    app.idle = IdleClock(IDLE_SECONDS, clock=clock)
    app.idle_check_seconds = 0.02
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot), clock
    finally:
        await services.stop()


async def desk_looks(desk: Desk, clock: FakeClock, times: int = 3) -> None:
    """Let the desk's idle timer read the clock a few more times."""
    target = clock.reads + times
    for _ in range(2000):
        if clock.reads >= target:
            break
        await desk.pilot.pause(0.01)
    assert clock.reads >= target, "the idle timer never looked at the clock"
    await desk.services.runner.settle()
    await desk.pilot.pause()


async def to_confirming_name(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    assert "山田　太郎" in desk.capture()


async def test_idle_check_in_is_cancelled_and_the_screen_cleared(
    idle_desk: tuple[Desk, FakeClock],
) -> None:
    desk, clock = idle_desk
    await to_confirming_name(desk)
    clock.now += IDLE_SECONDS - 1
    await desk_looks(desk, clock)
    assert desk.stage is Stage.CONFIRMING_NAME  # not yet
    clock.now += 2
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    text = desk.capture()
    assert "山田" not in text
    assert "Place the My Number card on the reader." in text
    assert Stage.CANCELLED in desk.services.runner.machine.history  # the record was forgotten


async def test_a_key_press_keeps_the_desk_awake(idle_desk: tuple[Desk, FakeClock]) -> None:
    desk, clock = idle_desk
    await to_confirming_name(desk)
    clock.now += IDLE_SECONDS - 1
    await desk.press("f5")  # any key: the receptionist is there
    clock.now += IDLE_SECONDS - 1
    await desk_looks(desk, clock)
    assert desk.stage is Stage.CONFIRMING_NAME
    clock.now += 2
    await desk.wait_for(Stage.WAITING_FOR_CARD)


async def test_a_result_left_on_screen_is_cleared(idle_desk: tuple[Desk, FakeClock]) -> None:
    desk, clock = idle_desk
    await to_confirming_name(desk)
    await desk.press("y")
    await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk.press(*YAMADA_BIRTHDATE, "enter")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    assert "01130012" in desk.capture()
    clock.now += IDLE_SECONDS
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    text = desk.capture()
    assert "01130012" not in text and "アムロジピン" not in text
    assert Stage.CANCELLED not in desk.services.runner.machine.history  # it had ended


async def test_an_idle_waiting_desk_is_left_alone(idle_desk: tuple[Desk, FakeClock]) -> None:
    desk, clock = idle_desk
    history = list(desk.services.runner.machine.history)
    clock.now += IDLE_SECONDS * 10
    await desk_looks(desk, clock)
    assert desk.stage is Stage.WAITING_FOR_CARD
    assert desk.services.runner.machine.history == history


@pytest.mark.parametrize("stage", [Stage.CONFIRMING_NAME, Stage.SHOWN])
async def test_removing_the_card_clears_the_screen_at_once(
    idle_desk: tuple[Desk, FakeClock], stage: Stage
) -> None:
    desk, _clock = idle_desk
    await to_confirming_name(desk)
    if stage is Stage.SHOWN:
        await desk.press("y")
        await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
        await desk.press(*YAMADA_BIRTHDATE, "enter")
        await desk.wait_for(Stage.CONSENT)
        await desk.press("y")
        await desk.wait_for(Stage.SHOWN)
    assert desk.services.demo is not None
    await desk.services.demo.remove()
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    text = desk.capture()
    for value in ("山田", "01130012", "アムロジピン"):
        assert value not in text


def test_what_clears_each_stage() -> None:
    assert events_to_clear(Stage.WAITING_FOR_CARD) == []
    for stage in ENDINGS:
        assert events_to_clear(stage) == [ev.Done()]
    assert events_to_clear(Stage.PIN_ENTRY) == [ev.Cancelled(), ev.Done()]

"""The desk on a 資格確認端末 behaves as every desk kind: the status line follows the
terminal as a check-in finds it, and the idle lock clears a check-in. The demo's
simulated terminal (its real folder exchange, in this process), Pilot, the in-process
virtual card and a real SQLCipher cache."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal_demo import SimulatedTerminal
from tests.desk.conftest import SIZE, Desk
from tests.reverify.test_desk_kinds import IDLE_SECONDS, FakeClock, idle_lock_clears

OGAWA = ("06139992", "ミナト１２", "3456", "01", "1990-07-07", "小川 みどり")


@asynccontextmanager
async def terminal_desk(
    *, idle_lock_seconds: float | None = None, clock: FakeClock | None = None
) -> AsyncIterator[tuple[Desk, Path]]:
    terminal = SimulatedTerminal()
    services = await build_demo_services(
        card_source="in_process", gateway=terminal, idle_lock_seconds=idle_lock_seconds
    )
    assert terminal.folder is not None
    app = DeskApp(services, lang="en", idle_clock=clock or time.monotonic)
    app.idle_check_seconds = 0.02
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot), terminal.folder / "terminal"
    finally:
        await services.stop()


async def look_up(desk: Desk, numbers: tuple[str, ...] = OGAWA) -> None:
    await desk.press("b")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    for i, value in enumerate(numbers):
        for ch in value:
            await desk.pilot.press(ch)
        if i < len(numbers) - 1:
            await desk.press("tab")
    await desk.press("enter")


async def test_status_line_follows_the_terminal_a_check_in_finds() -> None:
    async with terminal_desk() as (desk, folder):
        away = folder.with_name("requests-away")
        (folder / "req").rename(away)  # the terminal's share is gone
        await look_up(desk)
        await desk.wait_for(Stage.PAPER_FORM)
        assert desk.services.status().gateway_online is False
        assert "Gateway: OFFLINE" in " ".join(desk.capture().split())
        away.rename(folder / "req")  # back
        await desk.press("d")
        await desk.wait_for(Stage.WAITING_FOR_CARD)
        await look_up(desk)
        await desk.wait_for(Stage.CONFIRMING_NAME)
        assert desk.services.status().gateway_online is True
        assert "Gateway: online" in " ".join(desk.capture().split())


async def test_the_idle_lock_clears_a_check_in_on_the_terminal() -> None:
    clock = FakeClock()
    async with terminal_desk(idle_lock_seconds=IDLE_SECONDS, clock=clock) as (desk, _):
        await look_up(desk)
        await idle_lock_clears(desk, clock, "小川")

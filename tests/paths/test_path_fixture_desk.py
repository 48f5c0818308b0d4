"""The paths' fixtures played in the real desk (`clinic-desk --fixture FILE`)."""

from __future__ import annotations

from clinic_desk.checkin import Stage
from tests.replay.test_fixture_desk import _fixture, fixture_desk, screen_text, wait_until


async def test_number_lookup_fixture_plays_in_the_desk() -> None:
    screens: list[str] = []
    async with fixture_desk(_fixture("numbers-one-digit-wrong"), step_delay=0.3) as (
        app,
        desk,
        pilot,
    ):
        runner = desk.services.runner

        def seen() -> bool:
            screens.append(" ".join(screen_text(app).split()))
            return runner.machine.stage is Stage.SHOWN

        await wait_until(pilot, seen)
        assert desk.driver is not None
        await desk.driver.done.wait()
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "No medication history on this path" in text
        assert "フェキソフェナジン" not in text
    assert any("No qualification found" in s for s in screens)


async def test_declaration_fixture_plays_in_the_desk() -> None:
    async with fixture_desk(_fixture("declaration-then-recheck")) as (app, desk, pilot):
        runner = desk.services.runner
        await wait_until(pilot, lambda: runner.machine.stage is Stage.DECLARED)
        assert "Declaration recorded" in " ".join(screen_text(app).split())


async def test_visual_check_fixture_plays_in_the_desk() -> None:
    async with fixture_desk(_fixture("visual-check-pinless-card")) as (app, desk, pilot):
        runner = desk.services.runner
        await wait_until(pilot, lambda: runner.machine.stage is Stage.SHOWN)
        assert "Visual check by staff reception-2" in " ".join(screen_text(app).split())

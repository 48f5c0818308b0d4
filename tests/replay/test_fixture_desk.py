"""`clinic-desk --fixture FILE`: the real desk (Pilot) with a fixture's card, gateway
and cache, the patient's part played from the fixture or typed live."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.scenarios.desk import (
    Drive,
    FixtureDesk,
    FixtureDeskUnavailable,
    build_fixture_desk,
    prepare_fixture,
)
from clinic_desk.scenarios.record import record_to
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Scenario
from tests.replay.conftest import library

SIZE = (120, 36)


def _fixture(name: str) -> Path:
    return next(p for p in library() if p.stem == name)


def screen_text(app: DeskApp) -> str:
    svg = app.export_screenshot()
    texts = re.findall(r">([^<>]*)</text>", svg)
    return html.unescape("".join(texts)).replace("\xa0", " ")


@asynccontextmanager
async def fixture_desk(
    fixture: Path,
    *,
    step_delay: float = 0.0,
    drive: Drive | None = None,
    record: Path | None = None,
) -> AsyncIterator[tuple[DeskApp, FixtureDesk, Pilot[None]]]:
    desk = await build_fixture_desk(
        prepare_fixture(fixture),
        step_delay=step_delay,
        drive=drive,
        recorder=record_to(record) if record is not None else None,
    )
    app = DeskApp(desk.services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield app, desk, pilot
    finally:
        await desk.services.stop()


async def wait_until(pilot: Pilot[None], done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("the desk did not get there in time")
        await pilot.pause(0.02)
    await pilot.pause()


async def test_fixture_plays_itself_in_the_desk_and_shows_each_step() -> None:
    screens: list[str] = []
    # a pause between steps, as support watching the desk would have
    variant = _fixture("variant-accepted")
    async with fixture_desk(variant, step_delay=0.3, drive="fixture") as (app, desk, pilot):
        assert "support fixture" in screen_text(app)
        runner = desk.services.runner

        def seen() -> bool:
            screens.append(screen_text(app))
            return runner.machine.stage is Stage.SHOWN

        await wait_until(pilot, seen)
        assert desk.driver is not None
        await desk.driver.done.wait()
        assert desk.driver.played == 5 and desk.driver.note == ""
        await pilot.pause()
        text = screen_text(app)
        assert "Eligibility confirmed." in text and "06271234" in text
        assert "fixture virtual card · 5/5 steps played" in text
    # the staff-only variant screen was on show on the way
    assert any("髙橋　一郎" in s and "高橋　一郎" in s for s in screens)
    # and the status line said which step was played
    assert any("step 4/5: staff_decision" in s for s in screens)


async def test_withheld_fixture_in_the_desk_shows_nothing_of_the_record() -> None:
    async with fixture_desk(_fixture("mislinked-card")) as (app, desk, pilot):
        await wait_until(pilot, lambda: desk.services.runner.machine.stage is Stage.WITHHELD)
        text = screen_text(app)
        assert "We could not confirm this record" in text
        for stranger in ("鈴木", "1962-05-14", "06400021"):
            assert stranger not in text


async def test_live_drive_waits_for_the_person_at_the_keyboard() -> None:
    async with fixture_desk(_fixture("ordinary-consent"), drive="live") as (app, desk, pilot):
        assert desk.driver is None
        runner = desk.services.runner
        await pilot.pause(0.2)
        assert runner.machine.stage is Stage.WAITING_FOR_CARD
        assert desk.services.demo is not None and desk.services.demo.cards() == ["yamada-taro"]
        await desk.services.demo.tap("yamada-taro")
        await wait_until(pilot, lambda: runner.machine.stage is Stage.PIN_ENTRY)
        await pilot.press(*"1234", "enter")
        await wait_until(pilot, lambda: runner.machine.stage is Stage.CONFIRMING_NAME)
        await pilot.press("y")
        await wait_until(pilot, lambda: runner.machine.stage is Stage.CONFIRMING_BIRTHDATE)
        await pilot.press(*"19800401", "enter")
        await wait_until(pilot, lambda: runner.machine.stage is Stage.CONSENT)
        await pilot.press("n")
        await wait_until(pilot, lambda: runner.machine.stage is Stage.SHOWN)
        assert "01130012" in screen_text(app)


async def test_gateway_down_fixture_is_answered_from_the_primed_cache() -> None:
    async with fixture_desk(_fixture("gateway-down-offline")) as (app, desk, pilot):
        await wait_until(pilot, lambda: desk.services.runner.machine.stage is Stage.OFFLINE_SHOWN)
        text = screen_text(app)
        assert "Gateway: OFFLINE" in text
        assert "01130012" in text


async def test_the_desk_records_a_check_in_it_replays(tmp_path: Path) -> None:
    target = tmp_path / "recorded.json"
    async with fixture_desk(_fixture("birthdate-mistyped-twice"), record=target) as (
        _app,
        desk,
        pilot,
    ):
        await wait_until(pilot, lambda: desk.services.runner.machine.stage is Stage.WITHHELD)
        await wait_until(pilot, target.exists)
    recorded = Scenario.load(target)
    assert recorded.expected.outcome == "withheld"
    assert recorded.expected.reason == "typed_birthdate_differs"
    text = target.read_text(encoding="utf-8")
    assert "山田" not in text and "1980-04-01" not in text
    assert target.stat().st_mode & 0o777 == 0o600
    async with Replayer() as replayer:
        again = await replayer.replay(target)
    assert again.matched, again.mismatch


async def test_a_script_that_does_not_fit_hands_over_to_the_desk(tmp_path: Path) -> None:
    misfit = tmp_path / "misfit.json"
    misfit.write_text(
        json.dumps(
            {
                "title": "answers the name before the PIN",
                "card": "yamada-taro",
                "steps": [{"do": "answer_name"}],
                "expected": {"outcome": "shown"},
            }
        ),
        encoding="utf-8",
    )
    async with fixture_desk(misfit) as (_app, desk, pilot):
        assert desk.driver is not None
        await wait_until(pilot, desk.driver.done.is_set)
        assert "answers confirming_name, but the desk waits at pin_entry" in desk.driver.note
        await pilot.pause()
        assert "0/1 steps played: over to the desk" in screen_text(_app)
        assert desk.services.runner.machine.stage is Stage.PIN_ENTRY  # the desk carries on


def test_an_unusable_fixture_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(FixtureDeskUnavailable, match="does not exist"):
        prepare_fixture(tmp_path / "missing.json")

"""`clinic-desk --record FILE` on the demo desk: a check-in typed at the real desk
(Pilot) is written as a fixture that replays to the same outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.scenarios.record import record_to
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Scenario
from clinic_desk.services.assembly import DeskOptions
from clinic_desk.services.demo import build_demo_services
from tests.desk.conftest import screen_text


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, "the desk did not get there in time"
        await pilot.pause(0.02)
    await pilot.pause()


async def test_demo_desk_records_what_was_typed_and_it_replays(tmp_path: Path) -> None:
    target = tmp_path / "desk.json"
    recorder = record_to(target, title="Recorded at the desk")
    services = await build_demo_services(
        card_source="in_process",
        options=DeskOptions(
            kind="demo",
            desk_id="demo-desk",
            observers=(recorder.observe,),
            transcript=recorder.transcript,
        ),
    )
    app = DeskApp(services, lang="en")
    stage = services.runner.machine
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            # the people at the desk can see that check-ins are recorded
            assert services.status().recording
            assert "● RECORDING" in screen_text(app)
            assert services.demo is not None
            await services.demo.tap("takahashi-ichiro")
            await _until(pilot, lambda: stage.stage is Stage.PIN_ENTRY)
            await pilot.press(*"0000", "enter")  # wrong, then right
            await _until(pilot, lambda: stage.stage is Stage.PIN_ENTRY and len(stage.history) > 3)
            await pilot.press(*"1234", "enter")
            await _until(pilot, lambda: stage.stage is Stage.CONFIRMING_NAME)
            await pilot.press("y")
            await _until(pilot, lambda: stage.stage is Stage.CONFIRMING_BIRTHDATE)
            await pilot.press(*"19751123", "enter")
            await _until(pilot, lambda: stage.stage is Stage.STAFF_DECISION)
            await pilot.press("a")
            await _until(pilot, lambda: stage.stage is Stage.CONSENT)
            await pilot.press("y")
            await _until(pilot, lambda: stage.stage is Stage.SHOWN)
            await _until(pilot, target.exists)
            await pilot.press("d")  # the next patient: nothing more is written
            await _until(pilot, lambda: stage.stage is Stage.WAITING_FOR_CARD)
    finally:
        await services.stop()
    assert not (tmp_path / "desk-2.json").exists()
    recorded = Scenario.load(target)
    assert [s.do for s in recorded.steps] == [
        "pin",
        "pin",
        "answer_name",
        "type_birthdate",
        "staff_decision",
        "consent",
    ]
    assert [getattr(s, "correct", None) for s in recorded.steps[:2]] == [False, True]
    assert recorded.expected.outcome == "shown" and recorded.expected.medications == 3
    text = target.read_text(encoding="utf-8")
    for value in ("髙橋", "高橋", "1975-11-23", "06271234", "梅田", "アムロジピン"):
        assert value not in text
    assert target.stat().st_mode & 0o777 == 0o600
    # the card's exchanges are in the notes for support (headers, status words, timings)
    exchanges = recorded.recorded["card_exchanges"] if recorded.recorded else []
    assert isinstance(exchanges, list) and len(exchanges) > 5
    async with Replayer() as replayer:
        again = await replayer.replay(target)
    assert again.matched, again.mismatch

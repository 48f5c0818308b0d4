"""Fixtures on the 資格確認端末 backend (``"gateway": {"kind": "oqs-files"}``): the
format is additive and checked, the replay runs against a simulator started for the
fixture (headless and in the desk), and the shipped terminal fixtures end as they say."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from clinic_desk import paths
from clinic_desk.checkin import Stage
from clinic_desk.scenarios.desk import build_fixture_desk
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Scenario
from clinic_desk.scenarios.world import load_world

SHIPPED = paths.fixtures_dir() / "scenarios"
TERMINAL_FIXTURES = sorted(SHIPPED.glob("terminal-*.json"))
FACE = {"patient": "p-yamada-taro", "name": "ヤマダ　タロウ", "birthdate": "1980-04-01"}
END = {"outcome": "shown"}


def test_the_terminal_kind_takes_the_simulators_knobs_and_only_them() -> None:
    ok = Scenario.model_validate(
        {"title": "t", "start": "numbers", "gateway": {"kind": "oqs-files", "faults": ["err"]},
         "steps": [], "expected": END}
    )  # fmt: skip
    assert ok.gateway.terminal_knobs() == ["err"] and ok.gateway.fault_list() == []
    with pytest.raises(ValidationError, match="unknown kind"):
        Scenario.model_validate(
            {"title": "t", "start": "numbers", "gateway": {"kind": "oqs-files",
             "faults": ["down"]}, "steps": [], "expected": END}
        )  # fmt: skip
    with pytest.raises(ValidationError):  # 'err' is no fault of the HTTPS gateway
        Scenario.model_validate(
            {"title": "t", "start": "numbers", "gateway": {"faults": ["err"]},
             "steps": [], "expected": END}
        )  # fmt: skip


def test_a_face_start_needs_the_terminal_and_who_passes() -> None:
    with pytest.raises(ValidationError, match="start 'face'"):
        Scenario.model_validate({"title": "t", "start": "face", "face": FACE, "steps": [],
                                 "expected": END})  # fmt: skip
    with pytest.raises(ValidationError, match="start 'face'"):
        Scenario.model_validate({"title": "t", "start": "face", "steps": [], "expected": END,
                                 "gateway": {"kind": "oqs-files"}})  # fmt: skip


def test_the_kind_is_left_out_of_a_fixture_that_does_not_need_it() -> None:
    for path in sorted(SHIPPED.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        scenario = Scenario.model_validate(data)
        dumped = json.loads(scenario.dump())
        assert ("kind" in dumped.get("gateway", {})) is path.name.startswith("terminal-")


async def test_the_shipped_terminal_fixtures_replay_as_expected() -> None:
    assert len(TERMINAL_FIXTURES) >= 6
    async with Replayer() as replayer:
        results = [await replayer.replay(path) for path in TERMINAL_FIXTURES]
    assert all(r.matched for r in results), [(r.fixture, r.mismatch) for r in results]
    face = {Path(r.fixture).name: r for r in results}
    assert face["terminal-face-match.json"].medications == 25
    assert face["terminal-face-medication-mislink.json"].flags == ["name_mismatch"]


async def test_a_terminal_face_fixture_plays_in_the_desk() -> None:
    world = load_world(SHIPPED / "terminal-face-match.json")
    desk = await build_fixture_desk(world, step_delay=0.0)
    services, driver = desk.services, desk.driver
    assert driver is not None
    try:
        await services.start()
        await asyncio.wait_for(driver.done.wait(), 60)  # bounded
        await services.runner.settle()
        assert services.runner.machine.stage is Stage.SHOWN
    finally:
        await services.stop()

"""Every fixture of the library replays to its expected outcome, through the real
check-in, the in-process virtual card, the loopback gateway and a real cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.gateway.faults import FaultKind
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Outcome, Scenario
from clinic_desk.scenarios.world import card_profile
from tests.replay.conftest import library

FIXTURES = library()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
async def test_fixture_replays_to_its_expected_outcome(fixture: Path) -> None:
    scenario = Scenario.load(fixture)
    async with Replayer() as replayer:
        result = await replayer.replay(fixture)
    assert result.matched, result.mismatch
    assert result.outcome is scenario.expected.outcome
    assert result.states, "the check-in went through stages"
    if result.outcome is Outcome.WITHHELD:
        # a withheld record is always flagged for the manager, with the reason
        assert result.flags == [result.reason]
    elif fixture.stem.startswith("validity-3"):
        # shown, and listed in the manager's review for the claims clerk
        assert result.flags == ["newer_coverage"]
    else:
        assert result.flags == []


def test_the_library_covers_every_outcome_and_fault() -> None:
    scenarios = [Scenario.load(p) for p in FIXTURES]
    assert len(scenarios) >= 20
    outcomes = {s.expected.outcome for s in scenarios}
    assert outcomes >= set(Outcome) - {Outcome.STUCK, Outcome.TIMED_OUT}
    kinds = {f.kind for s in scenarios for f in s.gateway.fault_list()}
    assert kinds == set(FaultKind)
    withheld = {s.expected.reason for s in scenarios if s.expected.outcome is Outcome.WITHHELD}
    assert withheld >= {
        "birthdate_mismatch",
        "patient_said_not_me",
        "typed_birthdate_differs",
        "several_qualifications",
        "revoked_certificate",
        "variant_rejected_by_staff",
    }
    cards = {card_profile(s, p).profile_id for s, p in zip(scenarios, FIXTURES, strict=True)}
    fault_cards = {p.stem for p in (paths.fixtures_dir() / "cards" / "faults").glob("*.json")}
    assert fault_cards <= cards, "every fault card is replayed"
    assert any(s.cache.prime_by_checkin for s in scenarios)
    assert any(s.cache.seed_snapshot and s.cache.snapshot_age_days > 30 for s in scenarios)
    steps = {step.do for s in scenarios for step in s.steps}
    assert steps == {
        "pin",
        "confirm_last_try",
        "answer_name",
        "type_birthdate",
        "staff_decision",
        "consent",
        "cancel",
        "remove_card",
        "look_up_numbers",
        "visual_check",
        "open_declaration",
        "record_declaration",
    }


async def test_an_unexpected_outcome_is_reported_as_such(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        '{"title": "expects the mislinked card to be shown", "card": "sato-ken",'
        ' "steps": [{"do": "pin"}, {"do": "answer_name"}, {"do": "type_birthdate"}],'
        ' "expected": {"outcome": "shown"}}',
        encoding="utf-8",
    )
    async with Replayer() as replayer:
        result = await replayer.replay(wrong)
    assert not result.matched
    assert result.outcome is Outcome.WITHHELD
    assert "expected shown" in result.mismatch


async def test_a_script_that_runs_out_ends_stuck_not_hung(tmp_path: Path) -> None:
    short = tmp_path / "short.json"
    short.write_text(
        '{"title": "no answer to the name question", "card": "yamada-taro",'
        ' "steps": [{"do": "pin"}], "expected": {"outcome": "shown"}}',
        encoding="utf-8",
    )
    async with Replayer() as replayer:
        result = await replayer.replay(short)
    assert result.outcome is Outcome.STUCK
    assert "confirming_name" in result.mismatch
    assert not result.matched


async def test_a_step_that_does_not_fit_the_stage_is_named(tmp_path: Path) -> None:
    misfit = tmp_path / "misfit.json"
    misfit.write_text(
        '{"title": "consent before the PIN", "card": "yamada-taro",'
        ' "steps": [{"do": "consent", "consent": true}], "expected": {"outcome": "shown"}}',
        encoding="utf-8",
    )
    async with Replayer() as replayer:
        result = await replayer.replay(misfit)
    assert result.outcome is Outcome.STUCK
    assert "'consent' answers consent, but the desk waits at pin_entry" in result.mismatch


async def test_a_broken_fixture_is_an_error_result_with_a_plain_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "card": "yamada-taro", "steps": [{"do": "dance"}]}')
    async with Replayer() as replayer:
        result = await replayer.replay(broken)
    assert not result.matched
    assert result.reason == "unreadable_fixture"
    assert "is not valid at" in result.mismatch

"""Bad input at every field of the paths without a PIN gets one clear error, in both
languages: the desk's forms, and a fixture's steps (the same checks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinic_desk.app.widgets.path_forms import LABELS, field_problem
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Outcome
from clinic_desk.texts import CATALOGUE

# field → (typed, the error it gets); every field of the three forms
BAD: list[tuple[str, str, str]] = [
    ("insurer", "", "numbers.insurer.empty"),
    ("insurer", "０１１３００１Ａ", "numbers.insurer.not_digits"),
    ("insurer", "1234567", "numbers.insurer.length"),
    ("insurer", "01130013", "numbers.insurer.check_digit"),
    ("symbol", "x" * 41, "numbers.symbol.too_long"),
    ("symbol", "12\x0034", "numbers.symbol.invalid"),
    ("number", "", "numbers.number.empty"),
    ("number", "9" * 41, "numbers.number.too_long"),
    ("number", "12\u200b34", "numbers.number.invalid"),
    ("branch", "1", "numbers.branch.digits"),
    ("branch", "ab", "numbers.branch.digits"),
    ("birthdate", "", "numbers.birthdate.empty"),
    ("birthdate", "1990-02-30", "numbers.birthdate.format"),
    ("birthdate", "2999-01-01", "numbers.birthdate.future"),
    ("birthdate", "1700-01-01", "numbers.birthdate.too_old"),
    ("name", "", "numbers.name.empty"),
    ("name", "あ" * 65, "numbers.name.too_long"),
    ("name", "山田\x07太郎", "numbers.name.invalid"),
    ("staff", "", "visual.staff_id.empty"),
    ("staff", "受付 1", "visual.staff_id.invalid"),
    ("staff", "a" * 33, "visual.staff_id.invalid"),
    ("card_name", "", "numbers.name.empty"),
    ("card_birthdate", "19800431", "numbers.birthdate.format"),
    ("copay", "40", "declaration.copay.invalid"),
    ("copay", "", "declaration.copay.invalid"),
]


@pytest.mark.parametrize(("field", "typed", "key"), BAD, ids=[f"{f}-{k}" for f, _, k in BAD])
def test_each_bad_input_has_its_error(field: str, typed: str, key: str) -> None:
    assert field_problem(field, typed, final=True) == key
    words = CATALOGUE[key]  # type: ignore[index]
    assert words["ja"] and words["en"]
    assert not re.search(r"[A-Za-z]{2,}", words["ja"].replace("Enter", ""))
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", words["en"])


def test_every_field_is_covered() -> None:
    assert {f for f, _, _ in BAD} == set(LABELS)


def test_an_empty_field_is_not_an_error_while_it_is_being_typed() -> None:
    assert field_problem("insurer", "", final=False) == ""
    assert field_problem("insurer", "0113", final=False) == "numbers.insurer.length"


async def test_a_fixture_step_the_form_refuses_names_the_field(tmp_path: Path) -> None:
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        '{"title": "a 3 misread as 8 in the insurer number", "start": "numbers",'
        ' "steps": [{"do": "look_up_numbers", "insurer": "06139997", "number": "3456",'
        ' "birthdate": "1990-07-07", "name": "小川 みどり"}],'
        ' "expected": {"outcome": "shown"}}',
        encoding="utf-8",
    )
    async with Replayer() as replayer:
        result = await replayer.replay(fixture)
    assert result.outcome is Outcome.STUCK
    assert "insurer: numbers.insurer.check_digit" in result.mismatch


def test_a_card_check_in_without_a_card_is_refused(tmp_path: Path) -> None:
    from clinic_desk.scenarios.scenario import Scenario, ScenarioError

    fixture = tmp_path / "nocard.json"
    fixture.write_text(
        '{"title": "no card", "steps": [], "expected": {"outcome": "shown"}}', encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match="card"):
        Scenario.load(fixture)

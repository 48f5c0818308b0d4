"""The share the desk charges and why: each cost-share kind, dates, consent, both languages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from clinic_desk.domain.copay import CopayDecision, copay_decision
from clinic_desk.domain.cost_share import CostShare
from clinic_desk.domain.coverage import Coverage, ValidityState
from clinic_desk.domain.validity import NewerQualification, validity_guidance
from clinic_desk.texts import CATALOGUE

TODAY = date(2026, 11, 27)


def _coverage(relationship: str = "insured", ratio: int = 30, **cost_share: Any) -> Coverage:
    return Coverage(
        id="cov-1",
        insurer_number="01130012",
        insurer_name="全国健康保険協会東京支部",
        number="1",
        relationship=relationship,  # type: ignore[arg-type]
        copay_ratio=ratio,
        period_start=date(2020, 4, 1),
        status="active",  # type: ignore[arg-type]
        validity=ValidityState.VALID,
        cost_share=CostShare.model_validate(cost_share),
    )


PERIOD = {"valid_from": "2026-04-01", "valid_to": "2027-03-31"}
LAPSED = {"valid_from": "2025-04-01", "valid_to": "2026-03-31"}

CASES: list[tuple[str, Coverage, int, list[str]]] = [
    ("insured", _coverage(), 30, ["copay.insured"]),
    ("dependent", _coverage("dependent"), 30, ["copay.dependent"]),
    ("preschool", _coverage("dependent", 20, preschool=True), 20, ["copay.preschool"]),
    (
        "preschool, record says 3割",
        _coverage("dependent", 30, preschool=True),
        20,
        ["copay.preschool", "copay.record_ratio_differs"],
    ),
    (
        "elderly 2割",
        _coverage(ratio=20, elderly={"ratio": 20, **PERIOD}),
        20,
        ["copay.elderly"],
    ),
    (
        "elderly, working-age income",
        _coverage(ratio=30, elderly={"ratio": 30, **PERIOD}),
        30,
        ["copay.elderly"],
    ),
    (
        "elderly certificate lapsed",
        _coverage(ratio=20, elderly={"ratio": 20, **LAPSED}),
        20,
        ["copay.insured", "copay.elderly_not_valid"],
    ),
    (
        "ceiling consented",
        _coverage(ceiling_consent="1", ceiling={"category": "A03", **PERIOD}),
        30,
        ["copay.insured", "copay.ceiling"],
    ),
    (
        "ceiling not consented",
        _coverage(ceiling_consent="0", ceiling={"category": "A01", **PERIOD}),
        30,
        ["copay.insured", "copay.ceiling_not_consented"],
    ),
    (
        "ceiling lapsed",
        _coverage(ceiling_consent="1", ceiling={"category": "B10", **LAPSED}),
        30,
        ["copay.insured", "copay.ceiling_not_valid"],
    ),
    (
        "specific disease",
        _coverage(specific_diseases=[{"category": "2", "self_pay_yen": 10000}]),
        30,
        ["copay.insured", "copay.specific_disease"],
    ),
    (
        "specific disease lapsed",
        _coverage(specific_diseases=[{"category": "3", **LAPSED}]),
        30,
        ["copay.insured", "copay.specific_disease_not_valid"],
    ),
    (
        "specific disease consent expired",
        _coverage(specific_disease_consent="2", specific_diseases=[{"category": "1"}]),
        30,
        ["copay.insured", "copay.specific_disease_consent_expired"],
    ),
    (
        "public expense with a self-pay",
        _coverage(
            public_expenses=[
                {"payer_number": "54136015", "recipient_number": "1234566", "self_pay_yen": 5000}
            ]
        ),
        30,
        ["copay.insured", "copay.public_expense_self_pay"],
    ),
    (
        "public expense, nothing to pay",
        _coverage(public_expenses=[{"payer_number": "88130018", "self_pay_yen": 0}]),
        30,
        ["copay.insured", "copay.public_expense_no_charge"],
    ),
    (
        "public expense, amount not given",
        _coverage(public_expenses=[{"payer_number": "88130018", "recipient_number": "9876541"}]),
        30,
        ["copay.insured", "copay.public_expense"],
    ),
    (
        "public expense lapsed",
        _coverage(public_expenses=[{"payer_number": "88130018", **LAPSED}]),
        30,
        ["copay.insured", "copay.public_expense_not_valid"],
    ),
    (
        "public expense with a wrong check digit",
        _coverage(public_expenses=[{"payer_number": "88130019"}]),
        30,
        ["copay.insured", "copay.public_expense", "copay.public_expense_check_digit"],
    ),
]


@pytest.mark.parametrize(("name", "coverage", "ratio", "keys"), CASES, ids=[c[0] for c in CASES])
def test_ratio_and_reasons(name: str, coverage: Coverage, ratio: int, keys: list[str]) -> None:
    decision = copay_decision(coverage, TODAY)
    assert decision.ratio == ratio
    assert list(decision.keys) == keys


def _check_texts(decision: CopayDecision) -> None:
    for reason in decision.reasons:
        assert set(CATALOGUE[reason.key]) == {"ja", "en"}
    for line in decision.lines("ja"):
        assert "{" not in line
        # no English on a Japanese screen (HIV is part of the disease's official name)
        assert not re.search(r"[A-Za-z]{2,}", line.replace("HIV", "")), line
    for line in decision.lines("en"):
        assert "{" not in line
        assert not re.search(r"[ぁ-んァ-ン]{2,}", line.split("(")[0]), line


@pytest.mark.parametrize(("name", "coverage", "ratio", "keys"), CASES, ids=[c[0] for c in CASES])
def test_every_reason_reads_in_both_languages(
    name: str, coverage: Coverage, ratio: int, keys: list[str]
) -> None:
    _check_texts(copay_decision(coverage, TODAY))


def test_the_texts_say_the_ratio_and_the_category() -> None:
    decision = copay_decision(
        _coverage(
            ratio=20, elderly={"ratio": 20}, ceiling_consent="1", ceiling={"category": "B01"}
        ),
        TODAY,
    )
    assert decision.lines("ja") == [
        "高齢受給者：一部負担 2割（高齢受給者証の割合）",
        "限度額適用：現役並みⅢ（限度額適用認定証）",
    ]
    assert decision.lines("en")[0].startswith("Elderly recipient (70–74): pays 20%")
    assert "working-age income III" in decision.lines("en")[1]


def test_the_validity_dates_are_inclusive() -> None:
    coverage = _coverage(ratio=20, elderly={"ratio": 20, "valid_to": "2026-11-27"})
    assert copay_decision(coverage, TODAY).keys == ("copay.elderly",)
    assert copay_decision(coverage, date(2026, 11, 28)).keys == (
        "copay.insured",
        "copay.elderly_not_valid",
    )


@pytest.mark.parametrize("state", list(ValidityState))
def test_validity_guidance_for_every_state(state: ValidityState) -> None:
    guidance = validity_guidance(state)
    assert guidance.confirmed is (state is ValidityState.VALID)
    for key in (guidance.key, guidance.ask_key):
        if key is not None:
            assert set(CATALOGUE[key]) == {"ja", "en"}
    if state in (
        ValidityState.INVALID,
        ValidityState.INVALID_NEWER_EXISTS,
        ValidityState.NOT_FOUND,
    ):
        assert guidance.ask_key is not None


def test_validity_3_names_the_newer_insurer_when_the_answer_does() -> None:
    newer = NewerQualification(insurer_name="全国健康保険協会大阪支部")
    named = validity_guidance(ValidityState.INVALID_NEWER_EXISTS, newer)
    assert named.ask_key == "validity.3.ask_named" and named.newer == newer
    assert validity_guidance(ValidityState.INVALID_NEWER_EXISTS).ask_key == "validity.3.ask"
    # the newer qualification belongs to state 3 only
    assert validity_guidance(ValidityState.INVALID, newer).newer is None

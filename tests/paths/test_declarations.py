"""The 申立書's re-check decision and how a declaration is kept (pure)."""

from __future__ import annotations

from datetime import date

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.declaration import InsuranceDeclaration, is_declaration
from clinic_desk.domain.insured_numbers import InsuredNumbers
from clinic_desk.domain.number_lookup import NumberLookupAnswer
from clinic_desk.domain.patient import Gender, PatientRecord
from clinic_desk.domain.reverification import Reverification
from clinic_desk.services.declarations import MISLINK_FOUND, declaration_result
from offline_cache.models import VisitStatus
from tests.checkin.records import eligibility

NUMBERS = InsuredNumbers(insurer_number="06139999", symbol="52", number="3301", branch="00")
DECLARED = InsuranceDeclaration(
    numbers=NUMBERS, birthdate=date(1990, 7, 7), stated_name="小川　みどり", copay_ratio=30
)


def answer(
    name: str = "小川　みどり",
    born: date = date(1990, 7, 7),
    validity: ValidityState = ValidityState.VALID,
) -> NumberLookupAnswer:
    patient = PatientRecord(
        id="p1", name=name, kana_name="オガワ　ミドリ", birthdate=born, gender=Gender.FEMALE
    )
    return NumberLookupAnswer(
        found=Reverification(patient=patient, eligibility=eligibility(validity))
    )


def test_the_claim_stands_when_the_statement_was_right() -> None:
    assert declaration_result(DECLARED, answer()) == (
        VisitStatus.CONFIRMED,
        {"declaration": True},
        None,
    )


def test_the_fields_to_correct_are_named() -> None:
    stated = DECLARED.model_copy(update={"copay_ratio": 10})
    status, result, flag = declaration_result(stated, answer())
    assert status is VisitStatus.CHANGED and result["changed"] == ["copay_ratio"]
    assert flag is None


def test_nothing_found_and_someone_else_are_rejected() -> None:
    status, result, _ = declaration_result(DECLARED, NumberLookupAnswer(found=None))
    assert status is VisitStatus.REJECTED and result["reason"] == "declaration_not_found"
    status, result, flag = declaration_result(DECLARED, answer("鈴木　一郎", date(1962, 5, 14)))
    assert status is VisitStatus.REJECTED and result["reason"] == "mislink_found"
    assert flag == MISLINK_FOUND
    status, result, _ = declaration_result(DECLARED, answer(validity=ValidityState.INVALID))
    assert status is VisitStatus.REJECTED and result["state"] == 2


def test_results_carry_no_personal_values() -> None:
    for found in (answer(), answer("鈴木　一郎", date(1962, 5, 14)), NumberLookupAnswer()):
        _, result, _ = declaration_result(DECLARED, found)
        text = repr(result)
        assert "06139999" not in text and "3301" not in text and "小川" not in text


def test_round_trip_through_the_cache_json() -> None:
    kept = DECLARED.to_json()
    assert is_declaration(kept) and not is_declaration({"coverages": []})
    identity = {"name": DECLARED.stated_name, "birthdate": "1990-07-07"}
    assert InsuranceDeclaration.from_json(kept, identity) == DECLARED
    assert "06139999" not in repr(DECLARED) and "小川" not in str(DECLARED)

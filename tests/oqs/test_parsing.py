"""The terminal's answers, read and mapped to the same domain records as the FHIR backend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_desk.domain.coverage import CoverageStatus, Relationship, ValidityState
from clinic_desk.domain.patient import Gender
from clinic_desk.oqs.codes import LimitCategory, SpecificDisease, Validity
from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.fields import MedicationSource
from clinic_desk.oqs.mapping import full_width_kana, normalise_insurer_number, to_lookup
from clinic_desk.oqs.medication import parse_medication
from clinic_desk.oqs.qualification import parse_qualification
from tests.oqs import samples

NOW = datetime(2026, 4, 1, tzinfo=UTC)


def lookup(xml: str, encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return to_lookup(parse_qualification(xml.encode(encoding)), "desk0001", NOW)


def test_a_valid_answer_maps_to_the_domain_records() -> None:
    found = lookup(samples.qualification())
    assert found.response.confirmed_valid
    assert found.patient is not None
    assert found.patient.name == "診療　太郎"
    assert found.patient.kana_name == "シンリョウ　タロウ"
    assert found.patient.birthdate == date(1950, 1, 5)
    assert found.patient.gender is Gender.MALE
    assert found.eligibility.state is ValidityState.VALID
    coverage = found.eligibility.current
    assert coverage is not None
    assert coverage.insurer_number == "138149"
    assert (coverage.symbol, coverage.number, coverage.branch) == ("12-34", "0042", "01")
    assert coverage.relationship is Relationship.INSURED
    assert coverage.copay_ratio == 30
    assert coverage.status is CoverageStatus.ACTIVE
    assert coverage.elderly_recipient
    assert coverage.ceiling_category == "区分ウ"


def test_numbers_are_kept_as_written() -> None:
    result = lookup(samples.qualification()).response.results[0]
    assert result.insurer_number == "  138149"
    assert result.number == "0042"
    assert result.cost_share.contribution_ratio == "030"


def test_cost_share_items_the_domain_has_no_place_for_are_kept() -> None:
    found = lookup(samples.qualification())
    share = next(iter(found.cost_shares.values()))
    assert share.elderly is not None and share.elderly.contribution_percent == 20
    assert share.limit is not None and share.limit.category is not None
    assert share.limit.category.value is LimitCategory.A03
    categories = [d.category for d in share.specific_diseases]
    assert categories[0] is not None and categories[0].value is SpecificDisease.DIALYSIS
    assert categories[1] is not None and categories[1].label == "unknown (7)"
    assert categories[1].label_ja == "不明（7）"
    consents = found.response.results[0].consents
    assert consents["pharmacists"].consent is not None
    assert consents["pharmacists"].consent.label == "同意"
    assert consents["diagnosis"].consent is not None
    assert consents["diagnosis"].consent.label == "未同意"


def test_shift_jis_is_read_as_declared() -> None:
    xml = samples.qualification(declaration='<?xml version="1.0" encoding="Shift_JIS"?>')
    found = lookup(xml, "cp932")
    assert found.patient is not None and found.patient.name == "診療　太郎"


def test_an_undeclared_encoding_follows_the_character_code_identifier() -> None:
    xml = samples.qualification(declaration="", character_code="1")
    found = lookup(xml, "cp932")
    assert found.patient is not None and found.patient.name == "診療　太郎"


@pytest.mark.parametrize(
    ("validity", "results", "state"),
    [
        ("2", 1, ValidityState.INVALID),
        ("4", 0, ValidityState.NOT_FOUND),
        ("1", 0, ValidityState.NOT_FOUND),
    ],
)
def test_validity_is_never_better_than_the_answer_says(
    validity: str, results: int, state: ValidityState
) -> None:
    found = lookup(samples.qualification(validity=validity, results=results))
    assert found.eligibility.state is state
    assert found.eligibility.current is None


def test_several_results_are_the_mislink_signature() -> None:
    found = lookup(samples.qualification(results=2))
    assert not found.response.confirmed_valid
    assert found.eligibility.state is ValidityState.SEVERAL_MATCH
    assert found.patient is None  # no one to compare: the gate withholds


def test_an_unknown_validity_is_shown_and_never_mapped_to_valid() -> None:
    response = parse_qualification(samples.qualification(validity="6").encode())
    assert response.validity is not None and response.validity.label == "unknown (6)"
    with pytest.raises(OqsFormatError, match=r"unknown \(6\)") as caught:
        to_lookup(response, "desk0001", NOW)
    assert caught.value.code == "unknown-code"


def test_an_unknown_relationship_stops_a_valid_answer_only() -> None:
    with pytest.raises(OqsFormatError, match=r"unknown \(9\)"):
        lookup(samples.qualification(relationship="9"))
    invalid = lookup(samples.qualification(relationship="9", validity="2"))
    assert invalid.eligibility.state is ValidityState.INVALID
    assert invalid.eligibility.coverages == ()


def test_a_share_the_domain_cannot_hold_is_named() -> None:
    with pytest.raises(OqsFormatError, match="000"):
        lookup(samples.qualification(ratio="000"))


def test_an_unknown_limit_category_is_no_ceiling() -> None:
    found = lookup(samples.qualification(category="Z99"))
    coverage = found.eligibility.current
    assert coverage is not None and coverage.ceiling_category is None
    share = next(iter(found.cost_shares.values()))
    assert share.limit is not None and share.limit.category is not None
    assert share.limit.category.label_ja == "不明（Z99）"


def test_processing_and_codes_are_typed() -> None:
    response = parse_qualification(samples.qualification(segment="2").encode())
    assert response.processing
    assert response.validity is not None and response.validity.value is Validity.VALID


def test_insurer_number_padding_is_removed() -> None:
    assert normalise_insurer_number("  138149") == "138149"
    assert normalise_insurer_number("00138149") == "138149"
    assert normalise_insurer_number("01130012") == "01130012"
    assert normalise_insurer_number("1234567") is None
    assert full_width_kana("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダ　タロウ"


def test_personal_data_stays_out_of_reprs() -> None:
    found = lookup(samples.qualification())
    for text in (repr(found), repr(found.response), repr(found.response.results[0])):
        assert "診療" not in text and "138149" not in text and "1950" not in text


def test_medication_months_sources_and_drugs_map_to_the_history() -> None:
    answer = parse_medication(samples.medication().encode(), "desk0002", NOW)
    assert answer.succeeded
    assert answer.person.name == "診療　花子"
    assert answer.person.kana_name == "シンリョウ　ハナコ"
    assert answer.person.birthdate == date(1970, 3, 3)
    assert answer.person.gender is Gender.FEMALE
    assert answer.history is not None
    drugs = answer.history.dispenses
    assert [d.drug_name for d in drugs] == [
        "レバミピド錠100mg",
        "ロキソプロフェン錠60mg",
        "アムロジピン錠5mg",
    ]
    assert drugs[2].drug_code == "620000001"
    assert drugs[2].days_supply == 28 and drugs[2].quantity == 1.0
    assert drugs[2].pharmacy == "丸の内薬局" and drugs[2].prescriber == "千代田内科"
    assert drugs[1].days_supply is None  # "頓用" is not a number of days
    assert {answer.sources[d.id] for d in drugs} == set(MedicationSource)


def test_a_medication_refusal_carries_its_message() -> None:
    answer = parse_medication(samples.medication("2", "対象者なし").encode(), "desk0002", NOW)
    assert not answer.succeeded
    assert answer.history is None
    assert answer.message == "対象者なし"

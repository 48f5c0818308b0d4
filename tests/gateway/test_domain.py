"""Domain models ↔ FHIR JSON: round trips, derived states, and shapes that must fail."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import given
from hypothesis import strategies as st

from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest, ChallengeGrant
from clinic_desk.domain.bundle import bundle_resources, next_link
from clinic_desk.domain.coverage import (
    Coverage,
    CoverageStatus,
    EligibilityRecord,
    Relationship,
    ValidityState,
)
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.medication import DrugCodeSystem, MedicationDispense, MedicationHistory
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.patient import Gender, PatientRecord

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:8470/fhir"


def _coverage(**changes: Any) -> Coverage:
    values: dict[str, Any] = {
        "id": "cov-1",
        "insurer_number": "01130012",
        "insurer_name": "全国健康保険協会東京支部",
        "symbol": "1234",
        "number": "567",
        "branch": "00",
        "relationship": Relationship.INSURED,
        "copay_ratio": 30,
        "period_start": date(2018, 4, 1),
        "status": CoverageStatus.ACTIVE,
        "validity": ValidityState.VALID,
    }
    values.update(changes)
    return Coverage(**values)


def _dispense(ident: str, day: date) -> MedicationDispense:
    return MedicationDispense(
        id=ident,
        dispensed_on=day,
        drug_name="アムロジピンOD錠5mg「トーワ」",
        drug_code="2171022F2071",
        code_system=DrugCodeSystem.YJ,
        strength="5mg",
        quantity=28,
        quantity_unit="錠",
        dosage="1日1回朝食後",
        days_supply=28,
        prescriber="千代田内科クリニック",
        pharmacy="丸の内薬局",
    )


def test_patient_round_trip_keeps_the_unknown_character_mark() -> None:
    record = PatientRecord(
        id="p-1",
        name="渡●　花子",
        kana_name="ワタナベ　ハナコ",
        birthdate=date(1968, 2, 29),
        gender=Gender.FEMALE,
    )
    payload = record.to_fhir()
    get_fhir_model_class("Patient").model_validate(payload)
    assert PatientRecord.from_fhir(payload) == record
    assert "渡●" not in repr(record)  # personal data stays out of reprs


@given(
    family=st.text(alphabet="山田高橋髙渡●邊斎藤ヤマダｶﾅ", min_size=1, max_size=6),
    given_name=st.text(alphabet="太郎花子一ユキ", min_size=1, max_size=4),
    birthdate=st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
)
def test_patient_round_trip_any_name(family: str, given_name: str, birthdate: date) -> None:
    record = PatientRecord(id="p-x", name=f"{family}\u3000{given_name}", birthdate=birthdate)
    assert PatientRecord.from_fhir(record.to_fhir()) == record


def test_patient_errors_name_fields_but_never_values() -> None:
    payload = PatientRecord(id="p-1", name="山田　太郎", birthdate=date(1980, 4, 1)).to_fhir()
    payload["birthDate"] = "山田の誕生日"
    with pytest.raises(FhirFormatError) as caught:
        PatientRecord.from_fhir(payload)
    assert "birthDate" in str(caught.value)
    assert "山田" not in str(caught.value)
    for broken in (
        {**payload, "resourceType": "Practitioner"},
        {**payload, "gender": "robot", "birthDate": "1980-04-01"},
        {**payload, "name": [], "birthDate": "1980-04-01"},
        [payload],
    ):
        with pytest.raises(FhirFormatError):
            PatientRecord.from_fhir(broken)


def test_coverage_round_trip_with_jp_core_items() -> None:
    coverage = _coverage(elderly_recipient=True, ceiling_category="区分ウ")
    payload = coverage.to_fhir("Patient/p-1")
    get_fhir_model_class("Coverage").model_validate(payload)
    assert Coverage.from_fhir(payload) == (coverage, "p-1")
    urls = {e["url"].rsplit("/", 1)[1] for e in payload["extension"]}
    assert {
        "JP_Coverage_InsuredPersonSymbol",
        "JP_Coverage_InsuredPersonNumber",
        "JP_Coverage_InsuredPersonSubNumber",
    } <= urls


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p["extension"][-1]["valueCoding"].update(code="9"),
        lambda p: p.update(status="suspended"),
        lambda p: p["relationship"]["coding"][0].update(code="cousin"),
        lambda p: p["costToBeneficiary"][0]["valueQuantity"].update(value=25),
        lambda p: p["payor"][0].pop("identifier"),
        lambda p: p["beneficiary"].update(reference="Group/1"),
        lambda p: p.pop("period"),
        lambda p: p["extension"].pop(),
        lambda p: p["extension"].append(
            {"url": "http://clinic-desk.local/fhir/StructureDefinition/elderly-recipient"}
        ),
    ],
)
def test_coverage_unknown_codes_and_missing_items_fail(mutate: Any) -> None:
    payload = copy.deepcopy(_coverage().to_fhir("Patient/p-1"))
    mutate(payload)
    with pytest.raises(FhirFormatError):
        Coverage.from_fhir(payload)


@pytest.mark.parametrize(
    ("validities", "state"),
    [
        ((), ValidityState.NOT_FOUND),
        ((1,), ValidityState.VALID),
        ((2,), ValidityState.INVALID),
        ((3, 2), ValidityState.INVALID_NEWER_EXISTS),
        ((1, 2), ValidityState.VALID),
        ((1, 1), ValidityState.SEVERAL_MATCH),  # never pick one
        ((5, 2), ValidityState.SEVERAL_MATCH),
        ((4,), ValidityState.NOT_FOUND),
    ],
)
def test_eligibility_state_is_derived(validities: tuple[int, ...], state: ValidityState) -> None:
    coverages = tuple(
        _coverage(id=f"cov-{i}", validity=ValidityState(v)) for i, v in enumerate(validities)
    )
    record = EligibilityRecord.from_coverages("p-1", coverages, NOW)
    assert record.state is state
    bundle = record.to_fhir_bundle(BASE, f"{BASE}/Coverage?beneficiary=Patient/p-1")
    get_fhir_model_class("Bundle").model_validate(bundle)
    assert EligibilityRecord.from_fhir_bundle(bundle, "p-1", NOW) == record


def test_eligibility_for_another_patient_fails() -> None:
    record = EligibilityRecord.from_coverages("p-1", (_coverage(),), NOW)
    bundle = record.to_fhir_bundle(BASE, f"{BASE}/Coverage")
    with pytest.raises(FhirFormatError, match="not the Patient asked about"):
        EligibilityRecord.from_fhir_bundle(bundle, "p-2", NOW)


def test_medication_pages_join_newest_first_without_duplicates() -> None:
    dispenses = tuple(_dispense(f"md-{i}", date(2026, 1 + i, 1)) for i in range(5))
    history = MedicationHistory(
        patient_id="p-1", dispenses=tuple(reversed(dispenses)), fetched_at=NOW
    )
    pages = [
        history.to_fhir_page(base_url=BASE, self_url=BASE, offset=o, count=2, next_url=None)
        for o in (0, 2, 2, 4)  # one page twice: a gateway that repeats itself
    ]
    for page in pages:
        get_fhir_model_class("Bundle").model_validate(page)
        for entry in page["entry"]:
            get_fhir_model_class("MedicationDispense").model_validate(entry["resource"])
    joined = MedicationHistory.from_fhir_pages(pages, "p-1", NOW)
    assert [d.id for d in joined.dispenses] == ["md-4", "md-3", "md-2", "md-1", "md-0"]
    assert joined.dispenses[0] == dispenses[4]
    with pytest.raises(FhirFormatError):
        MedicationHistory.from_fhir_pages(pages, "p-2", NOW)


def test_bundle_rules() -> None:
    page = MedicationHistory(patient_id="p-1", fetched_at=NOW).to_fhir_page(
        base_url=BASE, self_url=BASE, offset=0, count=10, next_url=f"{BASE}/next"
    )
    assert next_link(page) == f"{BASE}/next"
    assert bundle_resources(page, "MedicationDispense") == []
    with pytest.raises(FhirFormatError):
        bundle_resources({**page, "type": "collection"}, "MedicationDispense")
    stranger = {**page, "entry": [{"resource": {"resourceType": "Observation", "id": "o"}}]}
    with pytest.raises(FhirFormatError):
        bundle_resources(stranger, "MedicationDispense")


def test_auth_parameters_round_trip() -> None:
    challenge = ChallengeGrant(nonce="n" * 43, expires_at=NOW)
    assert ChallengeGrant.from_fhir(challenge.to_fhir()) == challenge
    assert challenge.signed_bytes == b"n" * 43
    request = CardAuthRequest(certificate_der=b"\x30\x82", signature=b"\x01" * 256, nonce="n" * 43)
    assert CardAuthRequest.from_fhir(request.to_fhir()) == request
    grant = CardAuthGrant(token="t" * 43, expires_at=NOW, patient_id="p-1")
    assert CardAuthGrant.from_fhir(grant.to_fhir()) == grant
    assert "t" * 43 not in repr(grant)
    for payload in (challenge.to_fhir(), request.to_fhir(), grant.to_fhir()):
        get_fhir_model_class("Parameters").model_validate(payload)
    with pytest.raises(FhirFormatError):
        ChallengeGrant.from_fhir({"resourceType": "Parameters", "parameter": []})
    dots = CardAuthGrant(token="t" * 43, expires_at=NOW, patient_id="p-1").to_fhir()
    dots["parameter"][2]["valueReference"]["reference"] = "Patient/.."
    with pytest.raises(FhirFormatError):
        CardAuthGrant.from_fhir(dots)
    bad_nonce = ChallengeGrant(nonce="n" * 43, expires_at=NOW).to_fhir()
    bad_nonce["parameter"][0]["valueString"] = "short"
    with pytest.raises(FhirFormatError):
        ChallengeGrant.from_fhir(bad_nonce)


def test_outcome_round_trip() -> None:
    outcome = GatewayOutcome(code="security", reason="nonce-replayed", text="Used twice.")
    payload = outcome.to_fhir()
    get_fhir_model_class("OperationOutcome").model_validate(payload)
    assert GatewayOutcome.from_fhir(payload) == outcome


def test_records_survive_a_json_round_trip_for_the_cache() -> None:
    record = EligibilityRecord.from_coverages(
        "p-1", (_coverage(), _coverage(id="cov-2", validity=ValidityState.INVALID)), NOW
    )
    assert EligibilityRecord.model_validate(record.model_dump(mode="json")) == record
    history = MedicationHistory(
        patient_id="p-1", dispenses=(_dispense("md-1", date(2026, 1, 1)),), fetched_at=NOW
    )
    assert MedicationHistory.model_validate(history.model_dump(mode="json")) == history

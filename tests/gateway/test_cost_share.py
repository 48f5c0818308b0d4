"""What the patient pays on the wire: Coverage extensions, the consent rule, hostile input,
old data, and what the desk's client reads back over real HTTP."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clinic_desk.domain.cost_share import (
    CeilingCategory,
    CeilingClassification,
    ConsentFlag,
    CostShare,
    PublicExpense,
    SpecificDiseaseCategory,
    check_digit,
    has_valid_check_digit,
)
from clinic_desk.domain.coverage import Coverage, EligibilityRecord, ValidityState
from clinic_desk.domain.fhir import (
    EXT_CEILING,
    EXT_CEILING_CONSENT,
    EXT_PUBLIC_EXPENSE,
    FhirFormatError,
)
from clinic_desk.eligibility import EligibilityClient
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.paths import fixtures_dir
from clinic_desk.scenarios.world import certificate_sha256, load_profile
from reader.virtual_card.pki import card_credentials
from tests.gateway.conftest import KeySigner, settings_for

COUNTER = fixtures_dir() / "datasets" / "patients-at-the-counter.json"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def counter() -> Dataset:
    base = load_dataset(COUNTER)
    links = {certificate_sha256(load_profile(pid[2:])): pid for pid in base.patients}
    return replace(base, links=links)


def _coverage(dataset: Dataset, patient_id: str) -> Coverage:
    return dataset.patients[patient_id].coverages[0]


def _round_trip(coverage: Coverage) -> Coverage:
    payload = coverage.to_fhir("Patient/p-1")
    get_fhir_model_class("Coverage").model_validate(payload)  # valid FHIR R4
    read, patient = Coverage.from_fhir(payload)
    assert patient == "p-1"
    return read


def test_every_cost_share_kind_round_trips_as_valid_r4(counter: Dataset) -> None:
    for patient_id, entry in counter.patients.items():
        coverage = entry.coverages[0]
        read = _round_trip(coverage)
        assert read.cost_share == coverage.cost_share.as_sent(), patient_id
        assert read.newer_qualification == coverage.newer_qualification


def test_each_item_arrives_typed(counter: Dataset) -> None:
    morita = _round_trip(_coverage(counter, "p-morita-kazuo")).cost_share
    assert morita.elderly is not None and morita.elderly.ratio == 20
    assert morita.elderly.valid_to == date(2027, 7, 31)
    assert morita.ceiling is not None
    assert morita.ceiling.category is CeilingCategory.B05
    assert morita.ceiling.category.ja == "低所得Ⅱ"
    assert morita.ceiling.classification is CeilingClassification.CEILING_AND_MEALS
    assert _round_trip(_coverage(counter, "p-ishida-haruto")).cost_share.preschool
    disease = _round_trip(_coverage(counter, "p-shimizu-takeshi")).cost_share.specific_diseases
    assert [(d.category, d.self_pay_yen) for d in disease] == [
        (SpecificDiseaseCategory.DIALYSIS, 20000)
    ]
    expense = _round_trip(_coverage(counter, "p-inoue-mika")).cost_share.public_expenses[0]
    assert (expense.payer_number, expense.recipient_number, expense.self_pay_yen) == (
        "54136015",
        "1234566",
        5000,
    )
    assert expense.law_number == "54" and expense.numbers_check
    newer = _round_trip(_coverage(counter, "p-ueda-rin")).newer_qualification
    assert newer is not None and newer.insurer_name == "全国健康保険協会大阪支部"


def test_a_ceiling_without_consent_never_leaves_the_gateway(counter: Dataset) -> None:
    coverage = _coverage(counter, "p-hayashi-ken")
    assert coverage.cost_share.ceiling is not None  # the gateway holds it
    payload = coverage.to_fhir("Patient/p-1")
    urls = [ext["url"] for ext in payload["extension"]]
    assert EXT_CEILING not in urls and EXT_CEILING_CONSENT in urls
    assert "A02" not in str(payload) and "区分イ" not in str(payload)
    read = _round_trip(coverage).cost_share
    assert read.ceiling is None and read.ceiling_consent is ConsentFlag.NOT_GIVEN


def test_a_ceiling_sent_without_consent_is_dropped_on_reading(counter: Dataset) -> None:
    payload = _coverage(counter, "p-fujita-yoko").to_fhir("Patient/p-1")
    for ext in payload["extension"]:
        if ext["url"] == EXT_CEILING_CONSENT:
            ext["valueCoding"]["code"] = "0"
    read, _ = Coverage.from_fhir(payload)
    assert read.cost_share.ceiling is None
    without_flag = copy.deepcopy(payload)
    without_flag["extension"] = [
        e for e in without_flag["extension"] if e["url"] != EXT_CEILING_CONSENT
    ]
    assert Coverage.from_fhir(without_flag)[0].cost_share.ceiling is None


def test_old_coverages_load_unchanged() -> None:
    shipped = load_dataset()
    for entry in shipped.patients.values():
        for coverage in entry.coverages:
            assert coverage.cost_share == CostShare()
            assert coverage.newer_qualification is None
            assert _round_trip(coverage) == coverage
    # a snapshot cached before these items existed
    old = shipped.patients["p-yamada-taro"].coverages[0].model_dump(mode="json")
    del old["cost_share"], old["newer_qualification"]
    assert Coverage.model_validate(old).ceiling_category == "区分ウ"
    record = EligibilityRecord.from_coverages("p-1", (Coverage.model_validate(old),), NOW)
    assert EligibilityRecord.model_validate(record.model_dump(mode="json")) == record


def _with(payload: dict[str, Any], url: str, change: Any) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    for ext in changed["extension"]:
        if ext["url"] == url:
            change(ext)
    return changed


def _part(name: str, key: str, value: Any) -> Any:
    def change(ext: dict[str, Any]) -> None:
        for part in ext["extension"]:
            if part["url"] == name:
                part[key] = value

    return change


@pytest.mark.parametrize(
    ("patient", "url", "change"),
    [
        ("p-fujita-yoko", EXT_CEILING, _part("category", "valueCoding", {"code": "A03"})),
        (
            "p-fujita-yoko",
            EXT_CEILING,
            _part("category", "valueCoding", {"system": "x", "code": "Z99"}),
        ),
        ("p-fujita-yoko", EXT_CEILING_CONSENT, lambda e: e["valueCoding"].update(code="7")),
        ("p-fujita-yoko", EXT_CEILING, lambda e: e["extension"].pop(1)),
        ("p-fujita-yoko", EXT_CEILING, _part("period", "valuePeriod", {"start": "soon"})),
        (
            "p-fujita-yoko",
            EXT_CEILING,
            _part("period", "valuePeriod", {"start": "2027-01-01", "end": "2026-01-01"}),
        ),
        ("p-fujita-yoko", EXT_CEILING, lambda e: e["extension"].append(dict(e["extension"][0]))),
        ("p-inoue-mika", EXT_PUBLIC_EXPENSE, _part("payer", "valueString", "541360150")),
        ("p-inoue-mika", EXT_PUBLIC_EXPENSE, _part("recipient", "valueString", "１２３４５６６")),
        (
            "p-inoue-mika",
            EXT_PUBLIC_EXPENSE,
            _part("selfPay", "valueMoney", {"value": 5000, "currency": "USD"}),
        ),
        (
            "p-inoue-mika",
            EXT_PUBLIC_EXPENSE,
            _part("selfPay", "valueMoney", {"value": 50.5, "currency": "JPY"}),
        ),
        (
            "p-inoue-mika",
            EXT_PUBLIC_EXPENSE,
            _part("selfPay", "valueMoney", {"value": -1, "currency": "JPY"}),
        ),
        ("p-inoue-mika", EXT_PUBLIC_EXPENSE, lambda e: e["extension"].pop(0)),
    ],
)
def test_a_bad_item_is_one_plain_error(
    counter: Dataset, patient: str, url: str, change: Any
) -> None:
    payload = _with(_coverage(counter, patient).to_fhir("Patient/p-1"), url, change)
    with pytest.raises(FhirFormatError) as caught:
        Coverage.from_fhir(payload)
    message = str(caught.value)
    assert message.startswith("Coverage:")
    for value in ("541360150", "１２３４５６６", "Z99", "USD"):
        assert value not in message


def test_too_many_public_expenses_are_refused(counter: Dataset) -> None:
    payload = _coverage(counter, "p-inoue-mika").to_fhir("Patient/p-1")
    expense = next(e for e in payload["extension"] if e["url"] == EXT_PUBLIC_EXPENSE)
    payload["extension"] += [copy.deepcopy(expense) for _ in range(8)]
    with pytest.raises(FhirFormatError):
        Coverage.from_fhir(payload)


def test_only_a_validity_3_qualification_names_a_newer_one(counter: Dataset) -> None:
    coverage = _coverage(counter, "p-ueda-rin")
    assert coverage.validity is ValidityState.INVALID_NEWER_EXISTS
    with pytest.raises(ValueError):
        Coverage.model_validate({**coverage.model_dump(), "validity": 1})


def test_check_digits_of_published_numbers() -> None:
    assert check_digit("0113001") == 2  # 協会けんぽ東京支部 01130012
    assert has_valid_check_digit("01130012")
    assert not has_valid_check_digit("01130013")
    assert not has_valid_check_digit("０１１３００１２")
    bad = PublicExpense(payer_number="54136016", recipient_number="1234566")
    assert not bad.numbers_check


async def test_the_client_reads_what_the_gateway_sends(counter: Dataset) -> None:
    with GatewayServer(counter, max_seconds=60) as server:
        async with EligibilityClient(settings_for(server)) as client:
            for patient_id in ("p-morita-kazuo", "p-hayashi-ken", "p-ueda-rin", "p-kondo-sora"):
                profile = load_profile(patient_id[2:])
                credentials = card_credentials(
                    profile.seed, profile.certificate_not_before, profile.certificate_not_after
                )
                session = await client.open_session(KeySigner(credentials))
                record = await client.fetch_eligibility(session)
                expected = counter.patients[patient_id].coverages[0]
                assert record.coverages[0].cost_share == expected.cost_share.as_sent()
                if patient_id == "p-ueda-rin":
                    assert record.state is ValidityState.INVALID_NEWER_EXISTS
                    guidance = record.guidance()
                    assert guidance.ask_key == "validity.3.ask_named"
                    assert guidance.newer is not None
                    assert guidance.newer.insurer_number == "01270016"


def test_the_counter_dataset_is_the_one_the_fixtures_use() -> None:
    used = [
        p
        for p in (fixtures_dir() / "scenarios").glob("*.json")
        if "patients-at-the-counter" in p.read_text("utf-8")
    ]
    assert len(used) >= 9
    assert Path(COUNTER).is_file()

"""Whatever a gateway sends, reading it ends in a model or a FhirFormatError — never in a
KeyError, TypeError or any other crash the desk would not know how to report."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest, ChallengeGrant
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.gateway.dataset import load_dataset

NOW = datetime(2026, 11, 27, tzinfo=UTC)
BASE = "http://127.0.0.1:8470/fhir"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _samples() -> list[tuple[dict[str, Any], Callable[[Any], object]]]:
    dataset = load_dataset()
    entry = dataset.patients["p-yamada-taro"]
    record = EligibilityRecord.from_coverages(entry.record.id, tuple(entry.coverages), NOW)
    history = MedicationHistory(
        patient_id=entry.record.id, dispenses=tuple(entry.medications[:3]), fetched_at=NOW
    )
    return [
        (entry.record.to_fhir(), PatientRecord.from_fhir),
        (
            record.to_fhir_bundle(BASE, BASE),
            lambda p: EligibilityRecord.from_fhir_bundle(p, "p-yamada-taro", NOW),
        ),
        (
            history.to_fhir_page(base_url=BASE, self_url=BASE, offset=0, count=3, next_url=None),
            lambda p: MedicationHistory.from_fhir_pages([p], "p-yamada-taro", NOW),
        ),
        (ChallengeGrant(nonce="n" * 43, expires_at=NOW).to_fhir(), ChallengeGrant.from_fhir),
        (
            CardAuthGrant(token="t" * 43, expires_at=NOW, patient_id="p-1").to_fhir(),
            CardAuthGrant.from_fhir,
        ),
        (
            CardAuthRequest(certificate_der=b"0", signature=b"1", nonce="n" * 43).to_fhir(),
            CardAuthRequest.from_fhir,
        ),
        (GatewayOutcome(code="security", text="no").to_fhir(), GatewayOutcome.from_fhir),
    ]


SAMPLES = _samples()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=300, deadline=None)
@given(
    sample=st.integers(min_value=0, max_value=len(SAMPLES) - 1),
    pick=st.integers(min_value=0),
    action=st.sampled_from(["replace", "delete"]),
    value=json_values,
)
def test_mutated_payloads_fail_only_with_fhir_format_error(
    sample: int, pick: int, action: str, value: Any
) -> None:
    original, parse = SAMPLES[sample]
    payload = copy.deepcopy(original)
    paths = _paths(payload)
    path = paths[pick % len(paths)]
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    with contextlib.suppress(FhirFormatError):
        parse(payload)


@given(value=json_values)
def test_any_json_at_all_fails_only_with_fhir_format_error(value: Any) -> None:
    for _, parse in SAMPLES:
        with contextlib.suppress(FhirFormatError):
            parse(value)


def test_the_samples_themselves_parse() -> None:
    for payload, parse in SAMPLES:
        assert parse(payload) is not None
    assert date(1980, 4, 1) == PatientRecord.from_fhir(SAMPLES[0][0]).birthdate


def test_non_finite_and_huge_numbers_are_format_errors() -> None:
    coverage_bundle, parse_coverage = SAMPLES[1]
    medication_page, parse_medications = SAMPLES[2]
    for number in (float("inf"), float("nan"), 10**400):
        bundle = copy.deepcopy(coverage_bundle)
        bundle["entry"][0]["resource"]["costToBeneficiary"][0]["valueQuantity"]["value"] = number
        page = copy.deepcopy(medication_page)
        page["entry"][0]["resource"]["daysSupply"]["value"] = number
        for payload, parse in ((bundle, parse_coverage), (page, parse_medications)):
            try:
                parse(payload)
            except FhirFormatError:
                continue
            raise AssertionError(f"{number!r} was accepted")

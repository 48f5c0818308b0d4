"""``POST /fhir/Coverage/$lookup-by-number`` on the embedded gateway, over real HTTP."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.insured_numbers import InsuredNumbers
from clinic_desk.domain.number_lookup import (
    NUMBER_LOOKUP_PATH,
    NumberLookupAnswer,
    NumberLookupRequest,
)
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.eligibility import EligibilityClient, GatewayProtocolError, GatewayUnavailable
from clinic_desk.eligibility.number_lookup import lookup_by_number
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import settings_for
from tests.support.leaks import leaked

YAMADA = InsuredNumbers(insurer_number="01130012", symbol="1234", number="567", branch="00")
WATANABE = InsuredNumbers(insurer_number="138149", symbol="横浜中", number="4501", branch=None)
NUMBER_LOOKUP = frozenset({Route.NUMBER_LOOKUP})


def _post(gateway: GatewayServer, body: Any) -> httpx.Response:
    with httpx.Client(base_url=gateway.url, timeout=10) as bare:
        return bare.post(NUMBER_LOOKUP_PATH, json=body)


def _found(answer: httpx.Response) -> NumberLookupAnswer:
    assert answer.status_code == 200
    return NumberLookupAnswer.from_fhir_bundle(answer.json(), datetime.now(UTC))


def test_numbers_and_birthdate_find_the_patient(gateway: GatewayServer) -> None:
    body = NumberLookupRequest(numbers=YAMADA, birthdate=date(1980, 4, 1)).to_fhir()
    found = _found(_post(gateway, body)).found
    assert found is not None
    assert found.patient.id == "p-yamada-taro"
    assert found.eligibility.state is ValidityState.VALID


@pytest.mark.parametrize("padding", ["space", "zero"])
def test_six_digit_insurer_numbers_padded_either_way(gateway: GatewayServer, padding: Any) -> None:
    request = NumberLookupRequest(numbers=WATANABE, birthdate=date(1968, 2, 29))
    body = request.to_fhir(padding)
    assert len(body["parameter"][0]["valueString"]) == 8
    found = _found(_post(gateway, body)).found
    assert found is not None and found.patient.id == "p-watanabe-hanako"


@pytest.mark.parametrize(
    ("numbers", "born"),
    [
        (YAMADA.model_copy(update={"number": "568"}), date(1980, 4, 1)),  # one digit off
        (YAMADA.model_copy(update={"branch": "01"}), date(1980, 4, 1)),
        (YAMADA, date(1980, 4, 2)),  # the birthdate is part of the key
    ],
)
def test_nothing_behind_the_numbers_is_an_empty_collection(
    gateway: GatewayServer, numbers: InsuredNumbers, born: date
) -> None:
    answer = _post(gateway, NumberLookupRequest(numbers=numbers, birthdate=born).to_fhir())
    assert answer.json() == {"resourceType": "Bundle", "type": "collection", "entry": []}
    assert _found(answer).found is None


def test_a_mislink_fault_answers_another_patient(gateway: GatewayServer) -> None:
    gateway.state.faults.add(
        Fault(kind=FaultKind.MISLINK, patient_id="p-suzuki-ichiro", routes=NUMBER_LOOKUP)
    )
    body = NumberLookupRequest(numbers=YAMADA, birthdate=date(1980, 4, 1)).to_fhir()
    found = _found(_post(gateway, body)).found
    assert found is not None and found.patient.id == "p-suzuki-ichiro"


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Parameters"},
        {"resourceType": "Basic"},
        [],
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "insurerNumber", "valueString": "0113001"},
                {"name": "insuredNumber", "valueString": "567"},
                {"name": "birthDate", "valueDate": "1980-04-01"},
            ],
        },
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "insurerNumber", "valueString": "01130012"},
                {"name": "insuredNumber", "valueString": "567"},
                {"name": "birthDate", "valueDate": "1980-04-31"},
            ],
        },
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "insurerNumber", "valueString": "01130012"},
                {"name": "insuredNumber", "valueString": "567"},
                {"name": "insuredNumber", "valueString": "568"},
                {"name": "birthDate", "valueDate": "1980-04-01"},
            ],
        },
        {
            "resourceType": "Parameters",
            "parameter": [{"name": "patient", "valueString": "Patient/p-yamada-taro"}],
        },
    ],
)
def test_a_malformed_request_is_400_bad_request(gateway: GatewayServer, body: Any) -> None:
    answer = _post(gateway, body)
    assert answer.status_code == 400
    assert GatewayOutcome.from_fhir(answer.json()).reason == "bad-request"
    assert "567" not in answer.text and "1980" not in answer.text


def test_no_token_is_issued_so_no_medications_can_be_read(gateway: GatewayServer) -> None:
    body = NumberLookupRequest(numbers=YAMADA, birthdate=date(1980, 4, 1)).to_fhir()
    answer = _post(gateway, body)
    assert "token" not in answer.text
    with httpx.Client(base_url=gateway.url, timeout=10) as bare:
        meds = bare.get("/fhir/MedicationDispense", params={"subject": "Patient/p-yamada-taro"})
    assert meds.status_code == 401


async def test_client_lookup_by_number(client: EligibilityClient) -> None:
    answer = await lookup_by_number(client, YAMADA, date(1980, 4, 1))
    assert answer.found is not None and answer.found.patient.id == "p-yamada-taro"
    missing = await lookup_by_number(client, WATANABE, date(1968, 3, 1))
    assert missing.found is None


async def test_client_with_zero_padding(gateway: GatewayServer) -> None:
    async with EligibilityClient(settings_for(gateway, insurer_padding="zero")) as zero:
        answer = await lookup_by_number(zero, WATANABE, date(1968, 2, 29))
    assert answer.found is not None


@pytest.mark.parametrize(
    ("kind", "error"),
    [(FaultKind.DOWN, GatewayUnavailable), (FaultKind.GARBAGE, GatewayProtocolError)],
)
async def test_client_faults_are_the_usual_typed_errors(
    gateway: GatewayServer, kind: FaultKind, error: type[Exception]
) -> None:
    gateway.state.faults.add(Fault(kind=kind, routes=NUMBER_LOOKUP))
    async with EligibilityClient(settings_for(gateway, get_retries=0)) as bare:
        with pytest.raises(error):
            await lookup_by_number(bare, YAMADA, date(1980, 4, 1))


async def test_processing_is_polled(gateway: GatewayServer, client: EligibilityClient) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes=NUMBER_LOOKUP, times=2))
    answer = await lookup_by_number(client, YAMADA, date(1980, 4, 1))
    assert answer.found is not None


async def test_logs_hold_no_numbers_or_record(
    client: EligibilityClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await lookup_by_number(client, YAMADA, date(1980, 4, 1))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "number-lookup" in text
    assert leaked(text, ["01130012", "1234", "567", "1980-04-01", "山田", "p-yamada-taro"]) == []

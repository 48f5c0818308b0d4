"""``EligibilityClient.reverify``: the answer parsed, each failure mapped to its typed error."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.eligibility import (
    EligibilityClient,
    EligibilityPending,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.server import GatewayServer
from tests.reverify.conftest import fingerprint, settings_for

REVERIFY = frozenset({Route.REVERIFY})


async def test_reverify_parses_patient_and_eligibility(client: EligibilityClient) -> None:
    found = await client.reverify(fingerprint("nakamura-akemi"), datetime.now(UTC))
    assert found.patient.id == "p-nakamura-akemi"
    assert found.patient.birthdate.isoformat()
    assert found.eligibility.patient_id == "p-nakamura-akemi"
    assert found.eligibility.state is ValidityState.VALID
    assert "中村" not in repr(found)  # personal data stays out of reprs and logs


async def test_lost_coverage_comes_back_as_its_state(client: EligibilityClient) -> None:
    found = await client.reverify(fingerprint("kobayashi-sachiko"), datetime.now(UTC))
    assert found.eligibility.state is ValidityState.INVALID


async def test_unlinked_is_rejected_with_its_reason(client: EligibilityClient) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await client.reverify("cd" * 32, datetime.now(UTC))
    assert caught.value.reason == "certificate-unlinked"
    assert caught.value.status == 404


async def test_revoked_is_rejected_with_its_reason(client: EligibilityClient) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await client.reverify(fingerprint("ito-makoto"), datetime.now(UTC))
    assert caught.value.reason == "certificate-revoked"


async def test_down_is_unavailable(gateway: GatewayServer, client: EligibilityClient) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN, routes=REVERIFY))
    with pytest.raises(GatewayUnavailable) as caught:
        await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert caught.value.code == "http-503"


async def test_it_is_retried_like_a_get(gateway: GatewayServer, client: EligibilityClient) -> None:
    # safe to repeat (it changes nothing), so a 500 is retried although it is a POST
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes=REVERIFY, times=1))
    sent = client.requests_sent
    found = await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert found.patient.id == "p-yamada-taro"
    assert client.requests_sent - sent == 2


async def test_500_every_time_is_unavailable(
    gateway: GatewayServer, client: EligibilityClient
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes=REVERIFY))
    sent = client.requests_sent
    with pytest.raises(GatewayUnavailable) as caught:
        await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert caught.value.code == "http-500"
    assert client.requests_sent - sent == 1 + client.settings.get_retries


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (FaultKind.GARBAGE, "not-json"),
        (FaultKind.WRONG_SHAPE, "wrong-shape"),
        (FaultKind.TRUNCATED, "truncated"),
        (FaultKind.UNKNOWN_CODE, "wrong-shape"),
    ],
)
async def test_unreadable_answers_are_protocol_errors(
    gateway: GatewayServer, client: EligibilityClient, kind: FaultKind, code: str
) -> None:
    gateway.state.faults.add(Fault(kind=kind, routes=REVERIFY))
    with pytest.raises(GatewayProtocolError) as caught:
        await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert caught.value.code == code


async def test_processing_is_polled_then_answered(
    gateway: GatewayServer, client: EligibilityClient
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes=REVERIFY, times=2))
    found = await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert found.patient.id == "p-yamada-taro"


async def test_processing_past_the_budget_is_pending(gateway: GatewayServer) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes=REVERIFY))
    gateway.state.processing_retry_after = 5.0
    async with EligibilityClient(settings_for(gateway, checkin_budget=1.0)) as client:
        with pytest.raises(EligibilityPending):
            await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))


async def test_slow_past_read_timeout_is_unavailable(gateway: GatewayServer) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.SLOW, delay_seconds=30, routes=REVERIFY))
    async with EligibilityClient(settings_for(gateway, read_timeout=0.3)) as client:
        with pytest.raises(GatewayUnavailable) as caught:
            await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert caught.value.code == "timeout"


async def test_an_answer_with_two_patients_is_refused(gateway: GatewayServer) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        patient = {
            "resourceType": "Patient",
            "id": "p-1",
            "name": [{"text": "A"}],
            "birthDate": "1980-01-01",
        }
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": patient}, {"resource": {**patient, "id": "p-2"}}],
        }
        return httpx.Response(200, json=bundle)

    settings = settings_for(gateway)
    async with EligibilityClient(settings, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(GatewayProtocolError) as caught:
            await client.reverify(fingerprint("yamada-taro"), datetime.now(UTC))
    assert caught.value.code == "wrong-shape"

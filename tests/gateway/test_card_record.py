"""Card-auth answered with the Patient and its Coverage: one round trip after the
signature. The reads' routes stay, and the desk sends them whenever the gateway
leaves the record out (an older gateway, a fault on either read)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from clinic_desk.checkin import events as ev
from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.eligibility import EligibilityClient, GatewayProtocolError, GatewaySettings
from clinic_desk.eligibility.included import take_included
from clinic_desk.gateway.faults import parse_fault
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.gateway import ClientGatewayPort
from tests.gateway.conftest import KeySigner, settings_for

NOW = datetime(2026, 11, 27, tzinfo=UTC)


async def _authenticate(desk: EligibilityClient, signer: KeySigner, *, with_record: bool) -> Any:
    grant = await desk.challenge()
    signature = signer.sign(grant.signed_bytes)
    return await desk.authenticate(
        signer.certificate_der(), signature, grant.nonce, with_record=with_record
    )


async def test_the_record_comes_with_the_token_as_the_reads_answer_it(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(settings_for(gateway)) as desk:
        session = await _authenticate(desk, signer_for("yamada-taro"), with_record=True)
        assert desk.requests_sent == 2  # challenge, card-auth: nothing else
        included = take_included(session)
        assert included is not None
        assert take_included(session) is None  # taken once
        patient, eligibility = included
        # the same as the old routes answer, which still work with the same token
        assert patient == await desk.fetch_patient(session)
        read = await desk.fetch_eligibility(session)
    assert (patient.name, patient.birthdate) == ("山田　太郎", date(1980, 4, 1))
    assert eligibility.state is ValidityState.VALID
    assert eligibility.coverages == read.coverages


async def test_without_include_the_answer_is_as_before(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(settings_for(gateway)) as desk:
        session = await _authenticate(desk, signer_for("yamada-taro"), with_record=False)
        assert session.included is None
        assert take_included(session) is None


@pytest.mark.parametrize(
    "fault", ["garbage@patient", "processing@coverage", "expire-token@coverage", "down@patient*1"]
)
async def test_a_fault_on_either_read_leaves_the_record_out(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner], fault: str
) -> None:
    """The reads then meet the fault exactly as without the combined answer."""
    gateway.state.faults.add(parse_fault(fault))
    async with EligibilityClient(settings_for(gateway)) as desk:
        session = await _authenticate(desk, signer_for("yamada-taro"), with_record=True)
        assert take_included(session) is None
    # nothing was counted as fired by the look: the fault is still there for the reads
    (route,) = parse_fault(fault).routes
    assert gateway.state.faults.pending(route)


async def test_the_desk_port_waits_one_round_trip_after_the_signature(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    signer = signer_for("yamada-taro")
    async with EligibilityClient(settings_for(gateway)) as desk:
        port = ClientGatewayPort(desk)
        challenge = await port.challenge()
        assert isinstance(challenge, bytes)
        session = await port.authenticate(
            signer.certificate_der(), signer.sign(challenge), challenge
        )
        fetched = await port.fetch_record(session)
        assert desk.requests_sent == 2
    assert isinstance(fetched, ev.RecordFetched)
    assert fetched.patient_ref == "Patient/p-yamada-taro"
    assert fetched.identity.name == "山田　太郎"


async def test_the_desk_port_sends_the_reads_when_the_record_is_left_out(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    gateway.state.faults.add(parse_fault("garbage@patient"))
    signer = signer_for("yamada-taro")
    async with EligibilityClient(settings_for(gateway)) as desk:
        port = ClientGatewayPort(desk)
        challenge = await port.challenge()
        assert isinstance(challenge, bytes)
        session = await port.authenticate(
            signer.certificate_der(), signer.sign(challenge), challenge
        )
        fetched = await port.fetch_record(session)
    assert isinstance(fetched, ev.GatewayUnavailable)
    assert fetched.reason == "not-json"  # the Patient read met the fault, as before


def test_the_request_asks_for_both_and_reads_back() -> None:
    asked = CardAuthRequest(
        certificate_der=b"c", signature=b"s", nonce="n" * 16, include_record=True
    )
    payload = asked.to_fhir()
    codes = [p["valueCode"] for p in payload["parameter"] if p["name"] == "include"]
    assert codes == ["Patient", "Coverage"]
    assert CardAuthRequest.from_fhir(payload).include_record
    payload["parameter"].pop()  # Patient alone is not the record
    assert not CardAuthRequest.from_fhir(payload).include_record


def _grant(**extra: Any) -> dict[str, Any]:
    return CardAuthGrant(token="t" * 43, expires_at=NOW, patient_id="p-1", **extra).to_fhir()


def test_a_grant_with_only_one_of_the_two_is_refused() -> None:
    payload = _grant()
    payload["parameter"].append({"name": "includedPatient", "resource": {"resourceType": "X"}})
    with pytest.raises(FhirFormatError, match="together"):
        CardAuthGrant.from_fhir(payload)


async def test_an_included_patient_other_than_the_link_is_a_protocol_error() -> None:
    other = PatientRecord(id="p-2", name="鈴木　一郎", birthdate=date(1962, 5, 14)).to_fhir()
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
    answers = {
        "/auth/challenge": {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "nonce", "valueString": "n" * 43},
                {"name": "expires", "valueInstant": "2099-01-01T00:00:00Z"},
            ],
        },
        "/auth/card": _grant(patient_resource=other, coverage_bundle=bundle),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.dumps(answers[request.url.path]).encode()
        return httpx.Response(200, content=body, headers={"Content-Type": "application/fhir+json"})

    settings = GatewaySettings(base_url="http://127.0.0.1:8470")
    async with EligibilityClient(settings, transport=httpx.MockTransport(handler)) as desk:
        grant = await desk.challenge()
        session = await desk.authenticate(b"c", b"s", grant.nonce, with_record=True)
        with pytest.raises(GatewayProtocolError, match="another Patient"):
            take_included(session)

"""``POST /fhir/Coverage/$reverify`` on the embedded gateway, over real HTTP on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.reverification import REVERIFY_PATH, Reverification, ReverifyRequest
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.server import GatewayServer
from tests.reverify.conftest import fingerprint

REVERIFY = frozenset({Route.REVERIFY})


def _body(profile_id: str, at: datetime | None = None) -> dict[str, Any]:
    return ReverifyRequest(
        certificate_sha256=fingerprint(profile_id), checked_in_at=at or datetime.now(UTC)
    ).to_fhir()


def _post(gateway: GatewayServer, body: Any) -> httpx.Response:
    with httpx.Client(base_url=gateway.url, timeout=10) as bare:
        return bare.post(REVERIFY_PATH, json=body)


def _reason(answer: httpx.Response) -> str | None:
    return GatewayOutcome.from_fhir(answer.json()).reason


def test_linked_card_gets_its_patient_and_coverage(gateway: GatewayServer) -> None:
    answer = _post(gateway, _body("yamada-taro", datetime.now(UTC) - timedelta(hours=3)))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+json")
    payload = answer.json()
    assert payload["type"] == "collection"
    found = Reverification.from_fhir_bundle(payload, datetime.now(UTC))
    assert found.patient.id == "p-yamada-taro"
    assert found.patient.name == "山田　太郎"
    assert found.eligibility.state is ValidityState.VALID
    current = found.eligibility.current
    assert current is not None and current.insurer_number == "01130012"


def test_mislinked_card_gets_the_record_it_is_linked_to(gateway: GatewayServer) -> None:
    found = Reverification.from_fhir_bundle(
        _post(gateway, _body("sato-ken")).json(), datetime.now(UTC)
    )
    assert found.patient.id == "p-suzuki-ichiro"


def test_unlinked_card_is_404_certificate_unlinked(gateway: GatewayServer) -> None:
    body = ReverifyRequest(certificate_sha256="ab" * 32, checked_in_at=datetime.now(UTC)).to_fhir()
    answer = _post(gateway, body)
    assert answer.status_code == 404
    assert _reason(answer) == "certificate-unlinked"


def test_revoked_card_is_403_certificate_revoked(gateway: GatewayServer) -> None:
    answer = _post(gateway, _body("ito-makoto"))
    assert answer.status_code == 403
    assert _reason(answer) == "certificate-revoked"


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Parameters"},
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "certificateSha256", "valueString": "xyz"},
                {"name": "checkedInAt", "valueInstant": "2026-11-27T01:00:00Z"},
            ],
        },
        {"resourceType": "Patient", "id": "x"},
        [1, 2],
    ],
)
def test_malformed_request_is_400(gateway: GatewayServer, body: Any) -> None:
    answer = _post(gateway, body)
    assert answer.status_code == 400
    assert _reason(answer) == "bad-request"


def test_a_future_check_in_time_is_400(gateway: GatewayServer) -> None:
    answer = _post(gateway, _body("yamada-taro", datetime.now(UTC) + timedelta(days=1)))
    assert answer.status_code == 400


def test_only_post(gateway: GatewayServer) -> None:
    with httpx.Client(base_url=gateway.url) as bare:
        assert bare.get(REVERIFY_PATH).status_code == 405


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        (Fault(kind=FaultKind.DOWN, routes=REVERIFY), 503),
        (Fault(kind=FaultKind.ERROR_500, routes=REVERIFY), 500),
        (Fault(kind=FaultKind.PROCESSING, routes=REVERIFY), 202),
        (Fault(kind=FaultKind.GARBAGE, routes=REVERIFY), 200),
        (Fault(kind=FaultKind.WRONG_SHAPE, routes=REVERIFY), 200),
    ],
)
def test_fault_knobs_apply_to_the_route(gateway: GatewayServer, fault: Fault, status: int) -> None:
    gateway.state.faults.add(fault)
    answer = _post(gateway, _body("yamada-taro"))
    assert answer.status_code == status
    if fault.kind is FaultKind.DOWN:
        assert _reason(answer) == "upstream-down" and answer.headers["retry-after"]
    if fault.kind is FaultKind.PROCESSING:
        assert _reason(answer) == "processing"
    if fault.kind is FaultKind.GARBAGE:
        with pytest.raises(ValueError):
            answer.json()
    if fault.kind is FaultKind.WRONG_SHAPE:
        assert answer.json()["resourceType"] == "Basic"


def test_faults_on_other_routes_leave_it_alone(gateway: GatewayServer) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN, routes=frozenset({Route.COVERAGE})))
    assert _post(gateway, _body("yamada-taro")).status_code == 200


def test_mislink_fault_links_the_card_to_another_patient(gateway: GatewayServer) -> None:
    gateway.state.faults.add(
        Fault(kind=FaultKind.MISLINK, patient_id="p-suzuki-ichiro", routes=REVERIFY)
    )
    found = Reverification.from_fhir_bundle(
        _post(gateway, _body("yamada-taro")).json(), datetime.now(UTC)
    )
    assert found.patient.id == "p-suzuki-ichiro"


def test_unknown_code_fault_sends_validity_9(gateway: GatewayServer) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.UNKNOWN_CODE, routes=REVERIFY))
    payload = _post(gateway, _body("yamada-taro")).json()
    codes = [
        ext["valueCoding"]["code"]
        for entry in payload["entry"]
        for ext in entry["resource"].get("extension", [])
        if "valueCoding" in ext
    ]
    assert codes == ["9"]

"""Every payload the embedded gateway sends is valid FHIR R4 (checked by fhir.resources' R4B
models, an implementation independent of ours), and our domain models read it back."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from fhir.resources.R4B import get_fhir_model_class

from clinic_desk.domain.auth import CardAuthGrant, ChallengeGrant
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import MutableClock, credentials_for

PROFILES = (
    "yamada-taro",
    "takahashi-ichiro",
    "watanabe-hanako",
    "sato-ken",
    "kobayashi-sachiko",
    "nakamura-akemi",
    "kato-yuki",
)


def _validate_r4(payload: dict[str, Any]) -> None:
    model = get_fhir_model_class(payload["resourceType"])
    model.model_validate(payload)


def _auth_body(profile_id: str, nonce: str) -> dict[str, Any]:
    credentials = credentials_for(profile_id)
    signature = credentials.key.sign(nonce.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "certificate",
                "valueBase64Binary": base64.b64encode(credentials.certificate_der).decode(),
            },
            {"name": "signature", "valueBase64Binary": base64.b64encode(signature).decode()},
            {"name": "nonce", "valueString": nonce},
        ],
    }


def _exchange(bare: httpx.Client, profile_id: str) -> list[httpx.Response]:
    answers = [bare.post("/auth/challenge")]
    nonce = ChallengeGrant.from_fhir(answers[-1].json()).nonce
    answers.append(bare.post("/auth/card", json=_auth_body(profile_id, nonce)))
    grant = CardAuthGrant.from_fhir(answers[-1].json())
    headers = {"Authorization": f"Bearer {grant.token}"}
    answers.append(bare.get(f"/fhir/{grant.patient_ref}", headers=headers))
    answers.append(
        bare.get("/fhir/Coverage", params={"beneficiary": grant.patient_ref}, headers=headers)
    )
    url: str | None = f"/fhir/MedicationDispense?subject={grant.patient_ref}&_count=10"
    while url:
        answers.append(bare.get(url, headers=headers))
        url = next(
            (link["url"] for link in answers[-1].json()["link"] if link["relation"] == "next"),
            None,
        )
    # and the domain models read what was sent
    PatientRecord.from_fhir(answers[2].json())
    EligibilityRecord.from_fhir_bundle(answers[3].json(), grant.patient_id, grant.expires_at)
    MedicationHistory.from_fhir_pages(
        [a.json() for a in answers[4:]], grant.patient_id, grant.expires_at
    )
    return answers


def test_every_normal_payload_is_valid_r4(gateway: GatewayServer) -> None:
    seen: set[str] = set()
    with httpx.Client(base_url=gateway.url) as bare:
        for profile_id in PROFILES:
            for answer in _exchange(bare, profile_id):
                assert answer.status_code in (200, 201), answer.text
                assert answer.headers["content-type"].startswith("application/fhir+json")
                payload = answer.json()
                _validate_r4(payload)
                seen.add(payload["resourceType"])
                for entry in payload.get("entry", []):
                    seen.add(entry["resource"]["resourceType"])
    assert seen == {"Parameters", "Patient", "Bundle", "Coverage", "MedicationDispense"}


def test_every_error_payload_is_valid_r4(gateway: GatewayServer, clock: MutableClock) -> None:
    outcomes: list[httpx.Response] = []
    with httpx.Client(base_url=gateway.url) as bare:
        outcomes.append(bare.post("/auth/card", json=_auth_body("ito-makoto", "C" * 43)))
        nonce = ChallengeGrant.from_fhir(bare.post("/auth/challenge").json()).nonce
        outcomes.append(bare.post("/auth/card", json=_auth_body("ito-makoto", nonce)))
        outcomes.append(bare.post("/auth/card", json={"resourceType": "Parameters"}))
        outcomes.append(bare.get("/fhir/Patient/p-yamada-taro"))
        outcomes.append(bare.get("/fhir/Coverage"))
        outcomes.append(bare.get("/fhir/Nothing"))
        outcomes.append(bare.delete("/auth/challenge"))
        gateway.state.faults.add(Fault(kind=FaultKind.DOWN, routes={Route.CHALLENGE}))
        outcomes.append(bare.post("/auth/challenge"))
        gateway.state.faults.clear()
        nonce = ChallengeGrant.from_fhir(bare.post("/auth/challenge").json()).nonce
        grant = CardAuthGrant.from_fhir(
            bare.post("/auth/card", json=_auth_body("yamada-taro", nonce)).json()
        )
        gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes={Route.COVERAGE}))
        outcomes.append(
            bare.get(
                "/fhir/Coverage",
                params={"beneficiary": grant.patient_ref},
                headers={"Authorization": f"Bearer {grant.token}"},
            )
        )
    statuses = [o.status_code for o in outcomes]
    assert statuses == [403, 403, 400, 401, 400, 404, 405, 503, 202]
    for answer in outcomes:
        payload = answer.json()
        _validate_r4(payload)
        assert GatewayOutcome.from_fhir(payload).text


def test_reverification_payloads_are_valid_r4(gateway: GatewayServer) -> None:
    import hashlib
    from datetime import UTC, datetime

    from clinic_desk.domain.reverification import REVERIFY_PATH, Reverification, ReverifyRequest

    answers: list[httpx.Response] = []
    with httpx.Client(base_url=gateway.url) as bare:
        for profile_id in (*PROFILES, "ito-makoto"):
            fingerprint = hashlib.sha256(credentials_for(profile_id).certificate_der).hexdigest()
            body = ReverifyRequest(
                certificate_sha256=fingerprint, checked_in_at=datetime.now(UTC)
            ).to_fhir()
            _validate_r4(body)
            answers.append(bare.post(REVERIFY_PATH, json=body))
        answers.append(bare.post(REVERIFY_PATH, json={"resourceType": "Parameters"}))
    statuses = [a.status_code for a in answers]
    assert statuses == [200] * len(PROFILES) + [403, 400]
    for answer in answers:
        payload = answer.json()
        _validate_r4(payload)
        if answer.status_code == 200:
            Reverification.from_fhir_bundle(payload, datetime.now(UTC))
            for entry in payload["entry"]:
                _validate_r4(entry["resource"])
        else:
            assert GatewayOutcome.from_fhir(payload).text

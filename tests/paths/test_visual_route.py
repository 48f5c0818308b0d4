"""``POST /auth/visual`` (目視): the card's certificate and a staff id, no card signature."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest

from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.visual_check import VISUAL_AUTH_PATH, VisualAuthRequest, staff_id_error
from clinic_desk.eligibility import EligibilityClient, GatewayRejected
from clinic_desk.eligibility.visual_check import authenticate_visual
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import credentials_for


def _post(gateway: GatewayServer, body: Any) -> httpx.Response:
    with httpx.Client(base_url=gateway.url, timeout=10) as bare:
        return bare.post(VISUAL_AUTH_PATH, json=body)


async def test_visual_check_gives_a_session_and_is_recorded_without_signature(
    gateway: GatewayServer, client: EligibilityClient
) -> None:
    der = credentials_for("yamada-taro").certificate_der
    session = await authenticate_visual(client, der, "staff-07")
    assert session.patient_id == "p-yamada-taro" and session.resign is None
    record = await client.fetch_patient(session)
    assert record.id == "p-yamada-taro"
    # medication history follows consent: the token reads it like a card's
    history = await client.fetch_medications(session)
    assert history.dispenses
    [check] = gateway.state.visual_checks
    assert check.staff_id == "staff-07" and check.card_signature is False
    assert check.certificate_sha256 == session.certificate_sha256


def test_the_answer_says_no_card_signature(gateway: GatewayServer) -> None:
    der = credentials_for("yamada-taro").certificate_der
    answer = _post(gateway, VisualAuthRequest(certificate_der=der, staff_id="s1").to_fhir())
    assert answer.status_code == 200
    params = {p["name"]: p for p in answer.json()["parameter"]}
    assert params["cardSignature"]["valueBoolean"] is False


async def test_a_revoked_card_is_refused_as_at_the_card_route(client: EligibilityClient) -> None:
    der = credentials_for("ito-makoto").certificate_der
    with pytest.raises(GatewayRejected) as caught:
        await authenticate_visual(client, der, "staff-07")
    assert caught.value.reason == "certificate-revoked"


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Parameters"},
        {"resourceType": "Parameters", "parameter": [{"name": "staffId", "valueString": "s1"}]},
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "certificate", "valueBase64Binary": "!!"},
                {"name": "staffId", "valueString": "s1"},
            ],
        },
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "certificate", "valueBase64Binary": base64.b64encode(b"x").decode()},
                {"name": "staffId", "valueString": "s 1; drop"},
            ],
        },
    ],
)
def test_malformed_visual_requests_are_400(gateway: GatewayServer, body: Any) -> None:
    answer = _post(gateway, body)
    assert answer.status_code == 400
    assert GatewayOutcome.from_fhir(answer.json()).reason == "bad-request"


def test_an_unreadable_certificate_is_certificate_invalid(gateway: GatewayServer) -> None:
    answer = _post(gateway, VisualAuthRequest(certificate_der=b"junk", staff_id="s1").to_fhir())
    assert answer.status_code == 400
    assert GatewayOutcome.from_fhir(answer.json()).reason == "certificate-invalid"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "visual.staff_id.empty"),
        ("  ", "visual.staff_id.empty"),
        ("山田", "visual.staff_id.invalid"),
        ("a" * 33, "visual.staff_id.invalid"),
        ("staff-07", ""),
    ],
)
def test_staff_id_errors(typed: str, key: str) -> None:
    assert staff_id_error(typed) == key


async def test_gateway_log_names_the_staff_not_the_patient(
    client: EligibilityClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await authenticate_visual(client, credentials_for("yamada-taro").certificate_der, "staff-07")
    text = caplog.text
    assert "staff-07" in text and "no card signature" in text
    assert "p-yamada-taro" not in text and "山田" not in text

"""Client rules that a well-behaved gateway never triggers, checked with httpx's mock
transport (in addition to the loopback tests, never instead of them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from clinic_desk.domain.auth import CardAuthGrant
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.eligibility import (
    CardSession,
    EligibilityClient,
    GatewayProtocolError,
    GatewayRejected,
    GatewaySettings,
)

BASE = "http://127.0.0.1:8470"
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def _session(patient_id: str = "p-1") -> CardSession:
    return CardSession(
        token="t" * 43, patient_id=patient_id, expires_at=NOW, certificate_sha256="0" * 64
    )


def _client(
    handler: Callable[[httpx.Request], httpx.Response], **settings: Any
) -> EligibilityClient:
    return EligibilityClient(
        GatewaySettings(base_url=BASE, backoff_initial=0, **settings),
        transport=httpx.MockTransport(handler),
    )


def _fhir(payload: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(payload).encode(),
        headers={"Content-Type": "application/fhir+json", **headers},
    )


async def test_a_patient_other_than_asked_is_a_protocol_error() -> None:
    other = PatientRecord(id="p-2", name="鈴木　一郎", birthdate=date(1962, 5, 14)).to_fhir()
    async with _client(lambda request: _fhir(other)) as desk:
        with pytest.raises(GatewayProtocolError, match="another Patient"):
            await desk.fetch_patient(_session())


async def test_next_link_to_another_host_is_not_followed() -> None:
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(request.url.host)
        page = MedicationHistory(patient_id="p-1", fetched_at=NOW).to_fhir_page(
            base_url=f"{BASE}/fhir",
            self_url=f"{BASE}/fhir/MedicationDispense",
            offset=0,
            count=10,
            next_url="https://elsewhere.example/fhir/MedicationDispense?page=2",
        )
        return _fhir(page)

    async with _client(handler) as desk:
        with pytest.raises(GatewayProtocolError, match="leaves the gateway"):
            await desk.fetch_medications(_session())
    assert requested == ["127.0.0.1"]  # the token never went to the other host


async def test_endless_paging_stops_at_max_pages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = MedicationHistory(patient_id="p-1", fetched_at=NOW).to_fhir_page(
            base_url=f"{BASE}/fhir",
            self_url=str(request.url),
            offset=0,
            count=10,
            next_url=f"{BASE}/fhir/MedicationDispense?subject=Patient/p-1&_offset=10",
        )
        return _fhir(page)

    async with _client(handler, max_pages=3) as desk:
        with pytest.raises(GatewayProtocolError, match="more than 3 pages"):
            await desk.fetch_medications(_session())
        assert desk.requests_sent == 3


async def test_redirects_are_not_followed() -> None:
    async with _client(
        lambda request: httpx.Response(302, headers={"Location": "https://x.example/"})
    ) as desk:
        with pytest.raises(GatewayProtocolError) as caught:
            await desk.challenge()
    assert caught.value.code == "redirect"


async def test_4xx_without_an_outcome_is_still_a_rejection() -> None:
    async with _client(lambda request: httpx.Response(418, text="teapot")) as desk:
        with pytest.raises(GatewayRejected) as caught:
            await desk.challenge()
    assert caught.value.reason is None
    assert caught.value.status == 418
    assert "paper" in caught.value.desk_action


async def test_declared_oversize_body_is_refused_before_reading() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**9)}, content=b"")

    async with _client(handler) as desk:
        with pytest.raises(GatewayProtocolError) as caught:
            await desk.challenge()
    assert caught.value.code == "too-large"


async def test_link_changed_on_reauthentication_is_a_protocol_error() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/auth/challenge":
            return _fhir(
                {
                    "resourceType": "Parameters",
                    "parameter": [
                        {"name": "nonce", "valueString": "n" * 43},
                        {"name": "expires", "valueInstant": "2030-01-01T00:00:00Z"},
                    ],
                },
                201,
            )
        if request.url.path == "/auth/card":
            return _fhir(CardAuthGrant(token="u" * 43, expires_at=NOW, patient_id="p-9").to_fhir())
        return _fhir(
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "expired", "diagnostics": "expired"}],
            },
            401,
        )

    async def resign(challenge: bytes) -> bytes | None:
        return b"\x01" * 256

    session = _session()
    session.certificate_der = b"\x30\x00"
    session.resign = resign
    async with _client(handler) as desk:
        with pytest.raises(GatewayProtocolError) as caught:
            await desk.fetch_patient(session)
    assert caught.value.code == "link-changed"
    assert calls == ["/fhir/Patient/p-1", "/auth/challenge", "/auth/card"]


async def test_paged_coverage_search_is_read_whole() -> None:
    from clinic_desk.domain.coverage import (
        Coverage,
        CoverageStatus,
        EligibilityRecord,
        Relationship,
        ValidityState,
    )

    def coverage(ident: str) -> Coverage:
        return Coverage(
            id=ident,
            insurer_number="01130012",
            insurer_name="全国健康保険協会東京支部",
            number="12",
            relationship=Relationship.INSURED,
            copay_ratio=30,
            period_start=date(2020, 1, 1),
            status=CoverageStatus.ACTIVE,
            validity=ValidityState.VALID,
        )

    def handler(request: httpx.Request) -> httpx.Response:
        first = "_page" not in str(request.url)
        record = EligibilityRecord.from_coverages(
            "p-1", (coverage("cov-a" if first else "cov-b"),), NOW
        )
        bundle = record.to_fhir_bundle(f"{BASE}/fhir", str(request.url))
        if first:
            bundle["link"].append(
                {"relation": "next", "url": f"{BASE}/fhir/Coverage?beneficiary=Patient/p-1&_page=2"}
            )
        return _fhir(bundle)

    async with _client(handler) as desk:
        eligibility = await desk.fetch_eligibility(_session())
    # one valid qualification on each page: several match, never the first one
    assert eligibility.state is ValidityState.SEVERAL_MATCH
    assert {c.id for c in eligibility.coverages} == {"cov-a", "cov-b"}

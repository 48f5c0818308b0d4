"""The card certificate's states: the decision from its dates, and the gateway applying it
over real HTTP (eligibility only for three months after expiry, refused after, revoked
with its own reason), with the desk's client carrying the expiry for staff."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from clinic_desk.domain.certificate import (
    CertificateState,
    add_months,
    certificate_status,
)
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.eligibility import EligibilityClient
from clinic_desk.eligibility.errors import GatewayRejected
from clinic_desk.gateway.dataset import Dataset
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.texts import CATALOGUE
from reader.virtual_card.pki import CardCredentials, card_credentials
from tests.gateway.conftest import KeySigner, MutableClock, settings_for

TODAY = date(2026, 11, 27)
ISSUED = date(2021, 11, 1)


@pytest.mark.parametrize(
    ("not_after", "state"),
    [
        (date(2031, 11, 1), CertificateState.VALID),
        (date(2027, 2, 28), CertificateState.VALID),
        (date(2027, 2, 27), CertificateState.EXPIRES_SOON),  # exactly three months ahead
        (date(2026, 11, 27), CertificateState.EXPIRES_SOON),  # last valid day
        (date(2026, 11, 26), CertificateState.EXPIRED_ELIGIBILITY_ONLY),
        (date(2026, 9, 27), CertificateState.EXPIRED_ELIGIBILITY_ONLY),
        (date(2026, 8, 27), CertificateState.EXPIRED_ELIGIBILITY_ONLY),  # three months ago
        (date(2026, 8, 26), CertificateState.EXPIRED),
        (date(2026, 7, 27), CertificateState.EXPIRED),
    ],
)
def test_states_from_the_dates(not_after: date, state: CertificateState) -> None:
    status = certificate_status(ISSUED, not_after, TODAY)
    assert status.state is state
    assert status.usable is (state is not CertificateState.EXPIRED)
    assert status.medications_allowed is (
        state in (CertificateState.VALID, CertificateState.EXPIRES_SOON)
    )


def test_revoked_and_not_yet_valid_come_first() -> None:
    revoked = certificate_status(ISSUED, date(2026, 9, 27), TODAY, revoked=True)
    assert revoked.state is CertificateState.REVOKED and not revoked.usable
    early = certificate_status(date(2027, 1, 1), date(2032, 1, 1), TODAY)
    assert early.state is CertificateState.NOT_YET_VALID and not early.usable


def test_days_and_the_last_day_for_eligibility() -> None:
    status = certificate_status(ISSUED, date(2026, 9, 27), TODAY)
    assert status.days == 61
    assert status.renew_by == date(2026, 12, 27)
    soon = certificate_status(ISSUED, date(2027, 1, 15), TODAY)
    assert (soon.state, soon.days) == (CertificateState.EXPIRES_SOON, 49)


def test_month_arithmetic_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2028, 5, 31), -3) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


@pytest.mark.parametrize("state", list(CertificateState))
def test_every_state_has_its_texts(state: CertificateState) -> None:
    status = certificate_status(ISSUED, ISSUED, ISSUED).model_copy(update={"state": state})
    for key in (status.staff_key, status.patient_key):
        if key is not None:
            assert set(CATALOGUE[key]) == {"ja", "en"}
    if state in (CertificateState.REVOKED, CertificateState.EXPIRED):
        assert status.patient_key is not None
    if state is CertificateState.EXPIRES_SOON:
        assert status.staff_key == "certificate.expires_soon"


# --- the gateway -------------------------------------------------------------------------

NOON = datetime.combine(TODAY, time(12), tzinfo=UTC)


def _card(name: str, not_after: date) -> CardCredentials:
    return card_credentials(f"certificate-state-{name}", ISSUED, not_after)


@pytest.fixture(scope="module")
def cards() -> dict[str, CardCredentials]:
    return {
        "expired-2-months": _card("expired-2-months", date(2026, 9, 27)),
        "expired-4-months": _card("expired-4-months", date(2026, 7, 27)),
        "expires-soon": _card("expires-soon", date(2027, 1, 15)),
        "revoked-expired": _card("revoked-expired", date(2026, 9, 27)),
    }


@pytest.fixture
def states_gateway(dataset: Dataset, cards: dict[str, CardCredentials]) -> Iterator[GatewayServer]:
    import hashlib

    links = dict(dataset.links)
    for credentials in cards.values():
        links[hashlib.sha256(credentials.certificate_der).hexdigest()] = "p-yamada-taro"
    revoked = dataset.revoked_serials | {cards["revoked-expired"].certificate.serial_number}
    data = replace(dataset, links=links, revoked_serials=revoked)
    clock = MutableClock()
    clock.now = NOON
    with GatewayServer(data, clock=clock, max_seconds=60) as server:
        yield server


async def test_expired_two_months_reads_eligibility_but_not_medications(
    states_gateway: GatewayServer, cards: dict[str, CardCredentials]
) -> None:
    async with EligibilityClient(settings_for(states_gateway, get_retries=0)) as client:
        session = await client.open_session(KeySigner(cards["expired-2-months"]))
        assert session.eligibility_only
        status = session.certificate_status(TODAY)
        assert status is not None and status.state is CertificateState.EXPIRED_ELIGIBILITY_ONLY
        assert (await client.fetch_patient(session)).birthdate == date(1980, 4, 1)
        assert (await client.fetch_eligibility(session)).state is ValidityState.VALID
        with pytest.raises(GatewayRejected) as refused:
            await client.fetch_medications(session)
        assert refused.value.reason == OutcomeReason.ELIGIBILITY_ONLY.value
        assert refused.value.status == 403
        assert "municipal office" in refused.value.desk_action


async def test_expired_four_months_is_refused(
    states_gateway: GatewayServer, cards: dict[str, CardCredentials]
) -> None:
    async with EligibilityClient(settings_for(states_gateway)) as client:
        with pytest.raises(GatewayRejected) as refused:
            await client.open_session(KeySigner(cards["expired-4-months"]))
    assert refused.value.reason == OutcomeReason.CERTIFICATE_EXPIRED.value


async def test_revoked_is_its_own_reason_even_when_expired(
    states_gateway: GatewayServer, cards: dict[str, CardCredentials]
) -> None:
    async with EligibilityClient(settings_for(states_gateway)) as client:
        with pytest.raises(GatewayRejected) as refused:
            await client.open_session(KeySigner(cards["revoked-expired"]))
    assert refused.value.reason == OutcomeReason.CERTIFICATE_REVOKED.value


async def test_expiring_soon_is_ordinary_and_carries_the_expiry(
    states_gateway: GatewayServer, cards: dict[str, CardCredentials]
) -> None:
    async with EligibilityClient(settings_for(states_gateway)) as client:
        session = await client.open_session(KeySigner(cards["expires-soon"]))
        assert not session.eligibility_only
        assert session.certificate_not_after is not None
        assert session.certificate_not_after.date() == date(2027, 1, 15)
        status = session.certificate_status(TODAY)
        assert status is not None and status.state is CertificateState.EXPIRES_SOON
        assert status.staff_key == "certificate.expires_soon"
        history = await client.fetch_medications(session)
        assert len(history.dispenses) == 25


def test_the_grant_carries_the_expiry_as_valid_r4() -> None:
    from fhir.resources.R4B import get_fhir_model_class

    from clinic_desk.domain.auth import CardAuthGrant
    from clinic_desk.domain.outcome import GatewayOutcome

    grant = CardAuthGrant(
        token="t" * 43,
        expires_at=NOON,
        patient_id="p-1",
        certificate_not_after=datetime(2026, 9, 27, 14, 59, 59, tzinfo=UTC),
        eligibility_only=True,
    )
    payload = grant.to_fhir()
    get_fhir_model_class("Parameters").model_validate(payload)
    assert CardAuthGrant.from_fhir(payload) == grant
    # an older gateway says neither: the desk knows nothing more, and nothing less
    plain = CardAuthGrant(token="t" * 43, expires_at=NOON, patient_id="p-1")
    assert len(plain.to_fhir()["parameter"]) == 3
    assert CardAuthGrant.from_fhir(plain.to_fhir()) == plain
    refusal = GatewayOutcome(
        code="security", reason=OutcomeReason.ELIGIBILITY_ONLY.value, text="eligibility only"
    ).to_fhir()
    get_fhir_model_class("OperationOutcome").model_validate(refusal)

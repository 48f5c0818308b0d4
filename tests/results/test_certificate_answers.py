"""The card certificate's state as the desk takes it from the gateway's answers, and
what the check-in does with it (no medications are asked for when the gateway answers
eligibility only). Bad input: a grant's unreadable date, a refused certificate that
cannot be read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import SecretStr

from clinic_desk.checkin import Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.domain.auth import CardAuthGrant
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.certificate import CertificateState, certificate_status
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.eligibility.errors import GatewayRejected, GatewayUnavailable
from clinic_desk.eligibility.session import CardSession
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.services.certificate import refused_certificate, session_certificate
from reader.virtual_card.pki import card_credentials

NOON = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)


def test_the_grant_carries_the_gateways_time_and_reads_back() -> None:
    grant = CardAuthGrant(token="t" * 43, expires_at=NOON, patient_id="p-1", checked_at=NOON)
    payload = grant.to_fhir()
    assert {"name": "checkedAt", "valueInstant": "2026-11-27T03:00:00Z"} in payload["parameter"]
    assert CardAuthGrant.from_fhir(payload) == grant


@pytest.mark.parametrize(
    "bad", [{"name": "checkedAt", "valueString": "x"}, {"name": "checkedAt", "valueInstant": "x"}]
)
def test_an_unreadable_answer_time_is_one_clear_error(bad: dict[str, str]) -> None:
    payload = CardAuthGrant(token="t" * 43, expires_at=NOON, patient_id="p-1").to_fhir()
    payload["parameter"].append(bad)
    with pytest.raises(FhirFormatError):
        CardAuthGrant.from_fhir(payload)


def _session(not_after: date | None, *, eligibility_only: bool = False) -> CardSession:
    return CardSession(
        token="t" * 43,
        patient_id="p-1",
        expires_at=NOON,
        certificate_sha256="0" * 64,
        certificate_not_after=(
            datetime(not_after.year, not_after.month, not_after.day, tzinfo=UTC)
            if not_after
            else None
        ),
        eligibility_only=eligibility_only,
    )


def test_the_gateways_word_wins_over_the_desks_dates() -> None:
    assert session_certificate(_session(None), TODAY) is None
    valid = session_certificate(_session(date(2030, 1, 1)), TODAY)
    assert valid is not None and valid.state is CertificateState.VALID
    # the gateway said eligibility only: so it is, whatever the desk's clock says
    forced = session_certificate(_session(date(2030, 1, 1), eligibility_only=True), TODAY)
    assert forced is not None and forced.state is CertificateState.EXPIRED_ELIGIBILITY_ONLY
    # the gateway granted clinical reads: the desk never withholds medications itself
    lenient = session_certificate(_session(date(2026, 9, 1)), TODAY)
    assert lenient is not None and lenient.medications_allowed


def _rejected(reason: OutcomeReason) -> GatewayRejected:
    return GatewayRejected(
        "refused", reason=reason.value, outcome_text="", desk_action="", support_hint=""
    )


def test_a_refused_certificate_is_named_from_its_own_dates() -> None:
    card = card_profile("yamada-taro")
    der = card_credentials(
        card.seed, card.certificate_not_before, card.certificate_not_after
    ).certificate_der
    revoked = refused_certificate(_rejected(OutcomeReason.CERTIFICATE_REVOKED), der, TODAY)
    assert revoked is not None and revoked.state is CertificateState.REVOKED
    assert revoked.not_after == card.certificate_not_after
    expired = refused_certificate(_rejected(OutcomeReason.CERTIFICATE_EXPIRED), der, TODAY)
    assert expired is not None and expired.state is CertificateState.EXPIRED
    # other refusals, other errors and a certificate that cannot be read name nothing
    assert refused_certificate(_rejected(OutcomeReason.BAD_SIGNATURE), der, TODAY) is None
    assert (
        refused_certificate(
            GatewayUnavailable("down", desk_action="", support_hint="", code="down"), der, TODAY
        )
        is None
    )
    for junk in (b"", b"\x30\x03\x02\x01\x00", der[:40]):
        assert (
            refused_certificate(_rejected(OutcomeReason.CERTIFICATE_REVOKED), junk, TODAY) is None
        )


# --- the check-in ----------------------------------------------------------------------

CERT = "a" * 64
CARD = CardIdentity(name="山田　太郎", birthdate=date(1980, 4, 1), sex="1", certificate_sha256=CERT)


def _confirmed(certificate_not_after: date, stage: Stage = Stage.CONSENT) -> CheckInMachine:
    from tests.checkin.records import eligibility

    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3, certificate_sha256=CERT))
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.Authenticated())
    m.handle(
        ev.RecordFetched(
            patient_ref="Patient/p1",
            identity=ev.RecordIdentity(name="山田 太郎", birthdate=date(1980, 4, 1)),
            eligibility=eligibility(),
            certificate=certificate_status(date.min, certificate_not_after, TODAY),
            checked_on=TODAY,
        )
    )
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert m.stage is stage
    return m


def test_eligibility_only_never_asks_for_medications() -> None:
    # no clinical data for three months after expiry: no consent question, no fetch
    m = _confirmed(date(2026, 9, 27), Stage.SHOWN)
    view = m.view()
    assert view.certificate is not None
    assert view.certificate.state is CertificateState.EXPIRED_ELIGIBILITY_ONLY
    assert Stage.CONSENT not in m.history
    assert not m.handle(ev.ConsentAnswered(consent=True))  # a late answer does nothing
    result = m.view().result
    assert result is not None and result.medications is None
    assert result.medications_note == "certificate_eligibility_only"
    assert result.checked_on == TODAY
    m.handle(ev.Done())
    assert m.view().certificate is None  # the next patient hears nothing of this card


def test_a_card_expiring_soon_still_fetches_medications() -> None:
    m = _confirmed(date(2027, 1, 15))
    view = m.view()
    assert view.certificate is not None and view.certificate.state is CertificateState.EXPIRES_SOON
    effects = m.handle(ev.ConsentAnswered(consent=True))
    assert any(isinstance(e, fx.FetchMedications) for e in effects)


def test_a_refusal_keeps_the_certificate_for_the_patients_words() -> None:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3, certificate_sha256=CERT))
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    refused = certificate_status(date.min, date(2026, 7, 27), TODAY)
    m.handle(ev.GatewayRejected(code="certificate_expired", message="expired", certificate=refused))
    assert m.stage is Stage.ERROR and m.view().certificate == refused

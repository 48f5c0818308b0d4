"""What the card's certificate allows, as the gateway's answers say it.

The gateway decides (it refuses a revoked card and one expired more than three
months ago, and answers eligibility only in between); the desk only names the
state so staff and the patient are told what it means. Dates only: a
certificate's validity is not personal data of the record.
"""

from __future__ import annotations

from datetime import date

from clinic_desk.domain.certificate import (
    CertificateState,
    CertificateStatus,
    certificate_status,
)
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.eligibility.errors import GatewayError, GatewayRejected
from clinic_desk.eligibility.session import CardSession

_REFUSED_STATES = {
    OutcomeReason.CERTIFICATE_REVOKED.value: CertificateState.REVOKED,
    OutcomeReason.CERTIFICATE_EXPIRED.value: CertificateState.EXPIRED,
}


def session_certificate(session: CardSession, today: date) -> CertificateStatus | None:
    """The certificate's state for a session the gateway granted (None: expiry unknown).

    The gateway's word wins over the dates: an eligibility-only session is expired
    within the grace months whatever the desk's clock says.
    """
    status = session.certificate_status(today)
    if status is None:
        return None
    if session.eligibility_only and status.state is not CertificateState.EXPIRED_ELIGIBILITY_ONLY:
        return status.model_copy(update={"state": CertificateState.EXPIRED_ELIGIBILITY_ONLY})
    if not session.eligibility_only and not status.medications_allowed:
        # the gateway granted clinical reads: its clock says the certificate is valid
        return status.model_copy(update={"state": CertificateState.EXPIRES_SOON})
    return status


def refused_certificate(
    exc: GatewayError, certificate_der: bytes, today: date
) -> CertificateStatus | None:
    """The state of a certificate the gateway refused (revoked, expired), with its
    dates read from the certificate itself; None for any other refusal."""
    if not isinstance(exc, GatewayRejected):
        return None
    state = _REFUSED_STATES.get(exc.reason or "")
    dates = _dates(certificate_der)
    if state is None or dates is None:
        return None
    not_before, not_after = dates
    status = certificate_status(not_before, not_after, today)
    if state is CertificateState.EXPIRED and status.state is CertificateState.NOT_YET_VALID:
        state = CertificateState.NOT_YET_VALID  # the gateway says "expired" for both
    return status.model_copy(update={"state": state})


def _dates(certificate_der: bytes) -> tuple[date, date] | None:
    from cryptography import x509

    try:
        certificate = x509.load_der_x509_certificate(certificate_der)
    except ValueError:
        return None
    return certificate.not_valid_before_utc.date(), certificate.not_valid_after_utc.date()

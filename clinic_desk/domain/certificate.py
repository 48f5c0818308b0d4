"""The card's authentication certificate: what its dates and revocation allow today.

The national system keeps answering **eligibility only** (no medication or other
clinical data) for three months after the certificate expires; after that the
card cannot be used until it is renewed at the municipal office. A revoked
certificate is refused with its own message. Readers warn three months before
expiry, so staff can tell the patient in time. ``certificate_status`` decides
all of this from the dates; the gateway applies it, the desk shows its keys.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from clinic_desk.texts.keys import TextKey

GRACE_MONTHS = 3  # eligibility only, this long after expiry
NOTICE_MONTHS = 3  # staff are told this long before expiry


class CertificateState(StrEnum):
    VALID = "valid"
    EXPIRES_SOON = "expires_soon"
    """Valid, but expires within three months: a notice for staff."""
    EXPIRED_ELIGIBILITY_ONLY = "expired_eligibility_only"
    """Expired at most three months ago: eligibility only, no medications."""
    EXPIRED = "expired"
    """Expired longer ago: refused until renewed."""
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class CertificateStatus(BaseModel):
    """What the certificate allows today, and what staff and the patient are told.

    Dates only: a certificate's validity is not personal data of the record.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: CertificateState
    not_after: date
    days: int
    """Days until expiry (expiring states), or since expiry (expired states)."""

    @property
    def usable(self) -> bool:
        """The card may be used for eligibility today."""
        return self.state in _USABLE

    @property
    def medications_allowed(self) -> bool:
        return self.state in (CertificateState.VALID, CertificateState.EXPIRES_SOON)

    @property
    def staff_key(self) -> TextKey | None:
        """Text key for a notice to staff (none when nothing needs saying)."""
        return _STAFF_KEYS.get(self.state)

    @property
    def patient_key(self) -> TextKey | None:
        """Text key for what the patient is told (renew, or why the card was refused)."""
        return _PATIENT_KEYS.get(self.state)

    @property
    def renew_by(self) -> date:
        """The last day the card still answers eligibility after expiry."""
        return add_months(self.not_after, GRACE_MONTHS)


_USABLE = frozenset(
    {
        CertificateState.VALID,
        CertificateState.EXPIRES_SOON,
        CertificateState.EXPIRED_ELIGIBILITY_ONLY,
    }
)
_STAFF_KEYS: dict[CertificateState, TextKey] = {
    CertificateState.EXPIRES_SOON: "certificate.expires_soon",
    CertificateState.EXPIRED_ELIGIBILITY_ONLY: "certificate.eligibility_only",
}
_PATIENT_KEYS: dict[CertificateState, TextKey] = {
    CertificateState.EXPIRED_ELIGIBILITY_ONLY: "certificate.expired_renew",
    CertificateState.EXPIRED: "certificate.expired_refused",
    CertificateState.REVOKED: "certificate.revoked",
    CertificateState.NOT_YET_VALID: "certificate.not_yet_valid",
}


def certificate_status(
    not_before: datetime | date,
    not_after: datetime | date,
    today: date,
    *,
    revoked: bool = False,
) -> CertificateStatus:
    """The certificate's state on ``today`` (revocation first, then its dates)."""
    start = not_before.date() if isinstance(not_before, datetime) else not_before
    end = not_after.date() if isinstance(not_after, datetime) else not_after
    if revoked:
        state = CertificateState.REVOKED
    elif today < start:
        state = CertificateState.NOT_YET_VALID
    elif today <= end:
        soon = today >= add_months(end, -NOTICE_MONTHS)
        state = CertificateState.EXPIRES_SOON if soon else CertificateState.VALID
    elif today <= add_months(end, GRACE_MONTHS):
        state = CertificateState.EXPIRED_ELIGIBILITY_ONLY
    else:
        state = CertificateState.EXPIRED
    return CertificateStatus(state=state, not_after=end, days=abs((end - today).days))

"""What the desk says about the card's certificate: to staff, and for the patient.

Dates only (the certificate's expiry is not the record): shown in any stage after
the card was read, so the patient hears why their card was refused, and staff
hear in time that a card is about to expire.
"""

from __future__ import annotations

from clinic_desk.checkin import DeskView, Stage
from clinic_desk.domain.certificate import CertificateState, CertificateStatus
from clinic_desk.texts import Lang, t

# where each kind of line is said: staff notices while the check-in can go on, the
# patient's words where the check-in ends
_STAFF_STAGES = frozenset({Stage.CONSENT, Stage.FETCHING_MEDICATIONS, Stage.SHOWN})
_PATIENT_STAGES = frozenset({Stage.SHOWN, Stage.WITHHELD, Stage.ERROR})


def _values(status: CertificateStatus) -> dict[str, object]:
    return {
        "date": status.not_after.isoformat(),
        "days": status.days,
        "renew_by": status.renew_by.isoformat(),
    }


def staff_line(status: CertificateStatus | None, lang: Lang) -> str:
    """The notice for staff (expires within three months, eligibility only), or ""."""
    if status is None or status.staff_key is None:
        return ""
    return t(status.staff_key, lang, **_values(status))


def patient_line(status: CertificateStatus | None, lang: Lang) -> str:
    """What the patient is told (renew, refused, revoked), or ""."""
    if status is None or status.patient_key is None:
        return ""
    return t(status.patient_key, lang, **_values(status))


def certificate_lines(view: DeskView, lang: Lang) -> list[str]:
    """The certificate's lines for ``view``'s stage (none when nothing needs saying)."""
    status = view.certificate
    if status is None:
        return []
    lines = []
    # on the result, eligibility only is said once, where the medications would be
    said_by_result = view.stage is Stage.SHOWN and not status.medications_allowed
    if view.stage in _STAFF_STAGES and not said_by_result:
        lines.append(staff_line(status, lang))
    if view.stage in _PATIENT_STAGES:
        if view.stage is Stage.WITHHELD and status.state is not CertificateState.REVOKED:
            return [line for line in lines if line]
        lines.append(patient_line(status, lang))
    return [line for line in lines if line]

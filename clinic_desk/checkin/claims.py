"""Visits the claims clerk must follow up: a record shown with validity 3.

無効（新しい資格あり）: the patient was confirmed, but the qualification asked about
has ended and a newer one exists, so the visit's claim goes to the newer insurer.
The check-in lists such a visit in the manager's review (a flag with its own
reason, never a withheld record); the insurer reference sealed for the manager
names the old qualification and, when the answer says it, the newer insurer.
"""

from __future__ import annotations

from pydantic import SecretStr

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin.held import HeldRecord
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import ValidityState


def newer_reference(held: HeldRecord) -> str:
    """The old qualification's reference, then the newer insurer the answer names."""
    lines = [held.insurer_reference.get_secret_value()]
    for coverage in held.eligibility.coverages:
        newer = coverage.newer_qualification
        if newer is None:
            continue
        parts = [
            newer.insurer_number or "",
            newer.insurer_name or "",
            newer.valid_from.isoformat() if newer.valid_from else "",
        ]
        lines.append("→ " + " ".join(p for p in parts if p))
    return "\n".join(line for line in lines if line)


def claims_follow_up(
    held: HeldRecord, card: CardIdentity, certificate_sha256: str
) -> list[fx.Effect]:
    """A flag for the claims clerk when the shown record is validity 3 (else nothing)."""
    if held.eligibility.state is not ValidityState.INVALID_NEWER_EXISTS:
        return []
    flag = fx.RaiseFlag(
        reasons=(FlagReason.NEWER_COVERAGE,),
        identity=card,
        certificate_sha256=certificate_sha256,
        linked_record_ref=held.linked_record_ref,
        insurer_reference=SecretStr(newer_reference(held)),
    )
    return [flag, fx.Audit(action="newer_coverage_listed_for_claims")]

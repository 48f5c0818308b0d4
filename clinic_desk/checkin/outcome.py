"""What the desk makes of each answer of the national eligibility check.

Only VALID confirms the eligibility. INVALID and INVALID_NEWER_EXISTS are the
patient's own record (shown after the identity gate and the patient confirmed
it) but never "confirmed": the receptionist must ask for the current insurance.
NOT_FOUND has nothing to show (paper form); SEVERAL_MATCH is the signature of a
mislink and is withheld and flagged.
"""

from __future__ import annotations

from enum import StrEnum

from clinic_desk.domain.coverage import ValidityState


class EligibilityOutcome(StrEnum):
    """The desk's conclusion for one validity state; each has its own next step."""

    CONFIRMED = "confirmed"  # 1 有効: check in at the copay shown
    COVERAGE_ENDED = "coverage_ended"  # 2 無効: ask for the current insurance (申立書 if none)
    NEWER_COVERAGE = "newer_coverage"  # 3 無効（新しい資格あり）: ask for the newer insurance
    NO_RECORD = "no_record"  # 4 該当資格なし: typo or not registered yet; paper form
    SEVERAL_MATCH = "several_match"  # 5 複数該当: withheld and flagged for the manager

    @property
    def shows_record(self) -> bool:
        """Whether a confirmed patient sees the record (states 1, 2 and 3)."""
        return self in _SHOWN

    @property
    def confirms_eligibility(self) -> bool:
        return self is EligibilityOutcome.CONFIRMED


_SHOWN = frozenset(
    {
        EligibilityOutcome.CONFIRMED,
        EligibilityOutcome.COVERAGE_ENDED,
        EligibilityOutcome.NEWER_COVERAGE,
    }
)

OUTCOME_OF_STATE: dict[ValidityState, EligibilityOutcome] = {
    ValidityState.VALID: EligibilityOutcome.CONFIRMED,
    ValidityState.INVALID: EligibilityOutcome.COVERAGE_ENDED,
    ValidityState.INVALID_NEWER_EXISTS: EligibilityOutcome.NEWER_COVERAGE,
    ValidityState.NOT_FOUND: EligibilityOutcome.NO_RECORD,
    ValidityState.SEVERAL_MATCH: EligibilityOutcome.SEVERAL_MATCH,
}


def outcome_of(state: ValidityState) -> EligibilityOutcome:
    return OUTCOME_OF_STATE[state]

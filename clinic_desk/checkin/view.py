"""What a screen may show for the current stage, and nothing more.

Screens render a ``DeskView`` only. The fetched record reaches a view only in
SHOWN or OFFLINE_SHOWN, that is after the identity gate and the patient
confirmed it; before that the view carries no field that could hold it.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from clinic_desk.checkin.outcome import EligibilityOutcome, outcome_of
from clinic_desk.checkin.stages import FlagReason, Stage
from clinic_desk.domain.certificate import CertificateStatus
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.medication import MedicationHistory


class VariantForStaff(BaseModel):
    """Both spellings of a name variant, for the receptionist's decision only."""

    model_config = ConfigDict(frozen=True)

    card_name: str
    record_name: str
    reasons: tuple[str, ...]


class CheckInResult(BaseModel):
    """A confirmed record, ready to show."""

    model_config = ConfigDict(frozen=True)

    eligibility: EligibilityRecord
    # the confirmed patient's name, as read from their own card
    patient_name: str = ""
    medications: MedicationHistory | None = None
    consented: bool = False
    offline_confirmed_at: datetime | None = None
    medications_note: str = ""
    # the day the answer was given: what the copay's dates are judged against
    checked_on: date | None = None

    @property
    def outcome(self) -> EligibilityOutcome:
        """What the record's validity state means for the receptionist."""
        return outcome_of(self.eligibility.state)


class DeskView(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: Stage
    text_pin_tries: int | None = None
    auth_pin_tries: int | None = None
    pin_kind: str = "text"
    pin_on_pad: bool = False  # the patient types the PIN on the reader's keypad
    needs_last_try_confirmation: bool = False
    retry_birthdate: bool = False
    card_name: str | None = None  # the patient's own name from the chip: asked "is this you?"
    variant: VariantForStaff | None = None
    result: CheckInResult | None = None
    error_code: str = ""  # a withheld check-in: its first reason
    error_message: str = ""
    flagged: bool = False
    flag_reasons: tuple[FlagReason, ...] = ()  # every reason the check-in found
    # the eligibility check's answer as the receptionist acts on it: set when a record
    # is shown, and when validity 4 or 5 ends the check-in without showing anything
    outcome: EligibilityOutcome | None = None
    # the card's certificate, dates only (not the record): expires soon, eligibility only,
    # expired, revoked; staff and the patient are told what it means
    certificate: CertificateStatus | None = None
    # the reception path (checkin/paths.py): "card", "visual" or "numbers"
    path: str = "card"
    numbers_not_found: bool = False  # 該当資格なし: back at the form, what was typed kept
    staff_id: str = ""  # who switched this check-in to the visual check
    # WITHHELD: the flag's reference, for the patient to quote ("" until it is stored)
    flag_reference: str = ""

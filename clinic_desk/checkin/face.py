"""A check-in that starts at the national face reader: its result arrives first, and
nothing of it is shown until the patient has confirmed who they are.

The face reader's result names a person the desk must not trust yet. The patient
types their birthdate (two tries, as at the card path), then the receptionist types
the name the patient states, in kana; the identity gate compares both with the
result (its half-width kana, read as full-width, and its name). ``match`` shows the
record; ``variant`` goes to staff with both spellings; anything else is withheld
and flagged exactly as a card mislink, and 複数該当 is withheld at once. The record
lives in one ``HeldRecord`` and is dropped in the same step on every other ending.

Pure and UI-free (no I/O): the effects are the card path's (``RaiseFlag``,
``Audit``); ``services.face_desk`` carries them out. Once the card path's machine
has a stated-identity entry this flow can feed it instead (stated identity first,
then the held record as ``RecordFetched``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin.events import RecordIdentity
from clinic_desk.checkin.held import HeldRecord
from clinic_desk.checkin.outcome import EligibilityOutcome, outcome_of
from clinic_desk.checkin.record_flow import BIRTHDATE_ATTEMPTS
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.checkin.state import Effects
from clinic_desk.checkin.view import CheckInResult, VariantForStaff
from clinic_desk.domain.coverage import EligibilityRecord, ValidityState
from clinic_desk.identity import IdentityInputError, Verdict, verdict
from clinic_desk.identity.model import IdentityOutcome

MAX_KANA = 64


class FaceStage(StrEnum):
    CONFIRMING_BIRTHDATE = "face_confirming_birthdate"
    CONFIRMING_NAME = "face_confirming_name"
    STAFF_DECISION = "face_staff_decision"
    SHOWN = "face_shown"
    WITHHELD = "face_withheld"
    PAPER_FORM = "face_paper_form"
    CANCELLED = "face_cancelled"


FACE_ENDINGS = frozenset(
    {FaceStage.SHOWN, FaceStage.WITHHELD, FaceStage.PAPER_FORM, FaceStage.CANCELLED}
)


class FaceArrival(BaseModel):
    """What the face reader's result says: held for the gate, never shown as such."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    result_id: str = Field(min_length=1, max_length=128)  # the result file's id
    name: str | None
    kana: str | None  # full-width katakana
    birthdate: date | None
    eligibility: EligibilityRecord
    linked_record_ref: str = ""
    insurer_reference: SecretStr = SecretStr("")

    def __repr__(self) -> str:
        return f"FaceArrival(result_id={self.result_id!r})"

    __str__ = __repr__

    @property
    def key(self) -> str:
        """Where a card's certificate fingerprint goes (flags, audit): a face result has
        no card, so the SHA-256 of its result id."""
        return hashlib.sha256(f"face:{self.result_id}".encode()).hexdigest()


class FaceView(BaseModel):
    """What a screen may show of a face check-in now."""

    model_config = ConfigDict(frozen=True)

    stage: FaceStage
    retry_birthdate: bool = False
    variant: VariantForStaff | None = None  # staff only
    result: CheckInResult | None = None  # SHOWN only
    flag_reasons: tuple[FlagReason, ...] = ()
    outcome: EligibilityOutcome | None = None


def _best(stated: str, birthdate: date, arrival: FaceArrival) -> Verdict | None:
    """The gate on the stated name against the result's kana and its name: the best
    of the two (kana is what the patient says; staff may type the name itself)."""
    assert arrival.birthdate is not None
    found: list[Verdict] = []
    for spelled in (arrival.kana, arrival.name):
        if not spelled:
            continue
        try:
            found.append(verdict(stated, birthdate, spelled, arrival.birthdate))
        except IdentityInputError:
            continue
    order = (IdentityOutcome.MATCH, IdentityOutcome.VARIANT, IdentityOutcome.MISMATCH)
    return min(found, key=lambda v: order.index(v.outcome)) if found else None


class FaceCheckIn:
    """One face-reader check-in. ``start()`` first, then the people's answers."""

    def __init__(self, arrival: FaceArrival) -> None:
        self._arrival: FaceArrival | None = arrival
        self._key = arrival.key
        self._stage = FaceStage.CONFIRMING_BIRTHDATE
        self._typed: date | None = None
        self._attempts = 0
        self._held: HeldRecord | None = None
        self._stated = ""
        self._reasons: tuple[FlagReason, ...] = ()
        self._outcome: EligibilityOutcome | None = None

    @property
    def stage(self) -> FaceStage:
        return self._stage

    @property
    def key(self) -> str:
        """The face result's stand-in for a card fingerprint (flags, audit)."""
        return self._key

    def start(self) -> Effects:
        arrival = self._arrival
        assert arrival is not None
        audit = fx.Audit(action="face_result_arrived")
        state = arrival.eligibility.state
        if state is ValidityState.SEVERAL_MATCH:
            self._outcome = EligibilityOutcome.SEVERAL_MATCH
            return [audit, *self._withhold(FlagReason.SEVERAL_QUALIFICATIONS)]
        if state is ValidityState.NOT_FOUND or arrival.birthdate is None or not arrival.name:
            self._outcome = EligibilityOutcome.NO_RECORD
            self._arrival = None
            self._stage = FaceStage.PAPER_FORM
            return [audit, fx.Audit(action="paper_form", detail="face_no_record")]
        return [audit]

    # -- the patient and staff -----------------------------------------------------
    def birthdate_typed(self, typed: date) -> Effects:
        arrival = self._arrival
        if self._stage is not FaceStage.CONFIRMING_BIRTHDATE or arrival is None:
            return []
        if typed != arrival.birthdate:
            self._attempts += 1
            if self._attempts >= BIRTHDATE_ATTEMPTS:
                return self._withhold(FlagReason.TYPED_BIRTHDATE_DIFFERS)
            return [fx.Audit(action="typed_birthdate_differs")]
        self._typed = typed
        self._stage = FaceStage.CONFIRMING_NAME
        return []

    def name_stated(self, kana: str) -> Effects:
        arrival, typed = self._arrival, self._typed
        if self._stage is not FaceStage.CONFIRMING_NAME or arrival is None or typed is None:
            return []
        stated = kana.strip()[:MAX_KANA]
        judged = _best(stated, typed, arrival) if stated else None
        if judged is None or judged.is_mismatch:
            return self._withhold(FlagReason.NAME_MISMATCH)
        self._hold(judged)
        self._stated = stated
        if judged.is_match:
            return [fx.Audit(action="identity_confirmed", detail="face"), *self._show()]
        self._stage = FaceStage.STAFF_DECISION
        return [fx.Audit(action="variant_shown_to_staff")]

    def staff_decided(self, accept: bool) -> Effects:
        if self._stage is not FaceStage.STAFF_DECISION:
            return []
        if not accept:
            return self._withhold(FlagReason.VARIANT_REJECTED)
        return [fx.Audit(action="variant_accepted_by_staff"), *self._show()]

    def cancel(self) -> Effects:
        if self._stage in FACE_ENDINGS:
            return []
        self._arrival, self._held = None, None
        self._stage = FaceStage.CANCELLED
        return [fx.Audit(action="cancelled", detail="face")]

    # -- the view --------------------------------------------------------------------
    def view(self) -> FaceView:
        held = self._held
        shown = self._stage is FaceStage.SHOWN and held is not None
        variant = None
        if self._stage is FaceStage.STAFF_DECISION and held is not None:
            variant = VariantForStaff(
                card_name=self._stated, record_name=held.identity.name, reasons=held.verdict.reasons
            )
        return FaceView(
            stage=self._stage,
            retry_birthdate=self._stage is FaceStage.CONFIRMING_BIRTHDATE and self._attempts > 0,
            variant=variant,
            result=(
                CheckInResult(eligibility=held.eligibility, patient_name=held.identity.name)
                if shown and held is not None
                else None
            ),
            flag_reasons=self._reasons,
            outcome=outcome_of(held.eligibility.state) if shown and held else self._outcome,
        )

    # -- helpers ---------------------------------------------------------------------
    def _hold(self, judged: Verdict) -> None:
        arrival = self._arrival
        assert arrival is not None and arrival.name and arrival.birthdate
        self._held = HeldRecord(
            identity=RecordIdentity(name=arrival.name, birthdate=arrival.birthdate),
            eligibility=arrival.eligibility,
            verdict=judged,
            linked_record_ref=arrival.linked_record_ref,
            insurer_reference=arrival.insurer_reference,
        )

    def _show(self) -> Effects:
        self._arrival = None
        self._stage = FaceStage.SHOWN
        return [fx.Audit(action="shown", detail="face")]

    def _withhold(self, *reasons: FlagReason) -> Effects:
        arrival = self._arrival
        self._arrival, self._held = None, None
        self._reasons = reasons
        self._stage = FaceStage.WITHHELD
        flag = fx.RaiseFlag(
            reasons=reasons,
            identity=None,
            certificate_sha256=self._key,
            linked_record_ref=arrival.linked_record_ref if arrival else "",
            insurer_reference=arrival.insurer_reference if arrival else SecretStr(""),
        )
        return [flag, fx.Audit(action="withheld_and_flagged", detail=flag.reason)]

"""Events and effects of the reception paths without a PIN: lookup by number
(資格確認書), the visual check (目視) and the 被保険者資格申立書.

Kept apart from ``events`` and ``effects`` so those stay the card path's; both
unions include these.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import MAX_NAME, NumberLookupInput
from clinic_desk.domain.visual_check import STAFF_ID_PATTERN


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatedIdentity(_Frozen):
    """Who the patient says they are, typed by staff (from the paper certificate, the
    card's face, or a face reader's result): what the gate compares the record with
    when no chip was read."""

    name: str = Field(min_length=1, max_length=MAX_NAME * 2)
    birthdate: date

    def __repr__(self) -> str:
        return "StatedIdentity(…)"

    __str__ = __repr__


# --- events: people at the desk ----------------------------------------------------------
class NumberLookupStarted(_Frozen):
    """The receptionist opens the number form (資格確認書・資格情報のお知らせ)."""


class NumbersEntered(_Frozen):
    """The checked form: numbers and birthdate to look up, the name the patient states."""

    lookup: NumberLookupInput


class VisualCheckChosen(_Frozen):
    """The receptionist compared the card's photo with the person and switches this
    check-in to the visual check; the name and birthdate are typed from the card's face.
    ``staff_pin``: asked by a production desk, checked by the runner, never kept.
    """

    staff_id: str = Field(pattern=STAFF_ID_PATTERN)
    stated: StatedIdentity
    staff_pin: SecretStr | None = None


class DeclarationStarted(_Frozen):
    """Nothing can be confirmed: the receptionist opens the 申立書."""


class DeclarationRecorded(_Frozen):
    declaration: InsuranceDeclaration


class FaceCheckInChosen(_Frozen):
    """A patient checked in at the national face reader: the receptionist opens its
    result's check-in with the name (kana) and birthdate the patient states."""

    result_id: str = Field(min_length=1, max_length=128)
    stated: StatedIdentity


# --- events: the gateway -------------------------------------------------------------------
class NumbersNotFound(_Frozen):
    """該当資格なし for the numbers and birthdate."""


class FaceResultTaken(_Frozen):
    """The face result is taken for this check-in (its record follows as
    ``RecordFetched``): whether the patient agreed at the face reader to share their
    medication information."""

    medications_consented: bool


PathEvent = (
    NumberLookupStarted
    | NumbersEntered
    | VisualCheckChosen
    | DeclarationStarted
    | DeclarationRecorded
    | NumbersNotFound
    | FaceCheckInChosen
    | FaceResultTaken
)


# --- effects ---------------------------------------------------------------------------------
class LookUpNumbers(_Frozen):
    """Ask the gateway, with the desk's own credential, what the numbers belong to."""

    lookup: NumberLookupInput


class AuthenticateVisually(_Frozen):
    """Name the card to the gateway by its certificate (no signature, no PIN)."""

    staff_id: str = Field(pattern=STAFF_ID_PATTERN)
    staff_pin: SecretStr | None = None  # lives only here, as the card PIN in UnlockAndFetch


class QueueDeclaration(_Frozen):
    """Keep the declaration in the cache and queue it for re-check."""

    declaration: InsuranceDeclaration


class TakeFaceResult(_Frozen):
    """Take the waiting face result: its record, not yet confirmed, for the gate."""

    result_id: str = Field(min_length=1, max_length=128)


PathEffect = LookUpNumbers | AuthenticateVisually | QueueDeclaration | TakeFaceResult

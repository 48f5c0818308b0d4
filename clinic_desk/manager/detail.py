"""A flag as the manager sees it: the chip's identity and the insurer reference,
unsealed with the manager key when one was kept."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from clinic_desk.manager.errors import SealBroken
from clinic_desk.manager.sealing import SealedReference, Unsealer, is_sealed
from offline_cache import FlagMove, MismatchFlag


class ReferenceState(StrEnum):
    UNSEALED = "unsealed"  # opened with the manager key
    NOT_KEPT = "not_kept"  # no manager key existed when the flag was raised
    NO_KEY = "no_key"  # sealed, but the key cannot be opened now
    BROKEN = "broken"  # sealed for another key, or changed


class FlagDetail(BaseModel):
    """A flag as the manager sees it: the chip's identity and the insurer reference.

    Never anything of the linked record's content (medications, name, birthdate).
    """

    model_config = ConfigDict(frozen=True)

    flag: MismatchFlag
    reference_state: ReferenceState
    reference: SealedReference | None = None
    gateway_ref: str | None = None  # the gateway's id of the record, when not sealed
    history: tuple[FlagMove, ...] = ()
    # the reference the patient was given at the desk (derived from the flag's id)
    patient_reference: str = ""


def open_reference(flag: MismatchFlag, unsealer: Unsealer | None) -> FlagDetail:
    """The flag with its insurer reference unsealed, or why it cannot be (no history,
    no patient reference: ``ReviewSession.detail`` adds those)."""
    stored = flag.insurer_reference
    if not is_sealed(stored):
        return FlagDetail(flag=flag, reference_state=ReferenceState.NOT_KEPT, gateway_ref=stored)
    if unsealer is None:
        return FlagDetail(flag=flag, reference_state=ReferenceState.NO_KEY)
    assert stored is not None
    try:
        reference = unsealer.unseal(stored, _card_context(flag))
    except SealBroken:
        return FlagDetail(flag=flag, reference_state=ReferenceState.BROKEN)
    return FlagDetail(flag=flag, reference_state=ReferenceState.UNSEALED, reference=reference)


def _card_context(flag: MismatchFlag) -> str:
    return str(flag.card_identity.get("certificate_sha256", ""))

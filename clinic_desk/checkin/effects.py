"""Effects: what the check-in asks the desk to do. A runner carries them out
and answers with events; the machine itself does no I/O."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from clinic_desk.checkin.path_events import PathEffect
from clinic_desk.checkin.stages import FlagReason, join_reasons
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.medication import MedicationHistory


class _Effect(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReadCard(_Effect):
    """Read the PIN tries left: all the PIN prompt needs."""


class ReadCertificate(_Effect):
    """While the patient types the PIN: read the user-authentication certificate (and
    get the gateway's challenge and the cache's answer for it ready)."""


class UnlockAndFetch(_Effect):
    """Verify the PIN, read the four items, prove card presence, fetch eligibility.

    The PIN lives only in this effect: the machine does not keep it.
    """

    pin: SecretStr
    pin_kind: Literal["text", "auth"]  # "auth": the four items were read already
    confirm_last_try: bool


class LookupCache(_Effect):
    certificate_sha256: str


class FetchMedications(_Effect):
    pass


class StoreConfirmed(_Effect):
    """Cache a record the identity gate and the patient confirmed."""

    identity: CardIdentity
    gate_outcome: Literal["match", "variant_accepted"]
    eligibility: EligibilityRecord
    medications: MedicationHistory | None = None


class QueueReverification(_Effect):
    """An offline check-in, to be verified again when the gateway is back."""

    certificate_sha256: str


class RaiseFlag(_Effect):
    """Flag a withheld record for manager review (no record contents).

    ``reasons`` holds every reason the check-in found, the record's own first (a
    mislink stays a mislink when the patient then also mistypes the birthdate).
    """

    reasons: tuple[FlagReason, ...] = Field(min_length=1)
    identity: CardIdentity | None
    certificate_sha256: str
    linked_record_ref: str
    insurer_reference: SecretStr = SecretStr("")  # sealed for the manager, never stored plain

    @property
    def reason(self) -> str:
        """The reasons as one code, as the flag queue stores it."""
        return join_reasons(self.reasons)

    def store_arguments(self) -> tuple[str, CardIdentity | None, str, str, SecretStr]:
        """The arguments of ``StorePort.raise_flag`` for this flag."""
        return (
            self.reason,
            self.identity,
            self.certificate_sha256,
            self.linked_record_ref,
            self.insurer_reference,
        )


class ProposeAlias(_Effect):
    """Staff accepted a notation variant: propose the pair of spellings as this card
    holder's alias, for a manager to approve (never logged: the names are hidden)."""

    certificate_sha256: str
    record_ref: str
    card_name: str = Field(repr=False)
    record_name: str = Field(repr=False)
    birthdate: date = Field(repr=False)


class Audit(_Effect):
    action: str
    detail: str = ""


Effect = (
    ReadCard
    | ReadCertificate
    | UnlockAndFetch
    | LookupCache
    | FetchMedications
    | StoreConfirmed
    | QueueReverification
    | RaiseFlag
    | ProposeAlias
    | Audit
    | PathEffect
)

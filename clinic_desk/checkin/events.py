"""Events that drive one check-in: what the card, the gateway, the cache, the
patient and the receptionist did."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from clinic_desk.checkin.path_events import PathEvent
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.certificate import CertificateStatus
from clinic_desk.domain.coverage import EligibilityRecord, ValidityState
from clinic_desk.domain.flag_reference import FlagReference
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.identity.aliases import NameAlias


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the card ---------------------------------------------------------------
class CardInserted(_Event):
    reader: str


class CardRemoved(_Event):
    pass


class CardRead(_Event):
    """Readable without a PIN: the tries left, all the PIN prompt needs.

    The certificate is read afterwards, while the patient types (``CertificateRead``);
    a port that has its fingerprint already may give it here.
    """

    text_pin_tries: int
    auth_pin_tries: int
    pin_on_pad: bool = False  # the reader takes the PIN on its own keypad (PC/SC part 10)
    certificate_sha256: str = ""


class CertificateRead(_Event):
    """The user-authentication certificate was read (in the background, during the PIN)."""

    certificate_sha256: str
    pin_on_pad: bool = False  # the reader takes the PIN on its own keypad (PC/SC part 10)


class PinRejected(_Event):
    pin: Literal["text", "auth"]
    tries_left: int


class PinBlocked(_Event):
    pin: Literal["text", "auth"]


class CardIdentityRead(_Event):
    identity: CardIdentity


class Authenticated(_Event):
    """The gateway accepted the card's proof of presence."""


# --- the gateway and the cache ---------------------------------------------
class RecordIdentity(_Event):
    """The fetched record's idea of who the patient is: compared, never shown
    before confirmation."""

    name: str
    birthdate: date
    # the record's name in kana (full-width), when the backend gives it: what a name
    # stated in kana is compared with
    kana: str | None = None

    def __repr__(self) -> str:  # keep personal data out of tracebacks and debug logs
        return "RecordIdentity(…)"

    __str__ = __repr__


class RecordFetched(_Event):
    """Eligibility answered: the linked Patient's identity and its coverages."""

    patient_ref: str
    identity: RecordIdentity | None
    eligibility: EligibilityRecord
    linked_record_ref: str = ""
    # insurer number, symbol, number, branch of the linked record: kept only to be
    # sealed for the manager when the record is withheld, never shown or logged
    insurer_reference: SecretStr = SecretStr("")
    # what the card's certificate allows (expires soon, eligibility only), when known
    certificate: CertificateStatus | None = None
    # the day of the answer, as the gateway dates it: what the desk judges dates against
    checked_on: date | None = None
    # the card holder's approved aliases (from the desk's cache): one that covers this
    # card, this record and these two spellings spares the staff decision
    aliases: tuple[NameAlias, ...] = ()

    @property
    def validity(self) -> ValidityState:
        """The national check's answer (1 = valid), derived from the coverages."""
        return self.eligibility.state


class GatewayUnavailable(_Event):
    reason: str


class GatewayRejected(_Event):
    code: str  # e.g. "revoked_certificate", "bad_signature"
    message: str
    # a refused certificate (revoked, expired): its state and expiry, for the patient's words
    certificate: CertificateStatus | None = None


class FlagRaised(_Event):
    """The withheld record's flag is in the cache: the reference the patient can quote
    (``clinic_desk.domain.flag_reference``; nothing of the patient in it)."""

    reference: FlagReference


class CacheHit(_Event):
    identity: RecordIdentity
    confirmed_at: datetime
    eligibility: EligibilityRecord
    medications: MedicationHistory | None = None  # only when still inside its consent window
    checked_on: date | None = None  # the desk's day of the lookup


class CacheMiss(_Event):
    pass


class MedicationsFetched(_Event):
    history: MedicationHistory
    # who the answer names, when the backend's answer names the person again (the
    # 資格確認端末's 薬剤情報): it must be the confirmed record's person
    person: RecordIdentity | None = None


class MedicationsUnavailable(_Event):
    reason: str


# --- people at the desk ----------------------------------------------------
class PinEntered(_Event):
    pin: SecretStr


class LastTryConfirmed(_Event):
    """The receptionist agreed to spend the card's last PIN try."""


class NameAnswered(_Event):
    is_me: bool


class BirthdateTyped(_Event):
    birthdate: date


class StaffDecided(_Event):
    """The receptionist's decision on a notation variant."""

    accept: bool


class ConsentAnswered(_Event):
    consent: bool


class Cancelled(_Event):
    pass


class Done(_Event):
    pass


class Failed(_Event):
    """Something below failed in a way the flow cannot recover from."""

    code: str
    message: str


Event = (
    CardInserted
    | CardRemoved
    | CardRead
    | CertificateRead
    | PinRejected
    | PinBlocked
    | CardIdentityRead
    | Authenticated
    | RecordFetched
    | GatewayUnavailable
    | GatewayRejected
    | FlagRaised
    | CacheHit
    | CacheMiss
    | MedicationsFetched
    | MedicationsUnavailable
    | PinEntered
    | LastTryConfirmed
    | NameAnswered
    | BirthdateTyped
    | StaffDecided
    | ConsentAnswered
    | Cancelled
    | Done
    | Failed
    | PathEvent
)

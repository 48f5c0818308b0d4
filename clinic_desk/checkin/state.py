"""What one check-in knows between events, and the moves every stage shares."""

from __future__ import annotations

from datetime import date
from typing import Literal

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin.held import HeldRecord
from clinic_desk.checkin.outcome import EligibilityOutcome
from clinic_desk.checkin.stages import FlagReason, Stage
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.certificate import CertificateStatus

PinKind = Literal["text", "auth"]
Effects = list[fx.Effect]


class MachineState:
    """The check-in's state. Everything of a fetched record is in ``_held`` only."""

    _stage: Stage
    _text_tries: int | None
    _auth_tries: int | None
    _pin_kind: PinKind
    _pin_on_pad: bool
    _last_try_confirmed: bool
    _certificate_sha256: str
    _card: CardIdentity | None
    _held: HeldRecord | None
    _medications_note: str
    _birthdate_attempts: int
    _consent: bool | None
    _error_code: str
    _error_message: str
    _flag_reasons: tuple[FlagReason, ...]
    _flag_reference: str
    _outcome: EligibilityOutcome | None
    # the card's certificate (dates only) and the day of the answer, as events said them
    _certificate: CertificateStatus | None
    _checked_on: date | None

    def __init__(self) -> None:
        self.generation = 0
        self.history: list[Stage] = []
        self._reset()

    @property
    def stage(self) -> Stage:
        return self._stage

    def certificate_fingerprint(self) -> str:
        """The current card's certificate fingerprint (an id, not personal data)."""
        return self._certificate_sha256

    def _go(self, stage: Stage) -> Effects:
        self._stage = stage
        self.history.append(stage)
        return []

    def _fail(self, code: str, message: str) -> Effects:
        self._held = None  # an unconfirmed record never outlives the check-in
        self._error_code, self._error_message = code, message
        return [*self._go(Stage.ERROR), fx.Audit(action="error", detail=code)]

    def _pin_blocked(self, pin: PinKind) -> Effects:
        self._error_code = f"{pin}_pin_blocked"
        return [*self._go(Stage.PIN_BLOCKED), fx.Audit(action="pin_blocked", detail=pin)]

    def _needs_confirmation(self) -> bool:
        # One PIN entry is spent on both PIN objects when pin_kind is "text".
        if self._pin_kind == "auth":
            tries = [self._auth_tries]
        else:
            tries = [self._text_tries, self._auth_tries]
        return any(t == 1 for t in tries if t is not None) and not self._last_try_confirmed

    def _reset(self) -> None:
        self._stage = Stage.WAITING_FOR_CARD
        self._text_tries = None
        self._auth_tries = None
        self._pin_kind = "text"
        self._pin_on_pad = False
        self._last_try_confirmed = False
        self._certificate_sha256 = ""
        self._card = None
        self._held = None
        self._medications_note = ""
        self._birthdate_attempts = 0
        self._consent = None
        self._error_code = ""
        self._error_message = ""
        self._flag_reasons = ()
        self._flag_reference = ""
        self._outcome = None
        self._certificate = None
        self._checked_on = None

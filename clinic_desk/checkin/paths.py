"""The reception paths without a PIN, as stages of the same check-in machine.

- **Lookup by number** (資格確認書・資格情報のお知らせ): NUMBER_ENTRY → LOOKING_UP_NUMBERS;
  該当資格なし goes back to NUMBER_ENTRY (the screen keeps what was typed). No
  medication history on this path: it needs the card and the patient's consent.
- **Visual check** (目視): from PIN_ENTRY (or PIN_BLOCKED) the receptionist switches
  to visual mode with their staff id; the card's certificate names the card, no PIN
  is verified (the PIN counters are never touched), medications follow consent.
- **被保険者資格申立書**: from NUMBER_ENTRY or PAPER_FORM the receptionist records what
  the patient states; DECLARED queues it for re-check like an offline visit.

**The stated-identity entry.** When no chip was read, the patient's identity is
what staff typed (a ``StatedIdentity``). ``_state_identity`` puts it where the chip's
identity goes, so the record that arrives next (``RecordFetched``) goes through the
same gate, the same name and birthdate confirmation and the same staff decision as
a card's. A face reader's result is one more source (``checkin/face.py``): the
name the patient states in kana and their birthdate enter here, then its record
arrives as ``RecordFetched``. A stated name is compared with the record's name and,
when the backend gives it, its kana: the better of the two verdicts.
"""

from __future__ import annotations

from enum import StrEnum

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.outcome import EligibilityOutcome
from clinic_desk.checkin.record_flow import RecordFlow
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.state import Effects
from clinic_desk.domain.card import CardIdentity
from clinic_desk.identity import IdentityInputError, Verdict, verdict
from clinic_desk.identity.model import IdentityOutcome

# Where a stated identity stands in for a chip's when there is no card at all: no
# certificate, so nothing is cached or audited under it.
NO_CERTIFICATE = "0" * 64
# ISO/IEC 5218 "not known": a stated identity carries no sex
_SEX_NOT_KNOWN = "0"
# the result's note when this path never fetches medications
NOT_ON_THIS_PATH = "medications_not_on_this_path"
_BEST_FIRST = (IdentityOutcome.MATCH, IdentityOutcome.VARIANT, IdentityOutcome.MISMATCH)


class CheckInPath(StrEnum):
    CARD = "card"  # card + PIN
    VISUAL = "visual"  # card, photo compared by staff (目視)
    NUMBERS = "numbers"  # 資格確認書 numbers
    FACE = "face"  # a national face reader's result (checkin/face.py)


# A declaration may be opened where nothing could be confirmed.
_DECLARATION_FROM = frozenset({Stage.NUMBER_ENTRY, Stage.PAPER_FORM})
_VISUAL_FROM = frozenset({Stage.PIN_ENTRY, Stage.PIN_BLOCKED})


class PathFlow(RecordFlow):
    """The number lookup, the visual check and the 申立書, on top of the record flow."""

    _path: CheckInPath
    _staff_id: str
    _numbers_not_found: bool

    def _reset(self) -> None:
        super()._reset()
        self._path = CheckInPath.CARD
        self._staff_id = ""
        self._numbers_not_found = False

    def _path_view(self) -> dict[str, object]:
        """The view's fields of these paths."""
        return {
            "path": self._path.value,
            "numbers_not_found": self._stage is Stage.NUMBER_ENTRY and self._numbers_not_found,
            "staff_id": self._staff_id,
        }

    def _ignores_card_removal(self) -> bool:
        """A number lookup has no card: a card taken off a reader does not end it."""
        return self._path is CheckInPath.NUMBERS

    # -- the entry -------------------------------------------------------------
    def _judge(self, identity: ev.RecordIdentity) -> Verdict:
        """The gate; a stated name (said in kana, typed by staff) is also compared
        with the record's kana, and the better verdict counts."""
        judged = super()._judge(identity)
        card = self._card
        if self._path is CheckInPath.CARD or not identity.kana or card is None:
            return judged
        try:
            by_kana = verdict(card.name, card.birthdate, identity.kana, identity.birthdate)
        except IdentityInputError:
            return judged
        return min((judged, by_kana), key=lambda v: _BEST_FIRST.index(v.outcome))

    def _state_identity(self, stated: pe.StatedIdentity, certificate_sha256: str) -> None:
        """Who the patient says they are, where the chip's identity goes (the gate
        then judges the record against it, as against a chip's)."""
        self._card = CardIdentity(
            name=stated.name,
            birthdate=stated.birthdate,
            sex=_SEX_NOT_KNOWN,
            certificate_sha256=certificate_sha256 or NO_CERTIFICATE,
        )

    def _path_event(self, event: ev.Event) -> Effects | None:
        """The answer to an event of these paths, or None when the card path's own
        dispatch decides."""
        stage = self._stage
        if isinstance(event, pe.NumberLookupStarted):
            return self._start_numbers() if stage is Stage.WAITING_FOR_CARD else []
        if isinstance(event, pe.NumbersEntered):
            return self._numbers_entered(event) if stage is Stage.NUMBER_ENTRY else []
        if isinstance(event, pe.NumbersNotFound):
            return self._not_found() if stage is Stage.LOOKING_UP_NUMBERS else []
        if isinstance(event, pe.VisualCheckChosen):
            return self._visual_chosen(event) if stage in _VISUAL_FROM else []
        if isinstance(event, pe.DeclarationStarted):
            return self._declaration_started() if stage in _DECLARATION_FROM else []
        if isinstance(event, pe.DeclarationRecorded):
            return self._declared(event) if stage is Stage.DECLARATION else []
        if stage is Stage.LOOKING_UP_NUMBERS:
            return self._numbers_answered(event)
        return None

    # -- lookup by number -----------------------------------------------------------
    def _start_numbers(self) -> Effects:
        self._reset()
        self.generation += 1
        self._path = CheckInPath.NUMBERS
        return [*self._go(Stage.NUMBER_ENTRY), fx.Audit(action="number_lookup_started")]

    def _numbers_entered(self, event: pe.NumbersEntered) -> Effects:
        lookup = event.lookup
        self._state_identity(
            pe.StatedIdentity(name=lookup.stated_name, birthdate=lookup.birthdate), ""
        )
        self._numbers_not_found = False
        self._outcome = None
        self._error_code = ""
        self._medications_note = NOT_ON_THIS_PATH
        return [*self._go(Stage.LOOKING_UP_NUMBERS), pe.LookUpNumbers(lookup=lookup)]

    def _numbers_answered(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.RecordFetched):
            return self._record_fetched(event)
        if isinstance(event, ev.GatewayUnavailable):
            # nothing is cached by number: the 申立書 is the way on
            self._error_code = "gateway_unavailable_numbers"
            return [
                *self._go(Stage.PAPER_FORM),
                fx.Audit(action="gateway_unavailable"),
                fx.Audit(action="paper_form", detail="numbers_offline"),
            ]
        if isinstance(event, ev.GatewayRejected):
            self._error_code, self._error_message = event.code, event.message
            return [*self._go(Stage.ERROR), fx.Audit(action="gateway_rejected", detail=event.code)]
        return []

    def _not_found(self) -> Effects:
        # back to the form: what was typed stays on screen so one digit can be corrected
        self._numbers_not_found = True
        self._outcome = EligibilityOutcome.NO_RECORD
        self._card = None
        return [*self._go(Stage.NUMBER_ENTRY), fx.Audit(action="numbers_not_found")]

    # -- the visual check ---------------------------------------------------------------
    def _visual_chosen(self, event: pe.VisualCheckChosen) -> Effects:
        # the certificate may not be read yet (the PIN prompt comes first, a blocked PIN
        # stops before it): the runner reads it for the visual check and says so
        self._path = CheckInPath.VISUAL
        self._staff_id = event.staff_id
        self._error_code = ""
        self._state_identity(event.stated, self._certificate_sha256)
        return [
            *self._go(Stage.AUTHENTICATING),
            # the audit row names who compared the photo and the mode; no PIN is tried
            fx.Audit(action="visual_mode", detail=f"staff={event.staff_id}"),
            pe.AuthenticateVisually(staff_id=event.staff_id, staff_pin=event.staff_pin),
        ]

    # -- the 申立書 -------------------------------------------------------------------------
    def _declaration_started(self) -> Effects:
        self._held = None
        return [*self._go(Stage.DECLARATION), fx.Audit(action="declaration_started")]

    def _declared(self, event: pe.DeclarationRecorded) -> Effects:
        share = event.declaration.copay_ratio
        return [
            *self._go(Stage.DECLARED),
            pe.QueueDeclaration(declaration=event.declaration),
            fx.Audit(action="declaration_recorded", detail=f"copay={share}"),
        ]

    # -- where a confirmed record goes on these paths ----------------------------------------
    def _confirmed(self) -> Effects:
        if self._path is CheckInPath.NUMBERS and not self._offline():
            # no medication history without the card and consent: no consent asked
            return [
                fx.Audit(action="identity_confirmed", detail="numbers"),
                *self._go(Stage.SHOWN),
                fx.Audit(action="shown", detail="numbers"),
            ]
        return super()._confirmed()

    def _show_online(self) -> Effects:
        if self._path is CheckInPath.CARD:
            return super()._show_online()
        # the cache keeps what a chip confirmed: a stated identity is not cached
        return [*self._go(Stage.SHOWN), fx.Audit(action="shown", detail=self._path.value)]

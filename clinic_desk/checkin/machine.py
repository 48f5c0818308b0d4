"""The check-in state machine: one check-in, driven by events, doing no I/O.

The TUI, the headless replay and the tests all drive this same code. It owns
every decision; a runner carries out the effects it returns and answers with
events. The fetched record lives in one ``HeldRecord`` and reaches the view only
once the identity gate and the patient have confirmed it (see ``view()``); every
other ending drops it in the same step.

This module holds the card and PIN stages and the dispatch; ``record_flow`` the
stages that hold a record; ``state`` what the machine knows between events.
"""

from __future__ import annotations

from typing import assert_never

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.face import FacePathFlow
from clinic_desk.checkin.outcome import EligibilityOutcome, outcome_of
from clinic_desk.checkin.stages import ENDINGS, FlagReason, Stage
from clinic_desk.checkin.state import Effects
from clinic_desk.checkin.view import CheckInResult, DeskView, VariantForStaff

_SHOWING = frozenset({Stage.SHOWN, Stage.OFFLINE_SHOWN})


class CheckInMachine(FacePathFlow):
    """One desk's check-in flow. Call ``handle`` with each event."""

    def handle(self, event: ev.Event, generation: int | None = None) -> Effects:
        """Apply ``event``; return the effects to carry out.

        ``generation`` tags answers to effects: an answer for an earlier card
        (removed, cancelled) is dropped instead of leaking into this one.
        """
        if generation is not None and generation != self.generation:
            return []
        if isinstance(event, ev.CardRemoved):
            return self._card_removed()
        if isinstance(event, ev.Cancelled):
            return self._cancel()
        if isinstance(event, ev.Failed) and self._stage not in ENDINGS:
            return self._fail(event.code, event.message)
        if isinstance(event, ev.CertificateRead):
            return self._certificate_read(event)
        return self._dispatch(event)

    def view(self) -> DeskView:
        """What a screen may show now."""
        stage, card = self._stage, self._card
        return DeskView(
            stage=stage,
            text_pin_tries=self._text_tries,
            auth_pin_tries=self._auth_tries,
            pin_kind=self._pin_kind,
            pin_on_pad=self._pin_on_pad,
            needs_last_try_confirmation=stage is Stage.PIN_ENTRY and self._needs_confirmation(),
            retry_birthdate=stage is Stage.CONFIRMING_BIRTHDATE and self._birthdate_attempts > 0,
            card_name=card.name if stage is Stage.CONFIRMING_NAME and card else None,
            variant=self._variant_for_staff(),
            result=self._result(),
            error_code=self._error_code,
            error_message=self._error_message,
            flagged=bool(self._flag_reasons),
            flag_reasons=self._flag_reasons,
            outcome=self._view_outcome(),
            certificate=self._certificate if stage is not Stage.WAITING_FOR_CARD else None,
            **self._path_view(),
            flag_reference=self._flag_reference if stage is Stage.WITHHELD else "",
        )

    # -- what the view may carry -------------------------------------------
    def _variant_for_staff(self) -> VariantForStaff | None:
        held, card = self._held, self._card
        if self._stage is not Stage.STAFF_DECISION or held is None or card is None:
            return None
        return VariantForStaff(
            card_name=card.name, record_name=held.identity.name, reasons=held.verdict.reasons
        )

    def _result(self) -> CheckInResult | None:
        held = self._held
        if self._stage not in _SHOWING or held is None:
            return None
        return CheckInResult(
            eligibility=held.eligibility,
            patient_name=self._card.name if self._card is not None else "",
            medications=held.medications if self._consent else None,
            consented=bool(self._consent),
            offline_confirmed_at=held.offline_confirmed_at,
            medications_note=self._medications_note,
            checked_on=self._checked_on,
        )

    def _view_outcome(self) -> EligibilityOutcome | None:
        if self._stage in _SHOWING and self._held is not None:
            return outcome_of(self._held.eligibility.state)
        return self._outcome

    # -- stage dispatch ----------------------------------------------------
    def _dispatch(self, event: ev.Event) -> Effects:
        on_path = self._path_event(event)  # numbers, visual, 申立書, face reader (paths, face)
        if on_path is not None:
            return on_path
        stage = self._stage
        match stage:
            case Stage.WAITING_FOR_CARD:
                return self._on_waiting_for_card(event)
            case Stage.READING:
                return self._on_reading(event)
            case Stage.PIN_ENTRY:
                return self._on_pin_entry(event)
            case Stage.AUTHENTICATING:
                return self._on_authenticating(event)
            case Stage.FETCHING:
                if isinstance(event, ev.RecordFetched):
                    return self._record_fetched(event)
                return self._on_gateway_answer(event)
            case Stage.LOOKING_UP_CACHE:
                return self._cache_answered(event)
            case Stage.CONFIRMING_NAME:
                return self._name_answered(event)
            case Stage.CONFIRMING_BIRTHDATE:
                return self._birthdate_typed(event)
            case Stage.STAFF_DECISION:
                return self._staff_decided(event)
            case Stage.CONSENT:
                return self._consent_answered(event)
            case Stage.FETCHING_MEDICATIONS:
                return self._medications_answered(event)
            case Stage.NUMBER_ENTRY | Stage.LOOKING_UP_NUMBERS | Stage.DECLARATION:
                return []  # their events are answered in paths.py
            case (
                Stage.SHOWN
                | Stage.OFFLINE_SHOWN
                | Stage.WITHHELD
                | Stage.PAPER_FORM
                | Stage.PIN_BLOCKED
                | Stage.ERROR
                | Stage.CANCELLED
                | Stage.DECLARED
            ):
                return self._ended(event)
            case _:
                assert_never(stage)

    # -- the card and the PIN ------------------------------------------------
    def _on_waiting_for_card(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.CardInserted):
            self._reset()
            self.generation += 1
            return [*self._go(Stage.READING), fx.ReadCard()]
        return []

    def _on_reading(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.CardRead):
            self._text_tries, self._auth_tries = event.text_pin_tries, event.auth_pin_tries
            self._certificate_sha256 = event.certificate_sha256
            blocked = event.text_pin_tries == 0 or event.auth_pin_tries == 0
            # the prompt first; the certificate is read while the patient types (a
            # blocked card's too: the visual check names the card by it)
            later = [] if event.certificate_sha256 else [fx.ReadCertificate(for_pin=not blocked)]
            self._pin_on_pad = event.pin_on_pad
            if event.text_pin_tries == 0:
                return [*self._pin_blocked("text"), *later]
            if event.auth_pin_tries == 0:
                return [*self._pin_blocked("auth"), *later]
            return [*self._go(Stage.PIN_ENTRY), *later]
        return []

    def _certificate_read(self, event: ev.CertificateRead) -> Effects:
        if self._stage in (Stage.PIN_ENTRY, Stage.AUTHENTICATING, Stage.PIN_BLOCKED):
            self._certificate_sha256 = event.certificate_sha256
        return []

    def _on_pin_entry(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.LastTryConfirmed):
            self._last_try_confirmed = True
            return [fx.Audit(action="last_pin_try_confirmed_by_staff")]
        if isinstance(event, ev.PinEntered):
            if self._needs_confirmation():
                return []  # the view asks the receptionist first
            confirm = self._last_try_confirmed
            self._last_try_confirmed = False
            return [
                *self._go(Stage.AUTHENTICATING),
                fx.UnlockAndFetch(pin=event.pin, pin_kind=self._pin_kind, confirm_last_try=confirm),
            ]
        return []

    def _on_authenticating(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.PinRejected):
            if event.pin == "text":
                self._text_tries = event.tries_left
            else:
                self._auth_tries = event.tries_left
            if event.tries_left == 0:
                return self._pin_blocked(event.pin)
            self._pin_kind = event.pin
            return [
                *self._go(Stage.PIN_ENTRY),
                fx.Audit(action="pin_rejected", detail=event.pin),
            ]
        if isinstance(event, ev.PinBlocked):
            return self._pin_blocked(event.pin)
        if isinstance(event, ev.CardIdentityRead):
            if event.identity.certificate_sha256 != self._certificate_sha256:
                return self._fail("card_changed", "The card changed.")
            self._card = event.identity
            return []
        if isinstance(event, ev.Authenticated):
            return self._go(Stage.FETCHING)
        return self._on_gateway_answer(event)

    def _on_gateway_answer(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.GatewayUnavailable):
            if self._card is None:
                return self._fail("gateway_unavailable", event.reason)
            return [
                *self._go(Stage.LOOKING_UP_CACHE),
                fx.Audit(action="gateway_unavailable"),
                fx.LookupCache(certificate_sha256=self._certificate_sha256),
            ]
        if isinstance(event, ev.GatewayRejected):
            self._certificate = event.certificate  # the patient is told why
            if event.code == "revoked_certificate":
                return self._withhold(FlagReason.REVOKED_CERTIFICATE)
            self._error_code, self._error_message = event.code, event.message
            return [*self._go(Stage.ERROR), fx.Audit(action="gateway_rejected", detail=event.code)]
        return []

    # -- endings ---------------------------------------------------------------
    def _ended(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.FlagRaised) and self._stage is Stage.WITHHELD:
            self._flag_reference = event.reference  # for the patient to quote
            return []
        if isinstance(event, ev.Done):
            self._held = None  # the next patient's desk keeps nothing of this record
            return [*self._go(Stage.WAITING_FOR_CARD), fx.Audit(action="desk_cleared")]
        return []

    def _card_removed(self) -> Effects:
        if self._ignores_card_removal():
            return []
        was = self._stage
        self._reset()
        self.generation += 1
        if was is Stage.WAITING_FOR_CARD:
            return []
        audit = [] if was in ENDINGS else [fx.Audit(action="card_removed", detail=was.value)]
        return [*self._go(Stage.WAITING_FOR_CARD), *audit]

    def _cancel(self) -> Effects:
        if self._stage is Stage.WAITING_FOR_CARD or self._stage in ENDINGS:
            return []
        was = self._stage
        self._held = None
        self.generation += 1
        return [*self._go(Stage.CANCELLED), fx.Audit(action="cancelled", detail=was.value)]

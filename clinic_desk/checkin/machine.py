"""The check-in state machine: one check-in, driven by events, doing no I/O.

The TUI, the headless replay and the tests all drive this same code. It owns
every decision; a runner carries out the effects it returns and answers with
events. The fetched record is kept private until the identity gate and the
patient have confirmed it (see ``view()``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import SecretStr

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.stages import ENDINGS, FlagReason, Stage
from clinic_desk.checkin.view import CheckInResult, DeskView, VariantForStaff
from clinic_desk.domain.card import CardIdentity
from clinic_desk.identity import Verdict, verdict

Clock = Callable[[], datetime]

# The patient may mistype their birthdate once; a second difference is flagged.
BIRTHDATE_ATTEMPTS = 2

VALID = 1
NO_QUALIFICATION = 4
SEVERAL_QUALIFICATIONS = 5


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CheckInMachine:
    """One desk's check-in flow. Call ``handle`` with each event."""

    _stage: Stage
    _text_tries: int | None
    _auth_tries: int | None
    _pin_kind: Literal["text", "auth"]
    _card: CardIdentity | None
    _record_identity: ev.RecordIdentity | None
    _verdict: Verdict | None
    _eligibility: Any
    _medications: Any
    _offline_confirmed_at: datetime | None
    _consent: bool | None

    def __init__(self, *, clock: Clock = _utc_now) -> None:
        self._clock = clock
        self.generation = 0
        self.history: list[Stage] = []
        self._reset()

    # -- public ----------------------------------------------------------
    @property
    def stage(self) -> Stage:
        return self._stage

    def handle(self, event: ev.Event, generation: int | None = None) -> list[fx.Effect]:
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
            self._error_code, self._error_message = event.code, event.message
            return [*self._go(Stage.ERROR), fx.Audit(action="error", detail=event.code)]
        handler = getattr(self, f"_on_{self._stage.value}", None)
        if handler is None:
            return []
        result: list[fx.Effect] = handler(event)
        return result

    def view(self) -> DeskView:
        """What a screen may show now."""
        stage = self._stage
        base: dict[str, Any] = {
            "stage": stage,
            "text_pin_tries": self._text_tries,
            "auth_pin_tries": self._auth_tries,
            "pin_kind": self._pin_kind,
            "error_code": self._error_code,
            "error_message": self._error_message,
            "flagged": self._flagged,
        }
        if stage is Stage.PIN_ENTRY:
            base["needs_last_try_confirmation"] = self._needs_confirmation()
        if stage is Stage.CONFIRMING_NAME and self._card is not None:
            base["card_name"] = self._card.name
        if stage is Stage.CONFIRMING_BIRTHDATE:
            base["retry_birthdate"] = self._birthdate_attempts > 0
        if stage is Stage.STAFF_DECISION and self._card and self._record_identity:
            assert self._verdict is not None
            base["variant"] = VariantForStaff(
                card_name=self._card.name,
                record_name=self._record_identity.name,
                reasons=tuple(self._verdict.reasons),
            )
        if stage is Stage.WITHHELD:
            base["flag_reference"] = self._flag_reference
        if stage in (Stage.SHOWN, Stage.OFFLINE_SHOWN):
            base["result"] = CheckInResult(
                eligibility=self._eligibility,
                medications=self._medications if self._consent else None,
                consented=bool(self._consent),
                offline_confirmed_at=self._offline_confirmed_at,
                medications_note=self._medications_note,
            )
        return DeskView(**base)

    # -- stage handlers ----------------------------------------------------
    def _on_waiting_for_card(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.CardInserted):
            self._reset()
            self.generation += 1
            return [*self._go(Stage.READING), fx.ReadCard()]
        return []

    def _on_reading(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.CardRead):
            self._text_tries, self._auth_tries = event.text_pin_tries, event.auth_pin_tries
            self._certificate_sha256 = event.certificate_sha256
            if event.text_pin_tries == 0:
                return self._pin_blocked("text")
            if event.auth_pin_tries == 0:
                return self._pin_blocked("auth")
            return self._go(Stage.PIN_ENTRY)
        return []

    def _on_pin_entry(self, event: ev.Event) -> list[fx.Effect]:
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

    def _on_authenticating(self, event: ev.Event) -> list[fx.Effect]:
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
                return self.handle(ev.Failed(code="card_changed", message="The card changed."))
            self._card = event.identity
            return []
        if isinstance(event, ev.Authenticated):
            return self._go(Stage.FETCHING)
        return self._on_gateway_answer(event)

    def _on_fetching(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.RecordFetched):
            return self._record_fetched(event)
        return self._on_gateway_answer(event)

    def _on_looking_up_cache(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.CacheHit):
            self._offline = True
            self._record_identity = event.identity
            self._eligibility = event.eligibility
            self._medications = event.medications
            self._offline_confirmed_at = event.confirmed_at
            self._judge()
            return self._go(Stage.CONFIRMING_NAME)
        if isinstance(event, ev.CacheMiss):
            self._error_code = "gateway_unavailable_nothing_cached"
            return [*self._go(Stage.PAPER_FORM), fx.Audit(action="paper_form", detail="offline")]
        return []

    def _on_confirming_name(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.NameAnswered):
            if not event.is_me:
                return self._withhold(FlagReason.PATIENT_SAID_NOT_ME)
            return self._go(Stage.CONFIRMING_BIRTHDATE)
        return []

    def _on_confirming_birthdate(self, event: ev.Event) -> list[fx.Effect]:
        if not isinstance(event, ev.BirthdateTyped):
            return []
        assert self._card is not None and self._verdict is not None
        if event.birthdate != self._card.birthdate:
            self._birthdate_attempts += 1
            if self._birthdate_attempts >= BIRTHDATE_ATTEMPTS:
                return self._withhold(FlagReason.TYPED_BIRTHDATE_DIFFERS)
            return [fx.Audit(action="typed_birthdate_differs")]
        outcome = self._verdict.outcome
        if outcome == "match":
            return self._confirmed()
        if outcome == "variant":
            return [*self._go(Stage.STAFF_DECISION), fx.Audit(action="variant_shown_to_staff")]
        return self._withhold(self._mismatch_reason())

    def _on_staff_decision(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.StaffDecided):
            if not event.accept:
                return self._withhold(FlagReason.VARIANT_REJECTED)
            return [fx.Audit(action="variant_accepted_by_staff"), *self._confirmed()]
        return []

    def _on_consent(self, event: ev.Event) -> list[fx.Effect]:
        if not isinstance(event, ev.ConsentAnswered):
            return []
        self._consent = event.consent
        audit = fx.Audit(action="consent_given" if event.consent else "consent_refused")
        if self._offline:
            return [audit, *self._show_offline()]
        if event.consent:
            return [audit, *self._go(Stage.FETCHING_MEDICATIONS), fx.FetchMedications()]
        return [audit, *self._show_online()]

    def _on_fetching_medications(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.MedicationsFetched):
            self._medications = event.history
            return self._show_online()
        if isinstance(event, ev.MedicationsUnavailable):
            self._medications = None
            self._medications_note = "medications_unavailable"
            return self._show_online()
        return []

    def _ended(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.Done):
            return [*self._go(Stage.WAITING_FOR_CARD), fx.Audit(action="desk_cleared")]
        return []

    def _on_withheld(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.FlagRaised):
            self._flag_reference = event.reference
            return []
        return self._ended(event)

    _on_shown = _on_offline_shown = _on_paper_form = _ended
    _on_pin_blocked = _on_error = _on_cancelled = _ended

    # -- transitions ---------------------------------------------------------
    def _on_gateway_answer(self, event: ev.Event) -> list[fx.Effect]:
        if isinstance(event, ev.GatewayUnavailable):
            if self._card is None:
                return self.handle(ev.Failed(code="gateway_unavailable", message=event.reason))
            return [
                *self._go(Stage.LOOKING_UP_CACHE),
                fx.Audit(action="gateway_unavailable"),
                fx.LookupCache(certificate_sha256=self._certificate_sha256),
            ]
        if isinstance(event, ev.GatewayRejected):
            if event.code == "revoked_certificate":
                return self._withhold(FlagReason.REVOKED_CERTIFICATE)
            self._error_code, self._error_message = event.code, event.message
            return [*self._go(Stage.ERROR), fx.Audit(action="gateway_rejected", detail=event.code)]
        return []

    def _record_fetched(self, event: ev.RecordFetched) -> list[fx.Effect]:
        self._linked_record_ref = event.linked_record_ref or event.patient_ref
        self._insurer_reference = event.insurer_reference
        if event.validity == SEVERAL_QUALIFICATIONS:
            # the signature of a mislink: never pick one
            return self._withhold(FlagReason.SEVERAL_QUALIFICATIONS)
        if event.validity == NO_QUALIFICATION or event.identity is None:
            self._error_code = "no_qualification_found"
            return [*self._go(Stage.PAPER_FORM), fx.Audit(action="paper_form", detail="no_qual")]
        self._record_identity = event.identity
        self._eligibility = event.eligibility
        self._judge()
        return self._go(Stage.CONFIRMING_NAME)

    def _judge(self) -> None:
        assert self._card is not None and self._record_identity is not None
        self._verdict = verdict(
            self._card.name,
            self._card.birthdate,
            self._record_identity.name,
            self._record_identity.birthdate,
        )

    def _mismatch_reason(self) -> FlagReason:
        assert self._card is not None and self._record_identity is not None
        if self._card.birthdate != self._record_identity.birthdate:
            return FlagReason.BIRTHDATE_MISMATCH
        return FlagReason.NAME_MISMATCH

    def _confirmed(self) -> list[fx.Effect]:
        audit = fx.Audit(action="identity_confirmed", detail="offline" if self._offline else "")
        if self._offline and self._medications is None:
            return [audit, *self._show_offline()]
        return [audit, *self._go(Stage.CONSENT)]

    def _show_online(self) -> list[fx.Effect]:
        assert self._card is not None and self._verdict is not None
        return [
            *self._go(Stage.SHOWN),
            fx.StoreConfirmed(
                identity=self._card,
                gate_outcome="match" if self._verdict.outcome == "match" else "variant_accepted",
                eligibility=self._eligibility,
                medications=self._medications if self._consent else None,
            ),
            fx.Audit(action="shown"),
        ]

    def _show_offline(self) -> list[fx.Effect]:
        return [
            *self._go(Stage.OFFLINE_SHOWN),
            fx.QueueReverification(certificate_sha256=self._certificate_sha256),
            fx.Audit(action="shown_offline"),
        ]

    def _withhold(self, reason: FlagReason) -> list[fx.Effect]:
        self._flagged = True
        self._error_code = reason.value
        # forget the record at once: nothing of it may outlive the decision
        self._record_identity = None
        self._eligibility = None
        self._medications = None
        return [
            *self._go(Stage.WITHHELD),
            fx.RaiseFlag(
                reason=reason.value,
                identity=self._card,
                certificate_sha256=self._certificate_sha256,
                linked_record_ref=self._linked_record_ref,
                insurer_reference=self._insurer_reference,
            ),
            fx.Audit(action="withheld_and_flagged", detail=reason.value),
        ]

    def _pin_blocked(self, pin: Literal["text", "auth"]) -> list[fx.Effect]:
        self._error_code = f"{pin}_pin_blocked"
        return [*self._go(Stage.PIN_BLOCKED), fx.Audit(action="pin_blocked", detail=pin)]

    def _card_removed(self) -> list[fx.Effect]:
        was = self._stage
        self._reset()
        self.generation += 1
        if was is Stage.WAITING_FOR_CARD:
            return []
        audit = [] if was in ENDINGS else [fx.Audit(action="card_removed", detail=was.value)]
        return [*self._go(Stage.WAITING_FOR_CARD), *audit]

    def _cancel(self) -> list[fx.Effect]:
        if self._stage is Stage.WAITING_FOR_CARD or self._stage in ENDINGS:
            return []
        was = self._stage
        self._forget_record()
        self.generation += 1
        return [*self._go(Stage.CANCELLED), fx.Audit(action="cancelled", detail=was.value)]

    def _go(self, stage: Stage) -> list[fx.Effect]:
        self._stage = stage
        self.history.append(stage)
        return []

    def _needs_confirmation(self) -> bool:
        # One PIN entry is spent on both PIN objects when pin_kind is "text".
        if self._pin_kind == "auth":
            tries = [self._auth_tries]
        else:
            tries = [self._text_tries, self._auth_tries]
        return any(t == 1 for t in tries if t is not None) and not self._last_try_confirmed

    def _forget_record(self) -> None:
        self._record_identity = None
        self._eligibility = None
        self._medications = None
        self._verdict = None

    def _reset(self) -> None:
        self._stage = Stage.WAITING_FOR_CARD
        self._text_tries = None
        self._auth_tries = None
        self._pin_kind = "text"
        self._last_try_confirmed = False
        self._certificate_sha256 = ""
        self._card = None
        self._record_identity = None
        self._verdict = None
        self._eligibility = None
        self._medications = None
        self._medications_note = ""
        self._linked_record_ref = ""
        self._insurer_reference = SecretStr("")
        self._offline = False
        self._offline_confirmed_at = None
        self._birthdate_attempts = 0
        self._consent = None
        self._error_code = ""
        self._error_message = ""
        self._flagged = False
        self._flag_reference = ""

    def certificate_fingerprint(self) -> str:
        """The current card's certificate fingerprint (an id, not personal data)."""
        return self._certificate_sha256

"""From a fetched (or cached) record to SHOWN, OFFLINE_SHOWN or WITHHELD.

The identity gate judges the record as soon as it arrives; the patient then
confirms their name and birthdate, staff decide on a notation variant, and only
then is the record shown. Any other way out drops it in the same step.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.claims import claims_follow_up
from clinic_desk.checkin.held import HeldRecord
from clinic_desk.checkin.learned import alias_proposal, covering_alias
from clinic_desk.checkin.outcome import EligibilityOutcome
from clinic_desk.checkin.stages import FlagReason, Stage
from clinic_desk.checkin.state import Effects, MachineState
from clinic_desk.domain.coverage import EligibilityRecord, ValidityState
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.identity import IdentityInputError, ReasonCode, Verdict, verdict
from clinic_desk.identity.aliases import NameAlias

# The patient may mistype their birthdate once; a second difference is flagged.
BIRTHDATE_ATTEMPTS = 2


class RecordFlow(MachineState):
    """The stages that hold a record: the gate, the patient, staff, consent."""

    # -- a record arrives ------------------------------------------------------
    def _record_fetched(self, event: ev.RecordFetched) -> Effects:
        self._certificate, self._checked_on = event.certificate, event.checked_on
        return self._take(
            event.identity,
            event.eligibility,
            linked_record_ref=event.linked_record_ref or event.patient_ref,
            insurer_reference=event.insurer_reference,
            aliases=event.aliases,
        )

    def _cache_answered(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.CacheHit):
            self._checked_on = event.checked_on
            return self._take(
                event.identity,
                event.eligibility,
                medications=event.medications,
                offline_confirmed_at=event.confirmed_at,
            )
        if isinstance(event, ev.CacheMiss):
            self._error_code = "gateway_unavailable_nothing_cached"
            return [*self._go(Stage.PAPER_FORM), fx.Audit(action="paper_form", detail="offline")]
        return []

    def _take(
        self,
        identity: ev.RecordIdentity | None,
        eligibility: EligibilityRecord,
        *,
        linked_record_ref: str = "",
        insurer_reference: SecretStr | None = None,
        medications: MedicationHistory | None = None,
        offline_confirmed_at: datetime | None = None,
        aliases: tuple[NameAlias, ...] = (),
    ) -> Effects:
        """Route a record by its validity state; hold it for the gate and the patient."""
        insurer_reference = insurer_reference or SecretStr("")
        state = eligibility.state
        if state is ValidityState.SEVERAL_MATCH:
            # the signature of a mislink: never pick one (and say if it is not even theirs)
            self._outcome = EligibilityOutcome.SEVERAL_MATCH
            return self._withhold(
                FlagReason.SEVERAL_QUALIFICATIONS,
                *self._mismatch(identity),
                linked_record_ref=linked_record_ref,
                insurer_reference=insurer_reference,
            )
        if state is ValidityState.NOT_FOUND or identity is None:
            self._outcome = EligibilityOutcome.NO_RECORD
            self._error_code = "no_qualification_found"
            return [*self._go(Stage.PAPER_FORM), fx.Audit(action="paper_form", detail="no_qual")]
        if self._card is None:
            return self._fail("card_not_read", "The card's identity was not read.")
        self._held = HeldRecord(
            identity=identity,
            eligibility=eligibility,
            verdict=self._judge(identity),
            medications=medications,
            offline_confirmed_at=offline_confirmed_at,
            linked_record_ref=linked_record_ref,
            insurer_reference=insurer_reference,
        )
        self._held.alias_id = covering_alias(
            self._card, identity, self._held.verdict, linked_record_ref, aliases
        )
        return self._go(Stage.CONFIRMING_NAME)

    # -- the patient and staff decide -----------------------------------------
    def _name_answered(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.NameAnswered):
            if not event.is_me:
                return self._withhold(*self._record_reasons(), FlagReason.PATIENT_SAID_NOT_ME)
            return self._go(Stage.CONFIRMING_BIRTHDATE)
        return []

    def _birthdate_typed(self, event: ev.Event) -> Effects:
        if not isinstance(event, ev.BirthdateTyped):
            return []
        held, card = self._held, self._card
        assert held is not None and card is not None  # held only with the card's identity
        if event.birthdate != card.birthdate:
            self._birthdate_attempts += 1
            if self._birthdate_attempts >= BIRTHDATE_ATTEMPTS:
                # a mislink underneath stays the first reason: never closed as a typo
                return self._withhold(*self._record_reasons(), FlagReason.TYPED_BIRTHDATE_DIFFERS)
            return [fx.Audit(action="typed_birthdate_differs")]
        if held.verdict.is_match:
            return self._confirmed()
        if held.verdict.is_variant and held.alias_id is not None:
            # a manager approved these spellings for this card and record
            audit = fx.Audit(action="variant_accepted_by_alias", detail=held.alias_id)
            return [audit, *self._confirmed()]
        if held.verdict.is_variant:
            return [*self._go(Stage.STAFF_DECISION), fx.Audit(action="variant_shown_to_staff")]
        return self._withhold(*self._record_reasons())

    def _staff_decided(self, event: ev.Event) -> Effects:
        if isinstance(event, ev.StaffDecided):
            if not event.accept:
                return self._withhold(FlagReason.VARIANT_REJECTED)
            proposal = alias_proposal(self._held, self._card, self._certificate_sha256)
            return [fx.Audit(action="variant_accepted_by_staff"), *proposal, *self._confirmed()]
        return []

    def _consent_answered(self, event: ev.Event) -> Effects:
        if not isinstance(event, ev.ConsentAnswered):
            return []
        self._consent = event.consent
        audit = fx.Audit(action="consent_given" if event.consent else "consent_refused")
        if self._offline():
            return [audit, *self._show_offline()]
        if event.consent:
            return [audit, *self._go(Stage.FETCHING_MEDICATIONS), fx.FetchMedications()]
        return [audit, *self._show_online()]

    def _medications_answered(self, event: ev.Event) -> Effects:
        held = self._held
        assert held is not None  # medications are fetched for a confirmed record only
        if isinstance(event, ev.MedicationsFetched):
            if event.person is not None and not same_person(held.identity, event.person):
                # the answer is about someone else: a mislink, withheld as one
                return self._withhold(FlagReason.NAME_MISMATCH)
            held.medications = event.history
            return self._show_online()
        if isinstance(event, ev.MedicationsUnavailable):
            held.medications = None
            self._medications_note = "medications_unavailable"
            return self._show_online()
        return []

    # -- where the record goes ---------------------------------------------------
    def _confirmed(self) -> Effects:
        offline = self._offline()
        audit = fx.Audit(action="identity_confirmed", detail="offline" if offline else "")
        if offline and self._held is not None and self._held.medications is None:
            return [audit, *self._show_offline()]
        if not offline and self._eligibility_only():
            # the certificate expired less than three months ago: the gateway answers
            # eligibility only, so there is no medication history to consent to
            self._medications_note = "certificate_eligibility_only"
            return [audit, *self._show_online()]
        return [audit, *self._go(Stage.CONSENT)]

    def _show_online(self) -> Effects:
        held, card = self._held, self._card
        assert held is not None and card is not None
        return [
            *claims_follow_up(held, card, self._certificate_sha256),
            *self._go(Stage.SHOWN),
            fx.StoreConfirmed(
                identity=card,
                gate_outcome="match" if held.verdict.is_match else "variant_accepted",
                eligibility=held.eligibility,
                medications=held.medications if self._consent else None,
            ),
            fx.Audit(action="shown"),
        ]

    def _show_offline(self) -> Effects:
        held, card = self._held, self._card
        follow_up = claims_follow_up(held, card, self._certificate_sha256) if held and card else []
        return [
            *follow_up,
            *self._go(Stage.OFFLINE_SHOWN),
            fx.QueueReverification(certificate_sha256=self._certificate_sha256),
            fx.Audit(action="shown_offline"),
        ]

    def _withhold(
        self,
        *found: FlagReason,
        linked_record_ref: str | None = None,
        insurer_reference: SecretStr | None = None,
    ) -> Effects:
        """Withhold, flag with every reason found (in order), and forget the record now."""
        held, self._held = self._held, None
        if linked_record_ref is None:
            linked_record_ref = held.linked_record_ref if held is not None else ""
        if insurer_reference is None:
            insurer_reference = held.insurer_reference if held is not None else SecretStr("")
        reasons = tuple(dict.fromkeys(found))
        self._flag_reasons = reasons
        self._error_code = reasons[0].value
        flag = fx.RaiseFlag(
            reasons=reasons,
            identity=self._card,
            certificate_sha256=self._certificate_sha256,
            linked_record_ref=linked_record_ref,
            insurer_reference=insurer_reference,
        )
        return [
            *self._go(Stage.WITHHELD),
            flag,
            fx.Audit(action="withheld_and_flagged", detail=flag.reason),
        ]

    # -- helpers -------------------------------------------------------------------
    def _judge(self, identity: ev.RecordIdentity) -> Verdict:
        assert self._card is not None
        return verdict(self._card.name, self._card.birthdate, identity.name, identity.birthdate)

    def _mismatch(self, identity: ev.RecordIdentity | None) -> tuple[FlagReason, ...]:
        """The gate's reason when ``identity`` is not the card holder's (else none)."""
        if identity is None or self._card is None:
            return ()
        return _mismatch_reasons(self._judge(identity))

    def _record_reasons(self) -> tuple[FlagReason, ...]:
        """What the gate found wrong with the held record, if anything."""
        return _mismatch_reasons(self._held.verdict) if self._held is not None else ()

    def _eligibility_only(self) -> bool:
        return self._certificate is not None and not self._certificate.medications_allowed

    def _offline(self) -> bool:
        return self._held is not None and self._held.offline_confirmed_at is not None


def same_person(record: ev.RecordIdentity, named: ev.RecordIdentity) -> bool:
    """Whether an answer that names the person again (a 薬剤情報 answer) names the
    confirmed record's person: the same birthdate and the gate's match on the name,
    or on the kana when both have it."""
    pairs = [(record.name, named.name)]
    if record.kana and named.kana:
        pairs.append((record.kana, named.kana))
    for mine, theirs in pairs:
        try:
            if verdict(mine, record.birthdate, theirs, named.birthdate).is_match:
                return True
        except IdentityInputError:
            continue
    return False


def _mismatch_reasons(judged: Verdict) -> tuple[FlagReason, ...]:
    if not judged.is_mismatch:
        return ()
    if ReasonCode.BIRTHDATE_DIFFERS in judged.codes:
        return (FlagReason.BIRTHDATE_MISMATCH,)
    return (FlagReason.NAME_MISMATCH,)

"""Any sequence of events: the view holds a record only after the gate and the patient
confirmed it, and nothing of a record the machine let go survives anywhere in it.

The events are those the desk can see in any order: card in and out, card reads, PIN
answers, gateway answers of every kind (the card holder's record, a stranger's, a
notation variant, none, one to three qualifications in any validity state), cache
answers, patient and staff answers, cancels, failures, and late answers of an earlier
card (an older generation). Every record carries markers of its own; after each step
the machine's attributes are walked for the markers of every record it does not hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import BaseModel, SecretStr

from clinic_desk.checkin import CheckInMachine, FlagReason, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.face import face_key
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import EligibilityRecord, ValidityState
from clinic_desk.domain.medication import MedicationDispense, MedicationHistory
from clinic_desk.identity import verdict
from tests.checkin.records import CHECKED_AT, coverage

CARD_A = CardIdentity(
    name="山田　太郎", birthdate=date(1980, 4, 1), sex="1", certificate_sha256="a" * 64
)
CARD_B = CardIdentity(
    name="佐藤　花子", birthdate=date(1975, 7, 7), sex="2", certificate_sha256="b" * 64
)
CARDS = {"a": CARD_A, "b": CARD_B}
WRONG_DAY = date(1980, 1, 4)

# whose record the gateway answers with; markers are the parts a card never has
IDENTITIES: dict[str, tuple[ev.RecordIdentity | None, tuple[str, ...], tuple[date, ...]]] = {
    "holder_a": (ev.RecordIdentity(name="山田 太郎", birthdate=CARD_A.birthdate), (), ()),
    "holder_b": (ev.RecordIdentity(name="佐藤 花子", birthdate=CARD_B.birthdate), (), ()),
    "stranger": (
        ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14)),
        ("鈴木", "一郎"),
        (date(1962, 5, 14),),
    ),
    "other_name": (ev.RecordIdentity(name="山田　次郎", birthdate=CARD_A.birthdate), ("次郎",), ()),
    "variant": (ev.RecordIdentity(name="山●　太郎", birthdate=CARD_A.birthdate), ("山●",), ()),
    "none": (None, (), ()),
}

HOLDING = frozenset(
    {
        Stage.CONFIRMING_NAME,
        Stage.CONFIRMING_BIRTHDATE,
        Stage.STAFF_DECISION,
        Stage.CONSENT,
        Stage.FETCHING_MEDICATIONS,
    }
)
SHOWING = frozenset({Stage.SHOWN, Stage.OFFLINE_SHOWN})


@dataclasses.dataclass
class Fed:
    """A record handed to the machine, and the markers that would betray it."""

    identity: ev.RecordIdentity | None
    eligibility: EligibilityRecord
    markers: set[str]
    days: set[date]
    medications: MedicationHistory | None = None


def leaves(root: object) -> Iterator[object]:
    """Every scalar reachable from ``root`` (secrets opened), each object once."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Enum):
            yield obj.value
        elif isinstance(obj, str | bytes | int | float | date | type(None)):
            yield obj
        elif isinstance(obj, SecretStr):
            yield obj.get_secret_value()
        elif isinstance(obj, BaseModel):
            stack.extend(obj.__dict__.values())
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
        else:
            raise AssertionError(f"cannot look inside {type(obj).__name__}")


def betrayed(root: object, markers: set[str], days: set[date]) -> list[object]:
    found: list[object] = []
    for leaf in leaves(root):
        in_text = isinstance(leaf, str) and any(m in leaf for m in markers)
        a_day = isinstance(leaf, date) and not isinstance(leaf, datetime) and leaf in days
        if in_text or a_day:
            found.append(leaf)
    return found


stale = st.sampled_from([False, False, False, True])

VALIDITIES = st.lists(st.sampled_from(list(ValidityState)), max_size=3)
PIN_KIND = st.sampled_from(["text", "auth"])
V = ValidityState
LIKELY_VALIDITIES = (
    st.sampled_from(
        [
            [V.VALID],
            [V.VALID],
            [V.VALID],
            [V.INVALID],
            [V.INVALID_NEWER_EXISTS],
            [V.INVALID, V.VALID],
        ]
    )
    | VALIDITIES
)
# where the certificate read in the background may arrive
PIN_STAGES = (Stage.PIN_ENTRY, Stage.AUTHENTICATING, Stage.PIN_BLOCKED)
# every kind of event, with what its arguments may be
EVENTS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "card_in": {"late": stale},
    "card_out": {"late": stale},
    "card_read": {
        "card": st.sampled_from(["a", "b"]),
        "text": st.integers(0, 3),
        "auth": st.integers(0, 3),
        "late": stale,
        "later": st.booleans(),
    },
    "certificate_read": {"card": st.sampled_from(["a", "b"]), "late": stale},
    "pin_typed": {"late": stale},
    "last_try_allowed": {},
    "pin_rejected": {"pin": PIN_KIND, "tries": st.integers(0, 2), "late": stale},
    "pin_blocked": {"pin": PIN_KIND, "late": stale},
    "identity_read": {"card": st.sampled_from(["a", "b"]), "late": stale},
    "authenticated": {"late": stale},
    "record_fetched": {
        "whose": st.sampled_from(sorted(IDENTITIES)),
        "validities": VALIDITIES,
        "late": stale,
    },
    "cache_hit": {
        "whose": st.sampled_from(sorted(set(IDENTITIES) - {"none"})),
        "validities": VALIDITIES,
        "medications": st.integers(-1, 2),
        "late": stale,
    },
    "cache_miss": {},
    "gateway_down": {"late": stale},
    "gateway_refused": {
        "code": st.sampled_from(["revoked_certificate", "bad_signature", "certificate_unlinked"])
    },
    "medications_fetched": {"count": st.integers(0, 2), "late": stale},
    "medications_unavailable": {"late": stale},
    "name_answered": {"is_me": st.booleans()},
    "birthdate_typed": {"right": st.booleans()},
    "staff_decided": {"accept": st.booleans()},
    "consent_answered": {"consent": st.booleans()},
    "cancelled": {},
    "done": {},
    "failed": {"late": stale},
    # a face reader's result (a desk on a 資格確認端末): the stated identity, then the
    # consent the result carries; its record follows as record_fetched
    "face_chosen": {"card": st.sampled_from(["a", "b"])},
    "face_taken": {"consented": st.booleans(), "late": stale},
}


class CheckInEvents(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.machine = CheckInMachine()
        self.serial = 0
        self.fed_markers: set[str] = set()
        self.fed_days: set[date] = set()
        # the test's own account of the check-in
        self.cert = ""
        self.card: CardIdentity | None = None
        self.held: Fed | None = None
        self.name_confirmed = False
        self.birthdate_confirmed = False
        self.staff_accepted = False
        self.consented: bool | None = None
        self.face = False  # this check-in started from a face reader's result
        self.face_consent = False
        self.last_effects: list[fx.Effect] = []

    # -- building what is fed ------------------------------------------------------
    def _record(self, whose: str, validities: list[ValidityState]) -> Fed:
        self.serial += 1
        n = self.serial
        tag = f"qz{n}x"  # never part of a hash, a stage or a code
        identity, names, days = IDENTITIES[whose]
        coverages = tuple(
            coverage(
                v,
                ident=f"c{n}-{i}",
                insurer_name=f"保険者{tag}",
                symbol=f"{tag}sym",
                number=f"{tag}num{i}",
            )
            for i, v in enumerate(validities)
        )
        record = EligibilityRecord.from_coverages(f"pid-{tag}", coverages, CHECKED_AT)
        markers = {tag, *names}
        self.fed_markers |= markers
        self.fed_days |= set(days)
        return Fed(identity, record, markers, set(days))

    def _medications(self, count: int) -> tuple[MedicationHistory, set[str]]:
        self.serial += 1
        tag = f"qz{self.serial}x"
        dispenses = tuple(
            MedicationDispense(
                id=f"d{self.serial}-{i}", dispensed_on=date(2026, 11, 1 + i), drug_name=f"薬{tag}"
            )
            for i in range(count)
        )
        history = MedicationHistory(
            patient_id=f"pid-{tag}", dispenses=dispenses, fetched_at=CHECKED_AT
        )
        self.fed_markers.add(tag)
        return history, {tag}

    # -- sending --------------------------------------------------------------------
    def send(self, event: ev.Event, late: bool = False) -> bool:
        """Hand ``event`` over (as a late answer of the previous card when ``late``)."""
        m = self.machine
        generation = m.generation - 1 if late else None
        before, shown = m.stage, m.view()
        self.last_effects = m.handle(event, generation)
        accepted = not late
        after = m.stage
        if accepted:
            self._follow(event, before)
        else:  # an answer for an earlier card changes nothing at all
            assert self.last_effects == [] and m.view() == shown
        if after not in HOLDING | SHOWING:
            self.held = None
        return accepted

    def _follow(self, event: ev.Event, before: Stage) -> None:
        new_card = isinstance(event, ev.CardInserted) and before is Stage.WAITING_FOR_CARD
        if isinstance(event, pe.FaceCheckInChosen) and before is Stage.WAITING_FOR_CARD:
            self.face, self.face_consent = True, False
            self.cert = face_key(event.result_id)
            self.card = CardIdentity(
                name=event.stated.name,
                birthdate=event.stated.birthdate,
                sex="0",
                certificate_sha256=self.cert,
            )
        elif isinstance(event, pe.FaceResultTaken) and before is Stage.FETCHING and self.face:
            self.face_consent = event.medications_consented
        elif isinstance(event, ev.CardRemoved) and self.face:
            pass  # no card at the desk on this path: a card taken off a reader changes nothing
        elif new_card or isinstance(event, ev.CardRemoved):
            self.face = False
            self.cert, self.card = "", None
        elif self._tells_certificate(event, before):
            assert isinstance(event, ev.CardRead | ev.CertificateRead)
            self.cert = event.certificate_sha256
        elif isinstance(event, ev.CardIdentityRead) and before is Stage.AUTHENTICATING:
            if event.identity.certificate_sha256 == self.cert:
                self.card = event.identity
        elif isinstance(event, ev.NameAnswered) and before is Stage.CONFIRMING_NAME:
            self.name_confirmed = event.is_me
        elif (
            isinstance(event, ev.BirthdateTyped)
            and before is Stage.CONFIRMING_BIRTHDATE
            and self.card is not None
            and event.birthdate == self.card.birthdate
        ):
            self.birthdate_confirmed = True
        elif isinstance(event, ev.StaffDecided) and before is Stage.STAFF_DECISION:
            self.staff_accepted = event.accept
        elif isinstance(event, ev.ConsentAnswered) and before is Stage.CONSENT:
            self.consented = event.consent

    @staticmethod
    def _tells_certificate(event: ev.Event, before: Stage) -> bool:
        """The tries read, or the certificate read in the background during the PIN."""
        if isinstance(event, ev.CardRead):
            return before is Stage.READING
        return isinstance(event, ev.CertificateRead) and before in PIN_STAGES

    def _took_record(self, fed: Fed, before: Stage) -> None:
        if before in (Stage.FETCHING, Stage.LOOKING_UP_CACHE) and self.machine.stage in HOLDING:
            self.held = fed
            self.name_confirmed = self.birthdate_confirmed = self.staff_accepted = False
            # on the face path the patient consented (or not) at the reader
            self.consented = self.face_consent if self.face else None

    # -- the card -------------------------------------------------------------------
    def card_in(self, late: bool) -> None:
        self.send(ev.CardInserted(reader="r"), late)

    def card_out(self, late: bool) -> None:
        self.send(ev.CardRemoved(), late)

    def card_read(self, card: str, text: int, auth: int, late: bool, later: bool = False) -> None:
        """The tries left, with the certificate's fingerprint or (``later``) without it."""
        cert = "" if later else CARDS[card].certificate_sha256
        self.send(
            ev.CardRead(text_pin_tries=text, auth_pin_tries=auth, certificate_sha256=cert), late
        )

    def certificate_read(self, card: str, late: bool) -> None:
        cert = CARDS[card].certificate_sha256
        self.send(ev.CertificateRead(certificate_sha256=cert), late)

    def pin_typed(self, late: bool) -> None:
        self.send(ev.PinEntered(pin=SecretStr("1234")), late)

    def last_try_allowed(self) -> None:
        self.send(ev.LastTryConfirmed())

    def pin_rejected(self, pin: Any, tries: int, late: bool) -> None:
        self.send(ev.PinRejected(pin=pin, tries_left=tries), late)

    def pin_blocked(self, pin: Any, late: bool) -> None:
        self.send(ev.PinBlocked(pin=pin), late)

    def identity_read(self, card: str, late: bool) -> None:
        self.send(ev.CardIdentityRead(identity=CARDS[card]), late)

    def authenticated(self, late: bool) -> None:
        self.send(ev.Authenticated(), late)

    # -- the gateway and the cache --------------------------------------------------
    def record_fetched(self, whose: str, validities: list[ValidityState], late: bool) -> None:
        fed = self._record(whose, validities)
        tag = next(iter(m for m in fed.markers if m.startswith("qz")))
        before = self.machine.stage
        event = ev.RecordFetched(
            patient_ref=f"Patient/pid-{tag}",
            identity=fed.identity,
            eligibility=fed.eligibility,
            linked_record_ref=f"Patient/link-{tag}",
            insurer_reference=SecretStr(f"06139999 {tag}sym {tag}num"),
        )
        if self.send(event, late):
            self._took_record(fed, before)
            self._check_flag_keeps_the_mismatch(fed)

    def cache_hit(
        self, whose: str, validities: list[ValidityState], medications: int, late: bool
    ) -> None:
        fed = self._record(whose, validities)
        assert fed.identity is not None
        history = None
        if medications >= 0:
            history, markers = self._medications(medications)
            fed.markers |= markers
            fed.medications = history
        before = self.machine.stage
        event = ev.CacheHit(
            identity=fed.identity,
            confirmed_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            eligibility=fed.eligibility,
            medications=history,
        )
        if self.send(event, late):
            self._took_record(fed, before)

    def cache_miss(self) -> None:
        self.send(ev.CacheMiss())

    def gateway_down(self, late: bool) -> None:
        self.send(ev.GatewayUnavailable(reason="timeout"), late)

    def gateway_refused(self, code: str) -> None:
        self.send(ev.GatewayRejected(code=code, message="refused"))

    def medications_fetched(self, count: int, late: bool) -> None:
        history, markers = self._medications(count)
        before = self.machine.stage
        taken = self.send(ev.MedicationsFetched(history=history), late)
        if taken and before is Stage.FETCHING_MEDICATIONS and self.held is not None:
            self.held.markers |= markers
            self.held.medications = history

    def medications_unavailable(self, late: bool) -> None:
        self.send(ev.MedicationsUnavailable(reason="down"), late)

    # -- people at the desk ---------------------------------------------------------
    def name_answered(self, is_me: bool) -> None:
        before, held = self.machine.stage, self.held
        self.send(ev.NameAnswered(is_me=is_me))
        if held is not None and before is Stage.CONFIRMING_NAME:
            self._check_flag_keeps_the_mismatch(held)

    def birthdate_typed(self, right: bool) -> None:
        day = self.card.birthdate if right and self.card is not None else WRONG_DAY
        before = self.machine.stage
        held = self.held
        self.send(ev.BirthdateTyped(birthdate=day))
        if held is not None and before is Stage.CONFIRMING_BIRTHDATE:
            self._check_flag_keeps_the_mismatch(held)

    def staff_decided(self, accept: bool) -> None:
        self.send(ev.StaffDecided(accept=accept))

    def consent_answered(self, consent: bool) -> None:
        self.send(ev.ConsentAnswered(consent=consent))

    def cancelled(self) -> None:
        self.send(ev.Cancelled())

    def done(self) -> None:
        self.send(ev.Done())

    def failed(self, late: bool) -> None:
        self.send(ev.Failed(code="card_io", message="The card stopped answering."), late)

    def face_chosen(self, card: str) -> None:
        self.serial += 1
        holder = CARDS[card]
        stated = pe.StatedIdentity(name=holder.name, birthdate=holder.birthdate)
        self.send(pe.FaceCheckInChosen(result_id=f"face{self.serial}", stated=stated))

    def face_taken(self, consented: bool, late: bool) -> None:
        self.send(pe.FaceResultTaken(medications_consented=consented), late)

    # -- the rules: any event at all, or what the current stage waits for ------------
    @rule(data=st.data())
    def any_event(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(sorted(EVENTS)))
        arguments = data.draw(st.fixed_dictionaries(EVENTS[kind]))
        getattr(self, kind)(**arguments)

    @rule(data=st.data(), count=st.integers(1, 12))
    def expected_events(self, data: st.DataObject, count: int) -> None:
        """A run of what each stage waits for, so that sequences reach the deep stages."""
        for _ in range(count):
            self.expected_answer(data)
            self.check()

    def expected_answer(self, data: st.DataObject) -> None:
        stage = self.machine.stage
        if stage in HOLDING and data.draw(st.integers(0, 9)) == 0:
            # leave while a record is held: every way out must drop it
            kind = data.draw(st.sampled_from(["failed", "cancelled", "card_out", "gateway_down"]))
            getattr(self, kind)(**({} if kind == "cancelled" else {"late": False}))
        elif stage is Stage.WAITING_FOR_CARD and data.draw(st.integers(0, 3)) == 0:
            self.face_chosen(data.draw(st.sampled_from(["a", "b"])))
            self.check()
            self.face_taken(data.draw(st.booleans()), False)
        elif stage is Stage.WAITING_FOR_CARD:
            self.card_in(False)
        elif stage is Stage.READING:
            card = data.draw(st.sampled_from(["a", "b"]))
            later = data.draw(st.booleans())  # the PIN prompt first, the certificate after
            self.card_read(card, 3, 3, False, later)
            if later:
                self.check()
                self.certificate_read(card, False)
        elif stage is Stage.PIN_ENTRY:
            self.pin_typed(False)
        elif stage is Stage.AUTHENTICATING:
            card = "a" if self.cert == CARD_A.certificate_sha256 else "b"
            self.identity_read(card, False)
            self.authenticated(False)
        elif stage is Stage.FETCHING and data.draw(st.integers(0, 4)) == 0:
            self.gateway_down(False)
        elif stage is Stage.LOOKING_UP_CACHE:
            if data.draw(st.integers(0, 3)) == 0:
                self.cache_miss()
            else:
                holder = "holder_b" if self.card is CARD_B else "holder_a"
                whose = data.draw(st.sampled_from([holder, holder, "stranger", "variant"]))
                meds = data.draw(st.integers(-1, 2))
                self.cache_hit(whose, data.draw(LIKELY_VALIDITIES), meds, False)
        elif stage is Stage.FETCHING:
            b = self.card is not None and self.card.name == CARD_B.name
            holder = "holder_b" if b else "holder_a"
            whose = data.draw(st.sampled_from([holder, holder, "stranger", *sorted(IDENTITIES)]))
            self.record_fetched(whose, data.draw(LIKELY_VALIDITIES), False)
        elif stage is Stage.CONFIRMING_NAME:
            self.name_answered(data.draw(st.sampled_from([True, True, True, False])))
        elif stage is Stage.CONFIRMING_BIRTHDATE:
            self.birthdate_typed(data.draw(st.booleans()))
        elif stage is Stage.STAFF_DECISION:
            self.staff_decided(data.draw(st.booleans()))
        elif stage is Stage.CONSENT:
            self.consent_answered(data.draw(st.booleans()))
        elif stage is Stage.FETCHING_MEDICATIONS:
            self.medications_fetched(data.draw(st.integers(0, 2)), False)

    # -- what must hold after every step -----------------------------------------
    def _check_flag_keeps_the_mismatch(self, fed: Fed) -> None:
        """A withheld record the gate found not to be the holder's says so first."""
        flags = [e for e in self.last_effects if isinstance(e, fx.RaiseFlag)]
        if not flags or fed.identity is None or self.card is None:
            return
        judged = verdict(
            self.card.name, self.card.birthdate, fed.identity.name, fed.identity.birthdate
        )
        (flag,) = flags
        if judged.is_mismatch:
            gate = {FlagReason.BIRTHDATE_MISMATCH, FlagReason.NAME_MISMATCH}
            assert gate & set(flag.reasons), flag.reasons
            assert self.machine.view().flag_reasons == flag.reasons
        assert self.machine.view().error_code == flag.reasons[0].value

    @invariant()
    def check(self) -> None:
        self.record_shown_only_when_confirmed()
        self.nothing_of_a_record_let_go_survives()
        self.the_view_shows_nothing_unconfirmed()

    def record_shown_only_when_confirmed(self) -> None:
        view = self.machine.view()
        if view.result is None:
            return
        assert view.stage in SHOWING
        held, card = self.held, self.card
        assert held is not None and held.identity is not None and card is not None
        assert view.result.eligibility == held.eligibility
        assert held.eligibility.state not in (ValidityState.NOT_FOUND, ValidityState.SEVERAL_MATCH)
        assert view.outcome is view.result.outcome
        assert self.name_confirmed and self.birthdate_confirmed
        judged = verdict(card.name, card.birthdate, held.identity.name, held.identity.birthdate)
        assert judged.is_match or (judged.is_variant and self.staff_accepted)
        if view.result.medications is not None:
            assert self.consented is True
            assert view.result.medications == held.medications

    def nothing_of_a_record_let_go_survives(self) -> None:
        m = self.machine
        allowed_markers = self.held.markers if self.held is not None else set()
        allowed_days = self.held.days if self.held is not None else set()
        gone_markers = self.fed_markers - allowed_markers
        gone_days = self.fed_days - allowed_days
        assert not betrayed(m, gone_markers, gone_days)
        if m.stage not in HOLDING | SHOWING:
            assert self.held is None
            assert not betrayed(m, self.fed_markers, self.fed_days)

    def the_view_shows_nothing_unconfirmed(self) -> None:
        view = self.machine.view()
        if view.stage in SHOWING:
            return
        markers = set(self.fed_markers)
        if view.stage is Stage.STAFF_DECISION and self.held is not None:
            markers -= {"山●"}  # both spellings go to the receptionist, by design
        assert not betrayed(view, markers, self.fed_days)


CheckInEvents.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCheckInEvents = CheckInEvents.TestCase

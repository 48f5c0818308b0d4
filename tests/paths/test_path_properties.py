"""Any sequence of events on the paths without a PIN: a record reaches the view only
when shown, and nothing of a record the machine let go survives anywhere in it."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import InsuredNumbers, NumberLookupInput
from tests.checkin.records import CHECKED_AT, coverage
from tests.checkin.test_machine_properties import betrayed

BORN = date(1990, 7, 7)
NUMBERS = InsuredNumbers(insurer_number="06139992", symbol="52", number="3456", branch="01")
STATED = {
    "holder": pe.StatedIdentity(name="小川　みどり", birthdate=BORN),
    "other": pe.StatedIdentity(name="佐藤　健", birthdate=BORN),
}
WHOSE = {
    "holder": ev.RecordIdentity(name="小川 みどり", birthdate=BORN),
    "stranger": ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14)),
    "variant": ev.RecordIdentity(name="小●　みどり", birthdate=BORN),
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

ACTIONS = st.one_of(
    st.just(("start_numbers",)),
    st.tuples(st.just("numbers"), st.sampled_from(sorted(STATED))),
    st.just(("not_found",)),
    st.tuples(st.just("record"), st.sampled_from(sorted(WHOSE))),
    st.just(("gateway_down",)),
    st.tuples(st.just("name"), st.booleans()),
    st.tuples(st.just("birthdate"), st.booleans()),
    st.tuples(st.just("staff"), st.booleans()),
    st.tuples(st.just("consent"), st.booleans()),
    st.just(("open_declaration",)),
    st.just(("declare",)),
    st.tuples(st.just("visual"), st.sampled_from(sorted(STATED))),
    st.just(("card_in",)),
    st.tuples(st.just("card_read"), st.integers(0, 3)),
    st.just(("authenticated",)),
    st.just(("cancel",)),
    st.just(("done",)),
    st.just(("card_out",)),
)


def _event(action: tuple[object, ...], serial: int) -> tuple[ev.Event, str]:
    kind = action[0]
    tag = f"qz{serial}x"
    if kind == "start_numbers":
        return pe.NumberLookupStarted(), ""
    if kind == "numbers":
        stated = STATED[str(action[1])]
        lookup = NumberLookupInput(numbers=NUMBERS, birthdate=BORN, stated_name=stated.name)
        return pe.NumbersEntered(lookup=lookup), ""
    if kind == "not_found":
        return pe.NumbersNotFound(), ""
    if kind == "record":
        record = EligibilityRecord.from_coverages(
            f"pid-{tag}", (coverage(insurer_name=f"保険者{tag}", symbol=tag),), CHECKED_AT
        )
        whose = str(action[1])
        event = ev.RecordFetched(
            patient_ref=f"Patient/{tag}",
            identity=WHOSE[whose],
            eligibility=record,
            insurer_reference=SecretStr(f"06139999 {tag}"),
        )
        return event, tag
    if kind == "gateway_down":
        return ev.GatewayUnavailable(reason="down"), ""
    if kind == "name":
        return ev.NameAnswered(is_me=bool(action[1])), ""
    if kind == "birthdate":
        return ev.BirthdateTyped(birthdate=BORN if action[1] else date(1990, 7, 8)), ""
    if kind == "staff":
        return ev.StaffDecided(accept=bool(action[1])), ""
    if kind == "consent":
        return ev.ConsentAnswered(consent=bool(action[1])), ""
    if kind == "open_declaration":
        return pe.DeclarationStarted(), ""
    if kind == "declare":
        declared = InsuranceDeclaration(numbers=NUMBERS, birthdate=BORN, stated_name="小川　みどり")
        return pe.DeclarationRecorded(declaration=declared), ""
    if kind == "visual":
        return pe.VisualCheckChosen(staff_id="r-1", stated=STATED[str(action[1])]), ""
    if kind == "card_in":
        return ev.CardInserted(reader="r"), ""
    if kind == "card_read":
        tries = int(str(action[1]))
        return ev.CardRead(text_pin_tries=tries, auth_pin_tries=3, certificate_sha256="a" * 64), ""
    if kind == "authenticated":
        return ev.Authenticated(), ""
    if kind == "cancel":
        return ev.Cancelled(), ""
    if kind == "done":
        return ev.Done(), ""
    return ev.CardRemoved(), ""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ACTIONS, max_size=30))
def test_nothing_of_a_record_outlives_it_and_only_shown_reaches_the_view(
    actions: list[tuple[object, ...]],
) -> None:
    machine = CheckInMachine()
    fed: list[str] = []
    stranger_days = {date(1962, 5, 14)}
    for serial, action in enumerate(actions):
        event, tag = _event(action, serial)
        if tag:
            fed.append(tag)
        machine.handle(event)
        view = machine.view()
        stage = machine.stage
        assert (view.result is not None) == (stage in SHOWING)
        if view.result is not None:
            # shown only after the patient confirmed, and never a stranger's record
            assert "confirming_birthdate" in [s.value for s in machine.history]
            assert not betrayed(machine, {"鈴木"}, stranger_days)
        if stage not in HOLDING | SHOWING:
            assert not betrayed(machine, {*fed, "鈴木", "小●"}, stranger_days)
        if view.path == "numbers" and view.result is not None:
            assert view.result.medications is None

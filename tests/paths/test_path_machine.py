"""The paths without a PIN in the check-in machine: number lookup, visual check, 申立書."""

from __future__ import annotations

import hashlib
from datetime import date

from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.outcome import EligibilityOutcome
from clinic_desk.checkin.paths import NOT_ON_THIS_PATH
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import NumberForm, NumberLookupInput
from tests.checkin.records import eligibility, history

TODAY = date(2026, 11, 27)
CERT = hashlib.sha256(b"certificate").hexdigest()
OGAWA = ev.RecordIdentity(name="小川　みどり", birthdate=date(1990, 7, 7))
STRANGER = ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1990, 7, 7))


def lookup(name: str = "小川 みどり") -> NumberLookupInput:
    form = NumberForm(
        insurer="06139992", symbol="ミナト12", number="3456", branch="01",
        birthdate="1990-07-07", name=name,
    )  # fmt: skip
    checked = form.check(TODAY)
    assert checked is not None, form.errors
    return checked


def fetched(identity: ev.RecordIdentity = OGAWA) -> ev.RecordFetched:
    return ev.RecordFetched(
        patient_ref="Patient/p-ogawa",
        identity=identity,
        eligibility=eligibility(),
        insurer_reference=SecretStr("06139992 ミナト12 3456 01"),
    )


def at_number_entry() -> CheckInMachine:
    m = CheckInMachine()
    effects = m.handle(pe.NumberLookupStarted())
    assert m.stage is Stage.NUMBER_ENTRY
    assert [e.action for e in effects if isinstance(e, fx.Audit)] == ["number_lookup_started"]
    return m


def looked_up(identity: ev.RecordIdentity = OGAWA, name: str = "小川 みどり") -> CheckInMachine:
    m = at_number_entry()
    (effect,) = m.handle(pe.NumbersEntered(lookup=lookup(name)))
    assert isinstance(effect, pe.LookUpNumbers)
    assert m.stage is Stage.LOOKING_UP_NUMBERS
    m.handle(fetched(identity))
    return m


def test_number_lookup_shows_only_after_the_gate_and_the_patient() -> None:
    m = looked_up()
    assert m.stage is Stage.CONFIRMING_NAME
    view = m.view()
    assert view.result is None and view.card_name == "小川　みどり"  # the stated name
    assert view.path == "numbers"
    m.handle(ev.NameAnswered(is_me=True))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 7)))
    assert m.stage is Stage.SHOWN  # no consent asked: no medications on this path
    assert not any(isinstance(e, fx.StoreConfirmed | fx.FetchMedications) for e in effects)
    result = m.view().result
    assert result is not None and result.medications is None
    assert result.medications_note == NOT_ON_THIS_PATH


def test_numbers_not_found_goes_back_to_the_form() -> None:
    m = at_number_entry()
    m.handle(pe.NumbersEntered(lookup=lookup()))
    m.handle(pe.NumbersNotFound())
    view = m.view()
    assert m.stage is Stage.NUMBER_ENTRY and view.numbers_not_found
    assert view.outcome is EligibilityOutcome.NO_RECORD
    # one digit corrected: looked up again
    (effect,) = m.handle(pe.NumbersEntered(lookup=lookup()))
    assert isinstance(effect, pe.LookUpNumbers) and not m.view().numbers_not_found


def test_a_stranger_behind_the_numbers_is_withheld_and_flagged() -> None:
    m = looked_up(STRANGER)
    assert m.stage is Stage.CONFIRMING_NAME
    m.handle(ev.NameAnswered(is_me=True))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 7)))
    assert m.stage is Stage.WITHHELD
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    assert flag.reasons == (FlagReason.NAME_MISMATCH,)
    assert flag.certificate_sha256 == ""  # no card: nothing to key it by
    assert m.view().result is None


def test_several_qualifications_behind_the_numbers_are_withheld() -> None:
    m = at_number_entry()
    m.handle(pe.NumbersEntered(lookup=lookup()))
    from clinic_desk.domain.coverage import ValidityState

    m.handle(
        ev.RecordFetched(
            patient_ref="Patient/x",
            identity=OGAWA,
            eligibility=eligibility(ValidityState.SEVERAL_MATCH),
        )
    )
    assert m.stage is Stage.WITHHELD


def test_a_card_taken_off_a_reader_does_not_end_a_number_lookup() -> None:
    m = at_number_entry()
    assert m.handle(ev.CardRemoved()) == []
    assert m.stage is Stage.NUMBER_ENTRY


def test_gateway_down_on_a_number_lookup_leads_to_the_declaration() -> None:
    m = at_number_entry()
    m.handle(pe.NumbersEntered(lookup=lookup()))
    m.handle(ev.GatewayUnavailable(reason="down"))
    assert m.stage is Stage.PAPER_FORM
    assert m.view().error_code == "gateway_unavailable_numbers"
    m.handle(pe.DeclarationStarted())
    assert m.stage is Stage.DECLARATION
    checked = lookup()
    declaration = InsuranceDeclaration(
        numbers=checked.numbers, birthdate=checked.birthdate, stated_name=checked.stated_name
    )
    effects = m.handle(pe.DeclarationRecorded(declaration=declaration))
    assert m.stage is Stage.DECLARED
    assert [type(e).__name__ for e in effects] == ["QueueDeclaration", "Audit"]
    m.handle(ev.Done())
    assert m.stage is Stage.WAITING_FOR_CARD


def test_declaration_only_where_nothing_could_be_confirmed() -> None:
    m = looked_up()
    assert m.handle(pe.DeclarationStarted()) == []
    assert m.stage is Stage.CONFIRMING_NAME


# --- the visual check ------------------------------------------------------------------
def at_pin(text_tries: int = 3) -> CheckInMachine:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=text_tries, auth_pin_tries=3, certificate_sha256=CERT))
    return m


VISUAL = pe.VisualCheckChosen(
    staff_id="r-01", stated=pe.StatedIdentity(name="小川　みどり", birthdate=date(1990, 7, 7))
)


def test_visual_check_audits_staff_and_mode_and_tries_no_pin() -> None:
    m = at_pin()
    effects = m.handle(VISUAL)
    assert m.stage is Stage.AUTHENTICATING
    audits = [e for e in effects if isinstance(e, fx.Audit)]
    assert [(a.action, a.detail) for a in audits] == [("visual_mode", "staff=r-01")]
    assert [type(e).__name__ for e in effects if not isinstance(e, fx.Audit)] == [
        "AuthenticateVisually"
    ]
    assert not any(isinstance(e, fx.UnlockAndFetch) for e in effects)
    view = m.view()
    assert view.path == "visual" and view.staff_id == "r-01"
    assert view.text_pin_tries == 3  # the counters are never touched


def test_visual_check_with_consent_fetches_medications_and_caches_nothing() -> None:
    m = at_pin()
    m.handle(VISUAL)
    m.handle(ev.Authenticated())
    m.handle(fetched())
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 7)))
    assert m.stage is Stage.CONSENT
    assert kinds(m.handle(ev.ConsentAnswered(consent=True)))[-1] == "FetchMedications"
    effects = m.handle(ev.MedicationsFetched(history=history("drug")))
    assert m.stage is Stage.SHOWN
    assert not any(isinstance(e, fx.StoreConfirmed) for e in effects)
    result = m.view().result
    assert result is not None and result.medications is not None


def test_visual_check_without_consent_shows_no_medications() -> None:
    m = at_pin()
    m.handle(VISUAL)
    m.handle(ev.Authenticated())
    m.handle(fetched())
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 7)))
    m.handle(ev.ConsentAnswered(consent=False))
    result = m.view().result
    assert m.stage is Stage.SHOWN and result is not None and result.medications is None


def test_visual_check_from_a_blocked_pin() -> None:
    m = at_pin(text_tries=0)
    assert m.stage is Stage.PIN_BLOCKED
    m.handle(VISUAL)
    assert m.stage is Stage.AUTHENTICATING


def test_visual_check_of_a_stranger_is_withheld() -> None:
    m = at_pin()
    m.handle(VISUAL)
    m.handle(ev.Authenticated())
    m.handle(fetched(ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14))))
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 7)))
    assert m.stage is Stage.WITHHELD and m.view().result is None


def kinds(effects: list[fx.Effect]) -> list[str]:
    return [type(e).__name__ for e in effects]

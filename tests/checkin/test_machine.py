from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import ValidityState
from tests.checkin.records import eligibility, history

CERT = hashlib.sha256(b"certificate").hexdigest()
CARD = CardIdentity(name="山田　太郎", birthdate=date(1980, 4, 1), sex="1", certificate_sha256=CERT)
SAME = ev.RecordIdentity(name="山田 太郎", birthdate=date(1980, 4, 1))
STRANGER = ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14))
ELIGIBILITY = eligibility()
DRUGS = history("drug")


def started(text_tries: int = 3, auth_tries: int = 3) -> CheckInMachine:
    m = CheckInMachine()
    assert m.handle(ev.CardInserted(reader="r")) == [fx.ReadCard()]
    m.handle(
        ev.CardRead(text_pin_tries=text_tries, auth_pin_tries=auth_tries, certificate_sha256=CERT)
    )
    return m


def unlocked(
    record: ev.RecordIdentity | None = SAME, validity: ValidityState = ValidityState.VALID
) -> CheckInMachine:
    m = started()
    (unlock,) = m.handle(ev.PinEntered(pin=SecretStr("1234")))
    assert isinstance(unlock, fx.UnlockAndFetch)
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.Authenticated())
    m.handle(
        ev.RecordFetched(
            patient_ref="Patient/p1",
            identity=record,
            eligibility=eligibility(validity),
            linked_record_ref="Coverage/c1",
            insurer_reference=SecretStr("06139999 52 3301 00"),
        )
    )
    return m


def kinds(effects: list[fx.Effect]) -> list[str]:
    return [type(e).__name__ for e in effects]


def test_happy_path_shows_only_after_confirmation_and_consent() -> None:
    m = unlocked()
    assert m.stage is Stage.CONFIRMING_NAME
    view = m.view()
    assert view.card_name == CARD.name and view.result is None
    assert "06139999" not in view.model_dump_json()
    m.handle(ev.NameAnswered(is_me=True))
    assert m.stage is Stage.CONFIRMING_BIRTHDATE and m.view().result is None
    m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert m.stage is Stage.CONSENT and m.view().result is None
    assert kinds(m.handle(ev.ConsentAnswered(consent=True))) == ["Audit", "FetchMedications"]
    effects = m.handle(ev.MedicationsFetched(history=DRUGS))
    assert m.stage is Stage.SHOWN
    store = next(e for e in effects if isinstance(e, fx.StoreConfirmed))
    assert store.medications == DRUGS and store.identity == CARD
    result = m.view().result
    assert result is not None and result.eligibility == ELIGIBILITY
    assert result.medications == DRUGS
    m.handle(ev.Done())
    assert m.stage is Stage.WAITING_FOR_CARD and m.view().result is None


def test_refused_consent_never_fetches_medications() -> None:
    m = unlocked()
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    effects = m.handle(ev.ConsentAnswered(consent=False))
    assert "FetchMedications" not in kinds(effects)
    assert m.stage is Stage.SHOWN
    assert m.view().result is not None and m.view().result.medications is None  # type: ignore[union-attr]


def test_mislinked_record_is_withheld_flagged_and_forgotten() -> None:
    m = unlocked(record=STRANGER)
    m.handle(ev.NameAnswered(is_me=True))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert m.stage is Stage.WITHHELD
    flag = next(e for e in effects if isinstance(e, fx.RaiseFlag))
    assert flag.reason == "birthdate_mismatch"
    assert flag.linked_record_ref == "Coverage/c1"
    # handed on only for sealing, and never in a repr that could reach a log
    assert flag.insurer_reference.get_secret_value() == "06139999 52 3301 00"
    assert not any(isinstance(e, fx.StoreConfirmed) for e in effects)
    dumped = m.view().model_dump_json() + repr(effects)
    for secret in ("鈴木", "1962", "06139999"):
        assert secret not in dumped


def test_same_birthdate_other_name_is_a_name_mismatch() -> None:
    m = unlocked(record=ev.RecordIdentity(name="山田　次郎", birthdate=date(1980, 4, 1)))
    m.handle(ev.NameAnswered(is_me=True))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert next(e for e in effects if isinstance(e, fx.RaiseFlag)).reason == "name_mismatch"


def test_variant_goes_to_staff_who_may_accept_or_reject() -> None:
    variant = ev.RecordIdentity(name="山●　太郎", birthdate=date(1980, 4, 1))
    for accept, final in ((True, Stage.CONSENT), (False, Stage.WITHHELD)):
        m = unlocked(record=variant)
        m.handle(ev.NameAnswered(is_me=True))
        m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
        assert m.stage is Stage.STAFF_DECISION
        shown = m.view().variant
        assert shown is not None and shown.record_name == "山●　太郎"
        m.handle(ev.StaffDecided(accept=accept))
        assert m.stage is final


def test_patient_says_not_me() -> None:
    m = unlocked()
    effects = m.handle(ev.NameAnswered(is_me=False))
    assert m.stage is Stage.WITHHELD
    assert next(e for e in effects if isinstance(e, fx.RaiseFlag)).reason == "patient_said_not_me"


def test_one_mistyped_birthdate_is_forgiven_two_are_flagged() -> None:
    m = unlocked()
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1980, 1, 4)))
    assert m.stage is Stage.CONFIRMING_BIRTHDATE and m.view().retry_birthdate
    m.handle(ev.BirthdateTyped(birthdate=date(1981, 4, 1)))
    assert m.stage is Stage.WITHHELD and m.view().error_code == "typed_birthdate_differs"


def test_several_qualifications_are_withheld_without_asking() -> None:
    m = unlocked(validity=ValidityState.SEVERAL_MATCH)
    assert m.stage is Stage.WITHHELD
    assert m.view().error_code == "several_qualifications"


def test_no_qualification_found_sends_to_paper() -> None:
    m = unlocked(record=None, validity=ValidityState.NOT_FOUND)
    assert m.stage is Stage.PAPER_FORM


def test_revoked_certificate_is_flagged() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.GatewayRejected(code="revoked_certificate", message="revoked"))
    assert m.stage is Stage.WITHHELD and m.view().flagged


def test_last_try_needs_the_receptionist() -> None:
    m = started(text_tries=1)
    assert m.view().needs_last_try_confirmation
    assert m.handle(ev.PinEntered(pin=SecretStr("1234"))) == []
    assert m.stage is Stage.PIN_ENTRY
    m.handle(ev.LastTryConfirmed())
    assert not m.view().needs_last_try_confirmation
    effects = m.handle(ev.PinEntered(pin=SecretStr("1234")))
    assert m.stage is Stage.AUTHENTICATING
    assert any(isinstance(e, fx.UnlockAndFetch) and e.confirm_last_try for e in effects)


def test_last_try_confirmation_is_passed_to_the_card() -> None:
    m = started(auth_tries=1)
    m.handle(ev.LastTryConfirmed())
    effects = m.handle(ev.PinEntered(pin=SecretStr("1234")))
    unlock = next(e for e in effects if isinstance(e, fx.UnlockAndFetch))
    assert unlock.confirm_last_try is True


def test_wrong_pin_returns_to_entry_then_blocks() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("0000")))
    m.handle(ev.PinRejected(pin="text", tries_left=2))
    assert m.stage is Stage.PIN_ENTRY and m.view().text_pin_tries == 2
    m.handle(ev.PinEntered(pin=SecretStr("0000")))
    m.handle(ev.PinRejected(pin="text", tries_left=0))
    assert m.stage is Stage.PIN_BLOCKED


def test_wrong_auth_pin_asks_for_the_auth_pin_only() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.PinRejected(pin="auth", tries_left=2))
    assert m.view().pin_kind == "auth"
    effects = m.handle(ev.PinEntered(pin=SecretStr("5678")))
    unlock = next(e for e in effects if isinstance(e, fx.UnlockAndFetch))
    assert unlock.pin_kind == "auth"


def test_blocked_card_goes_straight_to_pin_blocked() -> None:
    assert started(text_tries=0).stage is Stage.PIN_BLOCKED
    assert started(auth_tries=0).stage is Stage.PIN_BLOCKED


def test_pin_never_appears_in_effect_reprs() -> None:
    m = started()
    effects = m.handle(ev.PinEntered(pin=SecretStr("4321")))
    assert "4321" not in repr(effects) and "4321" not in str(effects)


def test_offline_from_cache_after_the_same_confirmation() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    effects = m.handle(ev.GatewayUnavailable(reason="refused"))
    assert fx.LookupCache(certificate_sha256=CERT) in effects
    confirmed_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    m.handle(ev.CacheHit(identity=SAME, confirmed_at=confirmed_at, eligibility=ELIGIBILITY))
    assert m.stage is Stage.CONFIRMING_NAME and m.view().result is None
    m.handle(ev.NameAnswered(is_me=True))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert m.stage is Stage.OFFLINE_SHOWN
    assert fx.QueueReverification(certificate_sha256=CERT) in effects
    result = m.view().result
    assert result is not None and result.offline_confirmed_at == confirmed_at


def test_offline_without_cache_gives_the_paper_form() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.GatewayUnavailable(reason="timeout"))
    m.handle(ev.CacheMiss())
    assert m.stage is Stage.PAPER_FORM


@pytest.mark.parametrize("at", ["pin", "confirm", "birthdate", "consent", "shown"])
def test_card_removed_at_any_point_clears_everything(at: str) -> None:
    m = unlocked()
    steps = {
        "confirm": [],
        "birthdate": [ev.NameAnswered(is_me=True)],
        "consent": [ev.NameAnswered(is_me=True), ev.BirthdateTyped(birthdate=date(1980, 4, 1))],
        "shown": [
            ev.NameAnswered(is_me=True),
            ev.BirthdateTyped(birthdate=date(1980, 4, 1)),
            ev.ConsentAnswered(consent=False),
        ],
    }
    if at == "pin":
        m = started()
    for step in steps.get(at, []):
        m.handle(step)
    m.handle(ev.CardRemoved())
    view = m.view()
    assert view.stage is Stage.WAITING_FOR_CARD
    assert view.card_name is None and view.result is None and view.variant is None


def test_answers_for_a_removed_card_are_dropped() -> None:
    m = started()
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    old = m.generation
    m.handle(ev.CardRemoved())
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3, certificate_sha256=CERT))
    assert m.handle(ev.CardIdentityRead(identity=CARD), generation=old) == []
    assert m.stage is Stage.PIN_ENTRY


def test_cancel_and_failure() -> None:
    m = unlocked()
    m.handle(ev.Cancelled())
    assert m.stage is Stage.CANCELLED and m.view().result is None
    m.handle(ev.Done())
    assert m.stage is Stage.WAITING_FOR_CARD
    m = started()
    m.handle(ev.Failed(code="card_removed", message="The card was removed."))
    assert m.stage is Stage.ERROR and m.view().error_message == "The card was removed."


def test_history_records_the_sequence_of_stages() -> None:
    m = unlocked()
    assert m.history[:5] == [
        Stage.READING,
        Stage.PIN_ENTRY,
        Stage.AUTHENTICATING,
        Stage.FETCHING,
        Stage.CONFIRMING_NAME,
    ]


def test_the_pin_prompt_comes_first_and_the_certificate_while_the_patient_types() -> None:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    effects = m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3))
    assert m.stage is Stage.PIN_ENTRY and effects == [fx.ReadCertificate()]
    assert m.certificate_fingerprint() == ""
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    assert m.handle(ev.CertificateRead(certificate_sha256=CERT)) == []
    assert m.certificate_fingerprint() == CERT
    m.handle(ev.CardIdentityRead(identity=CARD))
    assert m.stage is Stage.AUTHENTICATING  # the card the certificate came from


def test_a_blocked_pin_reads_no_certificate() -> None:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    assert kinds(m.handle(ev.CardRead(text_pin_tries=0, auth_pin_tries=3))) == ["Audit"]
    assert m.stage is Stage.PIN_BLOCKED


def test_a_certificate_of_a_removed_card_is_dropped() -> None:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3))
    old = m.generation
    m.handle(ev.CardRemoved())
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3))
    assert m.handle(ev.CertificateRead(certificate_sha256=CERT), old) == []
    assert m.certificate_fingerprint() == ""


def test_a_card_pulled_during_the_background_read_ends_in_its_error() -> None:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(ev.CardRead(text_pin_tries=3, auth_pin_tries=3))
    m.handle(ev.Failed(code="card_card_removed", message="The card was removed."))
    assert m.stage is Stage.ERROR and m.view().error_code == "card_card_removed"
    assert m.handle(ev.CertificateRead(certificate_sha256=CERT)) == []


def test_a_certificate_read_outside_the_pin_stages_changes_nothing() -> None:
    m = unlocked()
    m.handle(ev.CertificateRead(certificate_sha256="other"))
    assert m.certificate_fingerprint() == CERT

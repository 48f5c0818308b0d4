"""A withheld check-in keeps every reason it found, through the cache to the manager."""

from __future__ import annotations

from datetime import date

from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, FlagReason, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.stages import join_reasons, split_reasons
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.manager.queue import reason_words
from clinic_desk.services.store import CacheStorePort
from clinic_desk.texts import t
from tests.checkin.records import eligibility
from tests.manager.support import create_cache

CARD = CardIdentity(
    name="佐藤　健", birthdate=date(1990, 7, 7), sex="1", certificate_sha256="d" * 64
)
STRANGER = ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14))
MISLINK_TYPO = (FlagReason.BIRTHDATE_MISMATCH, FlagReason.TYPED_BIRTHDATE_DIFFERS)


def fetched(
    record: ev.RecordIdentity, state: ValidityState = ValidityState.VALID
) -> CheckInMachine:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(
        ev.CardRead(text_pin_tries=3, auth_pin_tries=3, certificate_sha256=CARD.certificate_sha256)
    )
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.Authenticated())
    m.handle(
        ev.RecordFetched(
            patient_ref="Patient/p-suzuki-ichiro",
            identity=record,
            eligibility=eligibility(state),
            insurer_reference=SecretStr("06139999 52 3301 00"),
        )
    )
    return m


def flag_of(effects: list[fx.Effect]) -> fx.RaiseFlag:
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    return flag


def test_a_mislinked_card_and_a_mistyped_birthdate_keep_both_reasons() -> None:
    m = fetched(STRANGER)
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 17)))
    effects = m.handle(ev.BirthdateTyped(birthdate=date(1990, 1, 7)))
    assert m.stage is Stage.WITHHELD
    flag = flag_of(effects)
    assert flag.reasons == MISLINK_TYPO
    assert flag.reason == "birthdate_mismatch/typed_birthdate_differs"
    view = m.view()
    assert view.flag_reasons == MISLINK_TYPO and view.flagged
    assert view.error_code == "birthdate_mismatch"  # the mislink leads, never a typo
    assert flag.linked_record_ref == "Patient/p-suzuki-ichiro"


def test_the_patient_saying_not_me_to_a_strangers_record_keeps_the_mismatch() -> None:
    m = fetched(STRANGER)
    flag = flag_of(m.handle(ev.NameAnswered(is_me=False)))
    assert flag.reasons == (FlagReason.BIRTHDATE_MISMATCH, FlagReason.PATIENT_SAID_NOT_ME)


def test_several_qualifications_on_a_strangers_record_say_both() -> None:
    m = fetched(STRANGER, ValidityState.SEVERAL_MATCH)
    assert m.stage is Stage.WITHHELD
    assert m.view().flag_reasons == (
        FlagReason.SEVERAL_QUALIFICATIONS,
        FlagReason.BIRTHDATE_MISMATCH,
    )
    assert m.view().error_code == "several_qualifications"


def test_the_holders_own_record_mistyped_twice_is_only_a_typo() -> None:
    m = fetched(ev.RecordIdentity(name="佐藤 健", birthdate=CARD.birthdate))
    m.handle(ev.NameAnswered(is_me=True))
    m.handle(ev.BirthdateTyped(birthdate=date(1990, 7, 17)))
    flag = flag_of(m.handle(ev.BirthdateTyped(birthdate=date(1990, 1, 7))))
    assert flag.reasons == (FlagReason.TYPED_BIRTHDATE_DIFFERS,)
    assert flag.reason == "typed_birthdate_differs"


def test_reasons_join_and_split() -> None:
    assert split_reasons(join_reasons(MISLINK_TYPO)) == tuple(r.value for r in MISLINK_TYPO)
    assert split_reasons("name_mismatch") == ("name_mismatch",)
    assert join_reasons((FlagReason.NAME_MISMATCH, FlagReason.NAME_MISMATCH)) == "name_mismatch"


def test_the_manager_sees_every_reason_from_the_cache() -> None:
    cache = create_cache()
    try:
        port = CacheStorePort(cache, desk_id="desk-1")
        port.raise_flag(
            join_reasons(MISLINK_TYPO), CARD, CARD.certificate_sha256, "Patient/p-x", SecretStr("")
        )
        (stored,) = cache.flags.find()
        assert stored.reason == "birthdate_mismatch/typed_birthdate_differs"
        assert reason_words(stored.reason, "ja") == "生年月日の不一致、入力された生年月日が不一致"
        assert reason_words(stored.reason, "en") == "Birthdate mismatch; Typed birthdate differs"
        assert reason_words("name_mismatch", "en") == "Name mismatch"
        assert reason_words("a_future_reason", "ja") == "a_future_reason"
    finally:
        cache.close()


def test_the_mislink_reason_says_the_same_in_both_languages() -> None:
    ja, en = t("reason.birthdate_mismatch", "ja"), t("reason.birthdate_mismatch", "en")
    assert ja == "資格情報の生年月日がカードと一致しません"
    assert en == "the record's birthdate differs from the card"
    assert t("reason.name_mismatch", "ja") == "資格情報の氏名がカードと一致しません"
    # the patient's own typing is a different reason, worded as such
    assert t("reason.typed_birthdate_differs", "ja").startswith("入力された")

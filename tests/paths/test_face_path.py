"""A face reader's result in the check-in machine: the same stated-identity entry as a
資格確認書, the same gate (the stated kana against the record's kana and name), the
patient's confirmation, and 薬剤情報 only when the patient agreed at the reader; the
person the medication answer names must be the confirmed record's."""

from __future__ import annotations

from datetime import date

from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.face import NOT_CONSENTED_AT_READER, face_key
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.domain.coverage import ValidityState
from tests.checkin.records import eligibility, history
from tests.support.leaks import leaked

BIRTH = date(1980, 4, 1)
YAMADA = ev.RecordIdentity(name="山田　太郎", birthdate=BIRTH, kana="ヤマダ　タロウ")
SUZUKI = ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14), kana="スズキ　イチロウ")
RESULT = "a1b2c3d4e5f6"


def fetched(
    identity: ev.RecordIdentity | None = YAMADA, state: ValidityState | None = None
) -> ev.RecordFetched:
    return ev.RecordFetched(
        patient_ref="Patient/oqs-1",
        identity=identity,
        eligibility=eligibility(state) if state else eligibility(),
        insurer_reference=SecretStr("06139992 ミナト12 3456 01"),
    )


def started(kana: str = "やまだ たろう", birthdate: date = BIRTH) -> CheckInMachine:
    m = CheckInMachine()
    stated = pe.StatedIdentity(name=kana, birthdate=birthdate)
    effects = m.handle(pe.FaceCheckInChosen(result_id=RESULT, stated=stated))
    assert m.stage is Stage.FETCHING and m.view().path == "face"
    assert [e.result_id for e in effects if isinstance(e, pe.TakeFaceResult)] == [RESULT]
    assert m.certificate_fingerprint() == face_key(RESULT)
    return m


def taken(
    m: CheckInMachine, identity: ev.RecordIdentity | None = YAMADA, *, consented: bool = True
) -> list[fx.Effect]:
    m.handle(pe.FaceResultTaken(medications_consented=consented))
    return m.handle(fetched(identity))


def confirmed(m: CheckInMachine, birthdate: date = BIRTH) -> list[fx.Effect]:
    assert m.stage is Stage.CONFIRMING_NAME and m._card is not None
    assert m.view().result is None and m.view().card_name == m._card.name  # as stated
    m.handle(ev.NameAnswered(is_me=True))
    return m.handle(ev.BirthdateTyped(birthdate=birthdate))


def test_stated_kana_matches_and_consented_medications_are_fetched() -> None:
    m = started()
    taken(m)
    effects = confirmed(m)
    assert m.stage is Stage.FETCHING_MEDICATIONS and m.view().result is None
    assert any(isinstance(e, fx.FetchMedications) for e in effects)
    assert [e.detail for e in effects if isinstance(e, fx.Audit)] == ["face", "face_reader"]
    effects = m.handle(ev.MedicationsFetched(history=history("ロキソニン錠60mg"), person=YAMADA))
    assert m.stage is Stage.SHOWN
    result = m.view().result
    assert result is not None and result.consented and result.medications is not None
    assert [d.drug_name for d in result.medications.dispenses] == ["ロキソニン錠60mg"]
    # a stated identity is never cached as a card's snapshot
    assert not any(isinstance(e, fx.StoreConfirmed) for e in effects)


def test_not_consented_at_the_reader_shows_without_medications() -> None:
    m = started()
    taken(m, consented=False)
    effects = confirmed(m)
    assert m.stage is Stage.SHOWN
    assert not any(isinstance(e, fx.FetchMedications) for e in effects)
    result = m.view().result
    assert result is not None and result.medications is None
    assert result.medications_note == NOT_CONSENTED_AT_READER


def test_medications_about_someone_else_withhold_the_whole_check_in() -> None:
    m = started()
    taken(m)
    confirmed(m)
    effects = m.handle(ev.MedicationsFetched(history=history("ワーファリン錠1mg"), person=SUZUKI))
    assert m.stage is Stage.WITHHELD and m.view().result is None
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    assert flag.reasons == (FlagReason.NAME_MISMATCH,)
    assert flag.certificate_sha256 == face_key(RESULT)
    assert not leaked(repr(m.view().model_dump()), ["ワーファリン", "山田", "ヤマダ"])


def test_a_result_about_someone_else_is_withheld_as_a_mislink() -> None:
    m = started()
    taken(m, SUZUKI)
    effects = confirmed(m)
    assert m.stage is Stage.WITHHELD and m.view().result is None
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    assert flag.reasons == (FlagReason.BIRTHDATE_MISMATCH,)
    assert not any(isinstance(e, fx.FetchMedications) for e in effects)


def test_a_stated_name_that_differs_is_withheld() -> None:
    m = started("すずき いちろう")
    taken(m)
    confirmed(m)
    assert m.stage is Stage.WITHHELD and m.view().flag_reasons == (FlagReason.NAME_MISMATCH,)


def test_the_name_in_kanji_also_passes() -> None:
    m = started("山田 太郎")
    taken(m)
    confirmed(m)
    assert m.stage is Stage.FETCHING_MEDICATIONS


def test_several_qualifications_are_withheld_at_once() -> None:
    m = started()
    m.handle(pe.FaceResultTaken(medications_consented=True))
    effects = m.handle(fetched(None, ValidityState.SEVERAL_MATCH))
    assert m.stage is Stage.WITHHELD
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    assert flag.reasons == (FlagReason.SEVERAL_QUALIFICATIONS,)


def test_a_result_gone_ends_plainly_and_a_card_removal_does_not_end_it() -> None:
    m = started()
    assert m.handle(ev.CardRemoved()) == []
    m.handle(ev.Failed(code="face_result_gone", message="gone"))
    assert m.stage is Stage.ERROR and m.view().error_code == "face_result_gone"


def test_a_face_check_in_opens_only_on_an_idle_desk() -> None:
    m = CheckInMachine()
    m.handle(pe.NumberLookupStarted())
    stated = pe.StatedIdentity(name="やまだ", birthdate=BIRTH)
    assert m.handle(pe.FaceCheckInChosen(result_id=RESULT, stated=stated)) == []
    assert m.stage is Stage.NUMBER_ENTRY

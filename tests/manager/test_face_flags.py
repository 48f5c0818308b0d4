"""A face-reader check-in withheld on a desk on the 資格確認端末 reaches the manager's
review as any card mislink does: in the queue, its insurer reference sealed for the
manager and unsealed in the review, its card context the face result's key."""

from __future__ import annotations

from datetime import date

from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.face import face_key
from clinic_desk.manager.review import ReferenceState, unlock_review
from clinic_desk.services.store import CacheStorePort
from offline_cache import OfflineCache
from tests.checkin.records import eligibility
from tests.manager.support import PIN, FakeClock, set_pin

REFERENCE = "06400021 52 3301 00"


def test_a_withheld_face_result_is_in_the_review(cache: OfflineCache, clock: FakeClock) -> None:
    settings = set_pin(PIN)
    port = CacheStorePort(cache, desk_id="desk-1")
    machine = CheckInMachine()
    stated = pe.StatedIdentity(name="ヤマダ タロウ", birthdate=date(1980, 4, 1))
    machine.handle(pe.FaceCheckInChosen(result_id="f00d", stated=stated))
    machine.handle(pe.FaceResultTaken(medications_consented=True))
    stranger = ev.RecordIdentity(name="鈴木　一郎", birthdate=date(1962, 5, 14), kana="スズキ")
    machine.handle(
        ev.RecordFetched(
            patient_ref="Patient/oqs-1",
            identity=stranger,
            eligibility=eligibility(),
            linked_record_ref="Patient/oqs-1",
            insurer_reference=SecretStr(REFERENCE),
        )
    )
    machine.handle(ev.NameAnswered(is_me=True))
    effects = machine.handle(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
    assert machine.stage is Stage.WITHHELD
    (flag,) = [e for e in effects if isinstance(e, fx.RaiseFlag)]
    port.raise_flag(*flag.store_arguments())
    session = unlock_review(cache, settings.manager, PIN, now=clock).session
    assert session is not None
    (line,) = session.queue()
    assert line.reason == "birthdate_mismatch"
    detail = session.detail(line.id)
    assert detail.reference_state is ReferenceState.UNSEALED
    assert detail.reference is not None
    assert detail.reference.insurer_reference == REFERENCE
    assert detail.reference.linked_record_ref == "Patient/oqs-1"
    assert detail.flag.card_identity.get("certificate_sha256") == face_key("f00d")

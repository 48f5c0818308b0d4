"""Face-reader check-ins: the simulator's ``face`` command (another process) writes a
result, the desk's watcher takes it into the encrypted cache, and nothing of it is
shown until the patient's birthdate and the name they state pass the gate."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from clinic_desk.checkin.face import FaceCheckIn, FaceStage
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.oqs import FaceResult, OqsClient
from clinic_desk.services.evidence import EvidenceArchiver
from clinic_desk.services.face_desk import FaceDesk, arrival_of
from clinic_desk.services.store import CacheStorePort
from offline_cache import OfflineCache
from tests.oqs.conftest import cli, make_settings
from tests.reverify.test_reverifier import cache_dump

YAMADA = ("山田　太郎", "ヤマダ　タロウ", date(1980, 4, 1))
SUZUKI = ("鈴木", "スズキ", "1962-05-14", "19620514")


def _arrive(root: Path, cache: OfflineCache, patient: str) -> tuple[FaceDesk, FaceCheckIn]:
    """The face reader writes a result about ``patient``; the desk takes it."""
    done = cli("oqs-terminal", "face", str(root), "--patient", patient)
    assert done.returncode == 0, done.stderr
    settings = make_settings(root, archive_dir=root.parent / "plain")
    archiver = EvidenceArchiver(cache, desk_id="desk", quarantine=settings.archive_folder())
    client = OqsClient(settings, archiver=archiver)
    desk = FaceDesk(CacheStorePort(cache, desk_id="desk"))

    async def take() -> FaceCheckIn:
        async for item in client.face_results(until=client.deadline(10)):
            assert isinstance(item, FaceResult)
            return await desk.arrived(item)
        raise AssertionError("no face result")

    return desk, asyncio.run(take())


def _nothing_shown(checkin: FaceCheckIn) -> None:
    view = checkin.view()
    assert view.result is None and view.variant is None
    shown = repr(view.model_dump())
    assert "山田" not in shown and "ヤマダ" not in shown and "1980" not in shown


def test_confirmed_by_birthdate_and_stated_kana(root: Path, cache: OfflineCache) -> None:
    desk, checkin = _arrive(root, cache, "p-yamada-taro")
    assert checkin.stage is FaceStage.CONFIRMING_BIRTHDATE and desk.waiting == deque_of(checkin)
    _nothing_shown(checkin)
    asyncio.run(desk.birthdate_typed(checkin, YAMADA[2]))
    _nothing_shown(checkin)
    view = asyncio.run(desk.name_stated(checkin, "やまだ たろう"))  # typed in hiragana
    assert view.stage is FaceStage.SHOWN and view.result is not None
    assert view.result.patient_name == YAMADA[0]
    assert desk.waiting == deque_of()
    # the file left the shared folder at once and is kept encrypted
    assert not any((root / "face").iterdir())
    assert [e[2] for e in cache.evidence.listing()] == ["face"]
    actions = [e.action for e in cache.audit.entries()]
    assert "checkin.face_result_arrived" in actions and "checkin.shown" in actions


def test_another_persons_result_is_withheld_and_flagged(root: Path, cache: OfflineCache) -> None:
    # the patient at the counter is Yamada; the face reader's result names Suzuki
    desk, checkin = _arrive(root, cache, "p-suzuki-ichiro")
    view = asyncio.run(desk.birthdate_typed(checkin, YAMADA[2]))
    assert view.stage is FaceStage.CONFIRMING_BIRTHDATE and view.retry_birthdate
    view = asyncio.run(desk.birthdate_typed(checkin, YAMADA[2]))
    assert view.stage is FaceStage.WITHHELD and view.result is None
    assert view.flag_reasons == (FlagReason.TYPED_BIRTHDATE_DIFFERS,)
    (flag,) = cache.flags.find()
    assert flag.reason == "typed_birthdate_differs"
    dump = cache_dump(cache)
    assert not any(secret in dump for secret in SUZUKI)  # only sealed or encrypted


def test_a_stated_name_that_differs_is_withheld(root: Path, cache: OfflineCache) -> None:
    desk, checkin = _arrive(root, cache, "p-yamada-taro")
    asyncio.run(desk.birthdate_typed(checkin, YAMADA[2]))
    view = asyncio.run(desk.name_stated(checkin, "スズキ　イチロウ"))
    assert view.stage is FaceStage.WITHHELD and view.result is None
    assert [f.reason for f in cache.flags.find()] == ["name_mismatch"]


def test_several_qualifications_are_withheld_at_once(root: Path) -> None:
    settings = make_settings(root)
    done = cli("oqs-terminal", "face", str(root), "--patient", "p-yamada-taro")
    assert done.returncode == 0
    client = OqsClient(settings)

    async def first() -> FaceResult:
        async for item in client.face_results(until=client.deadline(10)):
            assert isinstance(item, FaceResult)
            return item
        raise AssertionError("no face result")

    result = asyncio.run(first())
    several = result.lookup.eligibility.model_copy(update={"state": ValidityState.SEVERAL_MATCH})
    arrival = arrival_of(result).model_copy(update={"eligibility": several})
    checkin = FaceCheckIn(arrival)
    effects = checkin.start()
    assert checkin.stage is FaceStage.WITHHELD
    assert [type(e).__name__ for e in effects] == ["Audit", "RaiseFlag", "Audit"]
    _nothing_shown(checkin)


def test_a_variant_goes_to_staff_and_their_no_withholds(root: Path, cache: OfflineCache) -> None:
    desk, checkin = _arrive(root, cache, "p-yamada-taro")
    asyncio.run(desk.birthdate_typed(checkin, YAMADA[2]))
    view = asyncio.run(desk.name_stated(checkin, "山田　太郎"))  # kanji typed: matches name
    assert view.stage is FaceStage.SHOWN
    desk2, other = _arrive(root, cache, "p-yamada-taro")
    asyncio.run(desk2.birthdate_typed(other, YAMADA[2]))
    view = asyncio.run(desk2.name_stated(other, "山田　太朗"))  # a different kanji
    assert view.stage in (FaceStage.STAFF_DECISION, FaceStage.WITHHELD)
    if view.stage is FaceStage.STAFF_DECISION:
        assert view.variant is not None and view.result is None
        view = asyncio.run(desk2.staff_decided(other, False))
    assert view.stage is FaceStage.WITHHELD and view.result is None


def deque_of(*items: FaceCheckIn) -> object:
    from collections import deque

    return deque(items)

"""From the desk: a mislinked card's flag keeps the insurer reference sealed, and the
manager opens it from the desk (M) after the PIN, without the record's medications."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clinic_desk.app.app import DeskApp
from clinic_desk.app.screens.review import ReviewScreen
from clinic_desk.checkin import Stage
from clinic_desk.config import load_settings
from clinic_desk.manager.sealing import SEALED_PREFIX
from clinic_desk.services.demo import build_demo_services
from tests.desk.conftest import SIZE, Desk
from tests.manager.support import PIN, set_pin
from tests.support.leaks import leaked

STRANGER_RECORD = ("鈴木", "スズキ", "1962-05-14", "アムロジピン", "ロスバスタチン", "md-suzuki")


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    set_pin(PIN)  # the manager key exists before the desk raises the flag
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


async def review_text(desk: Desk, wanted: str) -> str:
    for _ in range(400):
        await desk.app.workers.wait_for_complete()
        await desk.pilot.pause()
        text = desk.capture()
        if wanted in text:
            return text
    raise AssertionError(f"{wanted!r} never shown:\n{desk.capture()}")


async def test_mislinked_flag_is_sealed_and_opened_from_the_desk(desk: Desk) -> None:
    await desk.tap("sato-ken")
    await desk.type_pin()
    await desk.confirm_identity("19900707")
    await desk.wait_for(Stage.WITHHELD)
    (flag,) = desk.store().cache.flags.find()
    assert flag.insurer_reference is not None and flag.insurer_reference.startswith(SEALED_PREFIX)
    dump = desk.cache_dump()
    assert not leaked(dump, ("06400021", "3301", *STRANGER_RECORD))
    # not while a patient is at the desk
    await desk.press("m")
    assert not isinstance(desk.app.screen, ReviewScreen)
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)

    await desk.press("m")
    assert isinstance(desk.app.screen, ReviewScreen)
    await review_text(desk, "Type the manager PIN.")
    await desk.press(*PIN, "enter")
    text = await review_text(desk, "1 of 1 flag ")
    assert "Birthdate mismatch" in text
    assert flag.desk_id == load_settings().desk.desk_id == "desk-1"  # as config and logs say
    await desk.press("enter")
    text = await review_text(desk, "Card holder (from the chip)")
    assert "佐藤\u3000健" in text  # the card holder, from the chip
    assert "06400021" in text  # the linked record's insurer reference, for the report
    for value in STRANGER_RECORD:
        assert value not in text
    await desk.press("escape")
    assert not isinstance(desk.app.screen, ReviewScreen)
    actions = [e.action for e in desk.store().cache.audit.entries()]
    assert actions[-4:] == ["manager.unlock", "review.open", "review.view", "review.close"]

"""The demo on a computer with no manager PIN: its flags keep the insurer reference
sealed for a manager of the demo's own, whose PIN the demo shows, and `clinic-desk
review` says where the demo's flags are instead of asking for a passphrase."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clinic_desk.app.app import DeskApp
from clinic_desk.app.screens.review import ReviewScreen
from clinic_desk.checkin import Stage
from clinic_desk.cli import main
from clinic_desk.manager.sealing import SEALED_PREFIX, key_file_path
from clinic_desk.services.demo import DEMO_MANAGER_PIN, build_demo_services
from tests.desk.conftest import SIZE, Desk

STRANGER_RECORD = ("鈴木", "スズキ", "1962-05-14", "アムロジピン")


@pytest.fixture
async def demo() -> AsyncIterator[Desk]:
    assert not key_file_path().exists()  # this computer has no manager yet
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


async def shown(desk: Desk, wanted: str) -> str:
    for _ in range(400):
        await desk.app.workers.wait_for_complete()
        await desk.pilot.pause()
        text = desk.capture()
        if wanted in text:
            return text
    raise AssertionError(f"{wanted!r} never shown:\n{desk.capture()}")


async def test_a_demo_flag_keeps_its_sealed_reference_for_the_demos_manager(demo: Desk) -> None:
    await demo.tap("sato-ken")
    await demo.type_pin()
    await demo.confirm_identity("19900707")
    await demo.wait_for(Stage.WITHHELD)
    (flag,) = demo.store().cache.flags.find()
    assert flag.insurer_reference is not None
    assert flag.insurer_reference.startswith(SEALED_PREFIX)
    assert not key_file_path().exists()  # the clinic's manager key is not made by the demo
    await demo.press("d")
    await demo.wait_for(Stage.WAITING_FOR_CARD)

    await demo.press("m")
    assert isinstance(demo.app.screen, ReviewScreen)
    notices = [n.message for n in demo.app._notifications]
    assert any(DEMO_MANAGER_PIN in message for message in notices)
    await shown(demo, "Type the manager PIN.")
    await demo.press(*DEMO_MANAGER_PIN, "enter")
    await shown(demo, "1 of 1 flag")
    assert not demo.app._notifications  # the PIN note does not cover the flag's detail
    await demo.press("enter")
    text = await shown(demo, "Card holder (from the chip)")
    assert "06400021" in text  # the sealed insurer reference, opened
    for value in STRANGER_RECORD:
        assert value not in text


def test_review_says_there_is_no_cache_before_any_passphrase(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", "correct horse battery staple")
    for command in (["review"], ["review", "list"], ["review", "export", "--csv", "x.csv"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "there is no offline cache at" in err
        assert "in the demo desk with M (F2)" in err

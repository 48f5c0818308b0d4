"""A 資格確認書 checked in on a desk whose backend is the 資格確認端末: the number
lookup goes through the simulator (another process, started and stopped by its PID)
and its record through the same identity gate; a visual check says it is not
available here, in words, before the card is touched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal import TerminalGateway
from tests.desk.conftest import SIZE, Desk
from tests.oqs.conftest import Terminal, make_settings
from tests.paths.test_path_desk import OGAWA_RECORD, _fill_numbers
from tests.support.leaks import leaked

OGAWA_NUMBERS = ("06139992", "ミナト12", "3456", "01", "1990-07-07")


async def _number_check_in(root: Path, lang: str, stated_name: str) -> tuple[Stage, list[str], str]:
    """Look up Ogawa's numbers on a terminal desk, state ``stated_name``, confirm the
    birthdate; the stage it ends in, the screens before the birthdate was typed, the
    last screen."""
    services = await build_demo_services(
        card_source="in_process", gateway=TerminalGateway(make_settings(root))
    )
    app = DeskApp(services, lang=lang)  # type: ignore[arg-type]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            await desk.press("b")
            await desk.wait_for(Stage.NUMBER_ENTRY)
            await _fill_numbers(desk, *OGAWA_NUMBERS, stated_name)
            await desk.press("enter")
            await desk.wait_for(Stage.CONFIRMING_NAME)
            await desk.press("y")
            await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
            before = list(desk.screens)
            await desk.press(*"19900707", "enter")
            stage = await desk.wait_for(Stage.SHOWN, Stage.WITHHELD)
            return stage, before, desk.screens[-1]
    finally:
        await services.stop()


async def test_a_number_lookup_through_the_terminal_is_shown_once_the_gate_agrees(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    stage, before, last = await _number_check_in(root, "en", "小川 みどり")
    assert stage is Stage.SHOWN, last
    for screen in before:  # the form, the lookup, the name: nothing of the record
        assert "みなと健康保険組合" not in screen
    shown = " ".join(last.split())
    assert "小川" in shown and "No medication history on this path" in shown


async def test_a_terminal_record_that_is_someone_elses_is_withheld_in_japanese(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    stage, before, last = await _number_check_in(root, "ja", "佐藤 健")
    assert stage is Stage.WITHHELD, last
    assert "この資格情報を確認できませんでした" in last, last
    for i, screen in enumerate([*before, last]):
        assert not leaked(screen, OGAWA_RECORD), f"on screen {i}"


async def test_a_visual_check_says_it_is_not_available_on_a_terminal_desk(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    services = await build_demo_services(
        card_source="in_process", gateway=TerminalGateway(make_settings(root))
    )
    app = DeskApp(services, lang="ja")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            await desk.tap("yamada-taro")
            await desk.wait_for(Stage.PIN_ENTRY)
            await desk.press("v")
            await _fill_numbers(desk, "reception-7", "山田 太郎", "1980-04-01")
            await desk.press("enter")
            await desk.wait_for(Stage.ERROR)
            text = "".join(desk.capture().split())
            assert "目視確認はできません" in text and "顔認証付きカードリーダー" in text
            assert not any((root / "req").iterdir())  # nothing asked of the terminal
    finally:
        await services.stop()

"""The paths without a PIN through the desk (Textual Pilot, the demo's real parts):
the number form, the visual check, the 申立書; and what each leaks (nothing)."""

from __future__ import annotations

import logging

from clinic_desk import paths
from clinic_desk.checkin import Stage
from clinic_desk.logs import LOG_FILE, configure_logging
from tests.desk.conftest import Desk
from tests.support.leaks import leaked

OGAWA_RECORD = ("小川", "オガワ", "みなと健康保険組合", "フェキソフェナジン", "md-ogawa")
SUZUKI_RECORD = (
    *("鈴木", "スズキ", "1962-05-14", "19620514", "06400021", "3301", "md-suzuki"),
    *("アムロジピン", "ロスバスタチン", "メトホルミン", "ロキソプロフェン"),
)


async def _type(desk: Desk, text: str) -> None:
    for ch in text:
        await desk.pilot.press(ch)
    await desk.pilot.pause()


async def _fill_numbers(desk: Desk, *fields: str) -> None:
    """Type each field, tab to the next (the insurer field has the focus)."""
    for i, value in enumerate(fields):
        await _type(desk, value)
        if i < len(fields) - 1:
            await desk.press("tab")


async def test_number_lookup_checks_inline_keeps_typing_and_shows_without_medications(
    desk: Desk,
) -> None:
    await desk.press("b")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    await _type(desk, "06139993")  # one digit off: the check digit says so at once
    text = desk.capture()
    assert "check digit" in text
    await desk.press("backspace")
    await _type(desk, "2")
    assert "check digit" not in desk.capture()
    await desk.press("tab")
    # 記号 in full width and a wrong 番号 (3 read as 8): 該当資格なし
    await _fill_numbers(desk, "ミナト１２", "8456", "01", "1990-07-07", "小川 みどり")
    await desk.press("enter")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    await desk.services.runner.settle()
    await desk.pilot.pause()
    text = " ".join(desk.capture().split())
    assert "No qualification found" in text and "3 and 8" in text
    forms = desk.app.screen.query_one("#path-number")
    assert getattr(forms, "value", None) == "8456"  # kept for the correction
    desk.app.screen.query_one("#path-number").focus()
    await desk.press("home", "delete")
    await _type(desk, "3")
    await desk.press("enter")
    await desk.confirm_identity("19900707")
    await desk.wait_for(Stage.SHOWN)
    text = " ".join(desk.capture().split())
    assert "No medication history on this path" in text
    assert "フェキソフェナジン" not in text


async def test_number_form_says_what_is_wrong_in_japanese(desk_ja: Desk) -> None:
    desk = desk_ja
    await desk.press("b")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    await desk.press("enter")  # nothing typed
    text = desk.capture()
    assert "保険者番号を入力してください" in text
    assert "番号を入力してください" in text
    assert "生年月日を入力してください" in text
    await _fill_numbers(desk, "1234", "", "", "1", "2099-01-01", "")
    await desk.press("enter")
    text = desk.capture()
    assert "6桁" in text and "枝番" in text and "今日より後" in text


async def test_a_stated_name_that_is_not_the_record_leaks_nothing(desk: Desk) -> None:
    handler = configure_logging("DEBUG")
    try:
        await desk.press("b")
        await desk.wait_for(Stage.NUMBER_ENTRY)
        await _fill_numbers(desk, "06139992", "ミナト12", "3456", "01", "1990-07-07", "佐藤 健")
        await desk.press("enter")
        await desk.confirm_identity("19900707")
        await desk.wait_for(Stage.WITHHELD)
        await desk.press("d")
        await desk.wait_for(Stage.WAITING_FOR_CARD)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    dump = desk.cache_dump()
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, OGAWA_RECORD), f"on screen {i}"
    assert not leaked(log_text, OGAWA_RECORD), "in the log"
    assert not leaked(dump, OGAWA_RECORD), "in the cache"
    flags = desk.store().cache.flags.find()
    assert [f.reason for f in flags] == ["name_mismatch"]


async def _visual(desk: Desk, card: str, name: str, birthdate: str) -> None:
    await desk.tap(card)
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("v")
    await _fill_numbers(desk, "reception-7", name, birthdate)
    await desk.press("enter")


async def test_visual_check_uses_no_pin_and_audits_the_staff_id(desk: Desk) -> None:
    demo = desk.services.demo
    assert demo is not None
    await _visual(desk, "yamada-taro", "山田 太郎", "1980-04-01")
    await desk.confirm_identity("19800401")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    text = " ".join(desk.capture().split())
    assert "Visual check by staff reception-7" in text
    assert demo.pin_tries("yamada-taro") == 3  # the counters were never touched
    rows = desk.store().cache.audit.entries()
    assert any(r.action == "checkin.visual_mode" and r.note == "staff=reception-7" for r in rows)


async def test_visual_check_of_a_mislinked_card_leaks_nothing(desk: Desk) -> None:
    handler = configure_logging("DEBUG")
    try:
        await _visual(desk, "sato-ken", "佐藤 健", "1990-07-07")
        await desk.confirm_identity("19900707")
        await desk.wait_for(Stage.WITHHELD)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, SUZUKI_RECORD), f"on screen {i}"
    assert not leaked(log_text, SUZUKI_RECORD), "in the log"
    assert not leaked(desk.cache_dump(), SUZUKI_RECORD), "in the cache"


async def test_visual_form_refuses_bad_input_in_both_languages(desk_ja: Desk) -> None:
    desk = desk_ja
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("v")
    await _fill_numbers(desk, "職員 1", "", "19800431")
    await desk.press("enter")
    text = desk.capture()
    assert "職員番号は半角の英数字" in text
    assert "ご本人が申告する氏名を入力してください" in text
    assert "西暦の年月日" in text
    assert desk.stage is Stage.PIN_ENTRY


async def test_a_card_without_a_pin_is_checked_visually_from_the_blocked_pin(desk: Desk) -> None:
    demo = desk.services.demo
    assert demo is not None
    await desk.tap("mori-haruka")
    await desk.wait_for(Stage.PIN_BLOCKED)
    assert "Press [V] to switch to the visual check" in " ".join(desk.capture().split())
    await desk.press("v")
    await _fill_numbers(desk, "reception-2", "森 遥", "19510630")
    await desk.press("enter")
    await desk.confirm_identity("19510630")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    assert demo.pin_tries("mori-haruka") == 0  # still as it was: nothing was reset


async def test_declaration_when_the_gateway_is_down_then_its_recheck(desk: Desk) -> None:
    demo = desk.services.demo
    assert demo is not None
    assert await demo.toggle_gateway()  # down
    await desk.press("b")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    await _fill_numbers(desk, "06139992", "ミナト12", "3456", "01", "1990-07-07", "小川 みどり")
    await desk.press("enter")
    await desk.wait_for(Stage.PAPER_FORM)
    assert "self-declaration" in " ".join(desk.capture().split())
    await desk.press("s")
    await desk.wait_for(Stage.DECLARATION)
    copay = desk.app.screen.query_one("#path-copay")
    assert getattr(copay, "value", None) == "30"  # the normal share, not the full fee
    assert getattr(desk.app.screen.query_one("#path-number"), "value", None) == "3456"
    copay.focus()
    await desk.press("backspace", "backspace", "4", "0", "enter")
    assert "Type the share as 10, 20 or 30." in " ".join(desk.capture().split())
    await desk.press("backspace", "backspace", "3", "0", "enter")
    await desk.wait_for(Stage.DECLARED)
    cache = desk.store().cache
    assert len(cache.visits.pending()) == 1
    assert not await demo.toggle_gateway()  # back up
    reverifier = desk.services.reverifier
    assert reverifier is not None
    await reverifier.run_once()
    assert cache.visits.pending() == []
    rows = [r.action for r in cache.audit.entries()]
    assert "checkin.declaration_recorded" in rows and "visit.reverified" in rows

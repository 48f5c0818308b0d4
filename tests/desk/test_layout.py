"""The desk at 80×24, 100×30 and 160×48: the status line by priority, the medication
list readable at any width, and Japanese that never breaks inside a word."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from clinic_desk.app.app import DeskApp
from clinic_desk.app.widgets.demo_panel import DemoPanel
from clinic_desk.app.widgets.medication_list import MedicationList
from clinic_desk.app.widgets.status_bar import SEPARATOR, StatusBar
from clinic_desk.checkin import Stage
from clinic_desk.domain.reverification import VisitAttention
from clinic_desk.services.demo import build_demo_services
from clinic_desk.texts import Lang
from tests.desk.conftest import Desk, screen_lines

SIZES = [(80, 24), (100, 30), (160, 48)]
# words a line must never split (they were seen as 「暗／証番号」 and 「受／付担当者」)
WORDS = ("暗証番号", "受付担当者", "市区町村", "マイナンバーカード", "カードリーダー", "資格確認")


@asynccontextmanager
async def desk_at(size: tuple[int, int], lang: Lang) -> AsyncIterator[Desk]:
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang=lang)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


def unsplit(lines: list[str], word: str) -> bool:
    """Every ``word`` on screen stands on one line (none is broken across two), in
    the main column and in the demo panel beside it."""
    for column in (0, 1):
        cells = [[*line.split("│", 1), ""][column].strip() for line in lines]
        if "".join(cells).count(word) != sum(cell.count(word) for cell in cells):
            return False
    return True


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_status_line_keeps_what_matters_whole(size: tuple[int, int], lang: Lang) -> None:
    async with desk_at(size, lang) as desk:
        visit = VisitAttention(
            visit_id="v", checked_in_at=datetime(2026, 4, 1, tzinfo=UTC), status="rejected"
        )
        desk.services.update_status(awaiting_reverify=1, attention=(visit,))
        await desk.pilot.pause()
        line = screen_lines(desk.app)[1].strip()
        bar = desk.app.screen.query_one(StatusBar)
        full_parts = bar.full_text.split(SEPARATOR)
        shown = line.split(SEPARATOR)
        assert all(part in full_parts for part in shown), (shown, full_parts)  # whole parts
        awaiting, cache = (
            ("再確認待ち 1件", "キャッシュ:") if lang == "ja" else ("1 awaiting", "Cache:")
        )
        assert awaiting in line and cache in line, line
        assert shown[0].startswith(("資格確認", "Gateway"))  # what matters first
        if size[0] >= 160:
            assert len(shown) == len(full_parts)  # room for everything


@pytest.mark.parametrize("size", SIZES)
async def test_medications_are_readable_and_scroll_without_focus(size: tuple[int, int]) -> None:
    async with desk_at(size, "en") as desk:
        await desk.tap("yamada-taro")
        await desk.type_pin()
        await desk.confirm_identity("19800401")
        await desk.wait_for(Stage.CONSENT)
        await desk.press("y")
        await desk.wait_for(Stage.SHOWN)
        lines = screen_lines(desk.app)
        text = "\n".join(lines)
        assert "Up/Down, PgUp/PgDn, Home/End scroll the list" in " ".join(text.split())
        assert "Patient: 山田　太郎" in text
        # the newest dispensing whole: date, drug, strength; then amount, days, who and where
        assert any("2026-11-10  アムロジピンOD錠5mg「トーワ」" in line for line in lines)
        assert any("丸の内薬局" in line for line in lines), text
        assert any("14錠 · 14 days" in line for line in lines), text
        medications = desk.app.screen.query_one(MedicationList)
        assert desk.app.focused is None  # no Tab needed
        await desk.press("end")
        assert medications.scroll_y == medications.max_scroll_y > 0
        assert medications.scroll_x == 0  # End goes to the last dispensing, not sideways
        oldest = "\n".join(screen_lines(desk.app))
        assert "2026-11-10" not in oldest
        await desk.press("home")
        assert medications.scroll_y == 0
        await desk.press("pagedown")
        assert medications.scroll_y > 0


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_japanese_breaks_between_words(size: tuple[int, int]) -> None:
    async with desk_at(size, "ja") as desk:
        screens = [screen_lines(desk.app)]
        await desk.tap("nakamura-akemi")  # the last-try warning: the longest sentences
        await desk.wait_for(Stage.PIN_ENTRY)
        screens.append(screen_lines(desk.app))
        await desk.press("f1")
        screens.append(screen_lines(desk.app))
        for lines in screens:
            for word in WORDS:
                assert unsplit(lines, word), (word, lines)
        assert any("暗証番号" in line for line in screens[1])


def test_the_key_bar_leaves_out_whole_keys_it_has_no_room_for() -> None:
    from rich.console import Console
    from rich.style import Style

    from clinic_desk.app.widgets.key_bar import KeyLine

    keys = [("⏎", "Detail"), ("Esc", "Close"), ("S", "Status filter"), ("P", "Mark reported")]
    console = Console(width=40, color_system=None)
    with console.capture() as captured:
        console.print(KeyLine(keys, Style()))
    line = captured.get().rstrip("\n")
    assert line.rstrip() == " ⏎ Detail  Esc Close  S Status filter"  # not "P Mark"


async def test_at_80_columns_the_panel_takes_the_keys_again_after_a_result() -> None:
    """Below 100 columns a result hides the demo panel; once the receptionist clears the
    desk the panel is back and has the keys, so arrows and Enter tap the next card."""
    async with desk_at((80, 24), "en") as desk:
        panel = desk.app.screen.query_one(DemoPanel)
        await desk.tap("yamada-taro")
        await desk.type_pin()
        await desk.confirm_identity("19800401")
        await desk.wait_for(Stage.CONSENT)
        await desk.press("y")
        await desk.wait_for(Stage.SHOWN)
        assert not panel.display  # the result has the room
        await desk.press("d")
        await desk.wait_for(Stage.WAITING_FOR_CARD)
        assert panel.display and desk.app.focused is panel.options
        await desk.press("down", "enter")  # the second card: the name variant
        await desk.wait_for(Stage.PIN_ENTRY)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("lang", "closes"),
    [("ja", "このヘルプは Esc または F1 で閉じます。"), ("en", "Esc or F1 closes this help.")],
)
async def test_the_help_says_how_to_close_it_without_scrolling(
    size: tuple[int, int], lang: Lang, closes: str
) -> None:
    async with desk_at(size, lang) as desk:
        await desk.press("f1")
        await desk.pilot.pause()
        lines = screen_lines(desk.app)
        assert any(closes in line for line in lines), lines
        await desk.press("f1")
        await desk.pilot.pause()
        assert not any(closes in line for line in screen_lines(desk.app))

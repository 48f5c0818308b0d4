"""The review at 80x24 and 120x36, in both languages: a long reason is cut between
words and never runs into the status, the header stands over its columns, the count
line and the help (F1) are read whole, a key stays with its words (Pilot)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from clinic_desk.app.review_app import ReviewApp
from clinic_desk.app.screens.review import columns
from clinic_desk.config import DeskSettings
from clinic_desk.texts import Lang
from offline_cache import OfflineCache
from tests.desk.conftest import screen_lines
from tests.manager.support import PIN, FakeClock, raise_desk_flag, set_pin
from tests.manager.test_review_screen import Idle, Review

LONG = "birthdate_mismatch/typed_birthdate_differs/patient_said_not_me"
WORDS = {
    "ja": ("生年月日の不一致", "未対応", "該当する記録はありません。", "Esc 閉じる", "状態"),
    "en": ("Birthdate mismatch", "open", "No flags match.", "Esc close", "Status"),
}


@pytest.fixture
def settings(cache: OfflineCache, clock: FakeClock) -> DeskSettings:
    settings = set_pin(PIN)
    raise_desk_flag(cache, reason=LONG, desk_id="desk-1")
    clock.advance(minutes=10)
    raise_desk_flag(cache, reason="patient_said_not_me", desk_id="desk-1")
    return settings


def test_a_long_reason_is_cut_between_words_with_room_before_the_status() -> None:
    reason = "生年月日の不一致、入力された生年月日が不一致"
    cut = columns.clip(reason, 30)
    assert cell_len(cut) == 30 and cut.rstrip().endswith("…") and cut.endswith(" ")
    assert cut.rstrip() == "生年月日の不一致、入力された…"  # not 「入力された生年月」
    assert columns.clip("Birthdate mismatch; Typed birthdate differs", 30).rstrip() == (
        "Birthdate mismatch; Typed…"
    )
    assert columns.clip("氏名の不一致", 30) == "氏名の不一致" + " " * 18


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_queue_reads_at_80_and_120_columns(
    cache: OfflineCache,
    clock: FakeClock,
    settings: DeskSettings,
    lang: Lang,
    size: tuple[int, int],
) -> None:
    reason, status, nothing, esc, status_head = WORDS[lang]
    app = ReviewApp(cache, settings.manager, lang=lang, now=clock, idle_clock=Idle())
    async with app.run_test(size=size) as pilot:
        review = Review(app, pilot, Idle())
        await review.until("5" if lang == "en" else "残り 5 回")
        await review.type(*PIN, "enter")
        await review.until(reason)
        lines = screen_lines(app)
        head = next(line for line in lines if line.rstrip().endswith(status_head))
        rows = [line for line in lines if line.rstrip().endswith(f" {status}")]
        assert len(rows) == 2
        # the status column starts where its header does, after a space, in every row
        at = cell_len(head.rstrip()) - cell_len(status_head)
        for row in rows:
            assert cell_len(row.rstrip()) - cell_len(status) == at, (head, row)
        assert any("…" in row for row in rows)  # the three reasons, cut between words
        # a status filter that matches nothing: the whole count line is on screen
        await review.type("s", "s")
        await review.until(nothing)
        # the help: every key with its words on one line
        await review.type("f1")
        text = "\n".join(screen_lines(app))
        assert esc in text and ("C 新しい資格あり" in text or "C only visits" in text), text

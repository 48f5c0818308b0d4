"""Line breaking: widths kept, nothing lost, no word or desk term split."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from clinic_desk.app.linebreak import NO_END, NO_START, WORDS, phrases, wrap
from clinic_desk.app.widgets.status_bar import fit_parts
from clinic_desk.texts import CATALOGUE, Lang

JAPANESE = [texts["ja"] for texts in CATALOGUE.values() if "{" not in texts["ja"]]


@given(st.sampled_from(JAPANESE), st.integers(min_value=12, max_value=120))
def test_japanese_lines_fit_and_keep_the_desks_terms(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())  # spaces at a break go
    for word in WORDS:
        if cell_len(word) <= width:
            assert "".join(lines).count(word) == sum(line.count(word) for line in lines)


def test_phrases_give_the_text_back() -> None:
    text = "注意：あと1回間違えるとカードがロックされます（市区町村窓口での再設定が必要）。"
    assert "".join(phrases(text)) == text
    assert "暗証番号" in phrases("暗証番号（数字4桁）を入力してください。")


def test_english_breaks_at_spaces() -> None:
    lines = wrap("Warning: one more wrong PIN locks the card", 20)
    assert lines == ["Warning: one more", "wrong PIN locks the", "card"]


def test_status_parts_are_whole_or_left_out() -> None:
    parts = [("Gateway: OFFLINE",), ("1 awaiting re-check",), ("Cache: unlocked",),
             ("Reader: Virtual PCD 00 00 (virtual card via pcscd)", "Reader: Virtual PCD 00 00"),
             ("Mode: demo",)]  # fmt: skip
    assert fit_parts(parts, 200).count("│") == 4
    assert fit_parts(parts, 84) == (  # the reader's short form fits, the mode does not
        "Gateway: OFFLINE │ 1 awaiting re-check │ Cache: unlocked │ Reader: Virtual PCD 00 00"
    )
    assert fit_parts(parts, 80).endswith("Cache: unlocked │ Mode: demo")
    assert fit_parts(parts, 40) == "Gateway: OFFLINE │ 1 awaiting re-check"
    assert fit_parts([("NOT READY: the card reader is unplugged",)], 20) == "NOT READY: the card…"


@pytest.mark.parametrize(
    ("lang", "gateway", "awaiting", "cache", "not_ready"),
    [
        ("en", "Gateway: online", "1 awaiting", "Cache:",
         "NOT READY: card reader: no connected card reader matches 'ACR39U'"),
        ("ja", "資格確認: 接続中", "再確認待ち 1件", "キャッシュ",
         "【未準備】カードリーダー：'ACR39U' に合うカードリーダーが接続されていません"),
    ],
)  # fmt: skip
async def test_what_is_not_ready_has_a_line_of_its_own_in_the_desks_language(
    lang: Lang, gateway: str, awaiting: str, cache: str, not_ready: str
) -> None:
    from clinic_desk.app.app import DeskApp
    from clinic_desk.readiness.machine import reader_said
    from clinic_desk.services.demo import build_demo_services
    from clinic_desk.texts.said import Finding
    from reader.errors import NoReader
    from tests.desk.conftest import screen_lines
    from tests.desk.language import english_words

    services = await build_demo_services(card_source="in_process")
    try:
        app = DeskApp(services, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            finding = Finding(check="ready.check.reader", said=reader_said(NoReader("ACR39U")))
            services.update_status(
                notice="card reader: No card reader matches 'ACR39U'",  # the log's English
                not_ready=(finding,),
                awaiting_reverify=1,
            )
            await pilot.pause()
            first, second = screen_lines(app)[1:3]
            assert gateway in first and awaiting in first and cache in first
            assert second.strip().startswith(not_ready[:30])
            if lang == "ja":  # no English on the Japanese screen, the not-ready line included
                assert not english_words("\n".join(screen_lines(app))), screen_lines(app)
    finally:
        await services.stop()


KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")


def breaks_well(lines: list[str]) -> None:
    """No line starts with closing punctuation, a small kana or ー; none ends with an
    opening bracket; no katakana word is cut; the desk's terms stay whole."""
    for before, after in itertools.pairwise(lines):
        assert after[:1] not in NO_START, lines
        assert before[-1:] not in NO_END, lines
        assert not (KATAKANA.match(before[-1:]) and KATAKANA.match(after[:1])), lines
    joined = "".join(lines)
    for word in WORDS:
        assert joined.count(word) == sum(line.count(word) for line in lines), (word, lines)


@given(st.sampled_from(JAPANESE), st.integers(min_value=10, max_value=120))
def test_no_line_starts_with_closing_punctuation(text: str, width: int) -> None:
    lines = wrap(text, width)
    for before, after in itertools.pairwise(lines):
        assert after[:1] not in NO_START and before[-1:] not in NO_END, lines


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("顔認証のみのカード（暗証番号ロック中）", 16,
         ["顔認証のみの", "カード", "（暗証番号", "ロック中）"]),
        ("資格確認サーバー停止", 14, ["資格確認", "サーバー停止"]),
        ("ロックされます（市区町村窓口での再設定が必要）。", 12,
         ["ロック", "されます", "（市区町村", "窓口での", "再設定が", "必要）。"]),
        ("記録します（FILE、FILE-2 …）", 15, ["記録します", "（FILE、", "FILE-2 …）"]),
    ],
)  # fmt: skip
def test_a_phrase_wider_than_the_line_is_folded_where_a_word_starts(
    text: str, width: int, lines: list[str]
) -> None:
    assert wrap(text, width) == lines


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_demo_panel_breaks_japanese_labels_between_words(size: tuple[int, int]) -> None:
    """Every label of the demo panel, scrolled through, as the panel shows it: the lines
    ``wrap`` gives at the panel's width, none starting with closing punctuation, no
    word cut (「（暗証番号ロッ／ク中）」, 「資格確認サーバ／ー停止」 before)."""
    from clinic_desk.app.app import DeskApp
    from clinic_desk.app.widgets.demo_panel import DemoPanel
    from clinic_desk.services.demo import build_demo_services
    from tests.desk.conftest import screen_lines

    services = await build_demo_services(card_source="in_process")
    try:
        app = DeskApp(services, lang="ja")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            panel = app.screen.query_one(DemoPanel)
            options = panel.options
            width = options.scrollable_content_region.width
            expected: list[str] = []
            for index in range(options.option_count):
                prompt = options.get_option_at_index(index).prompt
                lines = wrap(getattr(prompt, "text", str(prompt)), width)
                breaks_well(lines)
                expected += lines
            top = options.region.y + 1  # below the list's border
            seen: set[int] = set()
            for index in range(options.option_count):  # ↓ through the list, as staff would
                options.highlighted = index
                await pilot.pause()
                lines = screen_lines(app)[top : size[1] - 1]
                shown = [_panel_text(line) for line in lines if "▊" in line]
                shown = [line for line in shown if line]
                at = _find(expected, shown)
                assert at is not None, (shown, expected)
                seen.update(range(at, at + len(shown)))
            assert seen == set(range(len(expected)))  # every label was on the screen
    finally:
        await services.stop()


def _find(whole: list[str], part: list[str]) -> int | None:
    """Where ``part`` stands in ``whole`` as a run of lines."""
    for at in range(len(whole) - len(part) + 1):
        if whole[at : at + len(part)] == part:
            return at
    return None


def _panel_text(line: str) -> str:
    """The option's text on a screen line: after the list's left border, before its
    right border (and the scrollbar)."""
    inside = line.rsplit("▊", 1)[-1].rsplit("▎", 1)[0]
    return re.sub(r"[\u2580-\u259f]", " ", inside).strip()  # the scrollbar's blocks

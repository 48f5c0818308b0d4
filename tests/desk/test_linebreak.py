"""Line breaking: widths kept, nothing lost, no word or desk term split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from clinic_desk.app.linebreak import WORDS, phrases, wrap
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
            if lang == "ja":
                assert "No card" not in second and "NOT READY" not in second
    finally:
        await services.stop()

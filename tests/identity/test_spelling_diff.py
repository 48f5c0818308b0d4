"""The staff-only side-by-side view of both spellings."""

from __future__ import annotations

from clinic_desk.identity import PositionKind, spelling_diff


def kinds(card: str, record: str) -> list[PositionKind]:
    return [position.kind for position in spelling_diff(card, record).positions]


def test_variant_and_unknown_positions_are_marked_with_code_points() -> None:
    diff = spelling_diff("髙橋　一郎", "高橋 ●郎")
    assert diff.card == "髙橋一郎"
    assert diff.record == "高橋●郎"
    assert [p.kind for p in diff.positions] == [
        PositionKind.VARIANT,
        PositionKind.SAME,
        PositionKind.UNKNOWN,
        PositionKind.SAME,
    ]
    first = diff.positions[0]
    assert (first.card, first.record) == ("髙", "高")
    assert (first.card_codepoints, first.record_codepoints) == ("U+9AD9", "U+9AD8")
    assert [p.index for p in diff.differing] == [0, 2]


def test_names_are_shown_as_written_apart_from_spacing_and_width() -> None:
    diff = spelling_diff("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ")
    assert diff.card == "やまだたろう"
    assert diff.record == "ヤマダタロウ"
    assert diff.differing == ()


def test_extra_and_missing_characters_are_aligned() -> None:
    assert kinds("小林幸子", "小林幸") == [PositionKind.SAME] * 3 + [PositionKind.CARD_ONLY]
    assert kinds("小林幸", "小林幸子") == [PositionKind.SAME] * 3 + [PositionKind.RECORD_ONLY]
    assert kinds("山田太郎", "山田次郎") == [
        PositionKind.SAME,
        PositionKind.SAME,
        PositionKind.DIFFERENT,
        PositionKind.SAME,
    ]
    extra = spelling_diff("渡邊花子", "渡●●花子")
    assert PositionKind.RECORD_ONLY in [p.kind for p in extra.positions]
    assert extra.positions[-1].kind is PositionKind.SAME


def test_card_mark_is_shown_as_a_difference() -> None:
    assert kinds("渡●", "渡●") == [PositionKind.SAME, PositionKind.DIFFERENT]


def test_unprintable_characters_are_spelled_out() -> None:
    diff = spelling_diff("山\ue000", "山\U0010fffd")
    assert diff.card == "山<U+E000>"
    assert diff.record == "山<U+10FFFD>"
    lone_mark = spelling_diff("\u0301山", "山")
    assert lone_mark.card.startswith("\u25cc")


def test_repr_and_str_never_show_the_names() -> None:
    diff = spelling_diff("髙橋　一郎", "高橋　一郎")
    for text in (repr(diff), str(diff), f"{diff}", f"{diff!r}"):
        assert "橋" not in text and "髙" not in text
        assert text == "SpellingDiff(positions=4, differing=1)"


def test_empty_names_give_an_empty_diff() -> None:
    diff = spelling_diff("", "\u3000")
    assert (diff.card, diff.record, diff.positions) == ("", "", ())


def test_a_separated_voiced_mark_is_shown_joined_to_its_kana() -> None:
    diff = spelling_diff("鈴木　ゆうか゛", "鈴木　ゆうが")
    assert diff.card == "鈴木ゆうが"
    assert diff.differing == ()

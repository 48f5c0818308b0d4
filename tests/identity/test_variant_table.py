"""The variant kanji table: well-formed, sourced, and folding the classes it promises."""

from __future__ import annotations

import unicodedata

import pytest

from clinic_desk.identity import VARIANT_GROUPS, VariantSource
from clinic_desk.identity.variant_kanji import (
    CURATED_GROUPS,
    NFKC_EQUIVALENTS,
    is_nfkc_stable,
    variant_class,
    variant_classes,
)

REQUIRED = [
    "髙高",
    "﨑崎嵜",
    "齋齊斎斉",
    "邊邉辺",
    "澤沢",
    "濱浜濵",
    "櫻桜",
    "廣広",
    "國国",
    "德徳",
    "龍竜",
    "眞真",
    "惠恵",
    "嶋島嶌",
    "籠篭",
    "槇槙",
    "藪薮",
    "富冨",
    "渕淵",
    "吉𠮷",
    "峯峰",
    "埜野",
    "瀧滝",
    "條条",
    "舘館",
    "曽曾",
    "檜桧",
]


@pytest.mark.parametrize("forms", REQUIRED)
def test_required_forms_share_one_class(forms: str) -> None:
    assert len({variant_class(ch) for ch in forms}) == 1


def test_every_entry_is_one_nfkc_stable_ideograph_with_a_source() -> None:
    for group in VARIANT_GROUPS:
        assert len(group.forms) >= 2
        assert len(set(group.forms)) == len(group.forms)
        assert isinstance(group.source, VariantSource)
        for ch in group.forms:
            assert len(ch) == 1
            assert is_nfkc_stable(ch), f"U+{ord(ch):04X} is folded by NFKC already"
            assert "IDEOGRAPH" in unicodedata.name(ch)


def test_no_group_is_listed_twice() -> None:
    seen = [group.forms for group in VARIANT_GROUPS]
    assert len(seen) == len(set(seen))


def _in_jis_x_0208(ch: str) -> bool:
    try:
        ch.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


# Classes that hold more than two JIS X 0208 kanji, on purpose: 辺 and its two old
# forms; 島 and two registry forms; 斎・斉 with their old forms (surname usage).
WIDE_CLASSES = {"辺邉邊", "島嶋嶌", "斉斎齊齋"}


def test_classes_do_not_chain_standard_kanji() -> None:
    # A wrong entry could chain unrelated kanji into one class: a class holds one
    # JIS X 0208 kanji and its old form, plus rare registry forms, except the few above.
    for members in variant_classes().values():
        common = "".join(sorted(ch for ch in members if _in_jis_x_0208(ch)))
        assert len(common) <= 2 or common in WIDE_CLASSES, common
        assert len(members) <= 24


def test_distinct_characters_stay_distinct() -> None:
    for pair in ["崎埼", "崎碕", "沢尺", "高髟", "島鳥", "浜兵", "余餘", "台臺"]:
        assert variant_class(pair[0]) != variant_class(pair[1]), pair


def test_unlisted_characters_are_their_own_class() -> None:
    for ch in "山田太郎あア●":
        assert variant_class(ch) == ch


@pytest.mark.parametrize(("compat", "unified"), NFKC_EQUIVALENTS)
def test_nfkc_folds_the_compatibility_ideographs(compat: str, unified: str) -> None:
    assert compat != unified
    assert unicodedata.normalize("NFKC", compat) == unified


def test_documentation_lists_every_curated_group_and_every_source() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "identity-gate.md").read_text("utf-8")
    for group in CURATED_GROUPS:
        assert group.forms in doc, group.forms
    for source in VariantSource:
        assert f"`{source.value}`" in doc

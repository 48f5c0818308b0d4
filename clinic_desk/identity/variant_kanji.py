"""Variant kanji that the same person's name is written in.

Each group lists the standard form first, then the forms registries and chips
also use for it, with the public source the pairing comes from. Groups that
share a character are merged (斎/齋, 斉/齊 and 斎/斉 make one class), so the
table is an equivalence: two characters are "variants" when they fall in the
same class. The gate only ever reports such a pair as a VARIANT for staff to
decide; the table never turns a difference into a MATCH.

CJK compatibility ideographs that Unicode defines as canonically equal to a
unified ideograph (塚 U+FA10 = 塚 U+585A, 神 U+FA19 = 神 U+795E, ...) are not
listed: NFKC folds them before the table is consulted (see
``NFKC_EQUIVALENTS``). Compatibility ideographs with no decomposition, such as
﨑 U+FA11, are ordinary characters and are listed.

``CURATED_GROUPS`` below were entered from the printed tables; the derived
groups (``variant_kanji_data``) come from machine-readable editions of the
人名用漢字 list and the MJ縮退マップ, with the source of every row.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import NamedTuple

from clinic_desk.identity.variant_kanji_data import DERIVED_GROUPS


class VariantSource(StrEnum):
    """Where a variant pairing comes from (cited by name in docs/identity-gate.md)."""

    JOYO_OLD_FORM = "joyo-old-form"
    """常用漢字表 (2010): the traditional form printed in brackets beside the character."""

    JINMEIYO_VARIANT = "jinmeiyo-variant"
    """人名用漢字 (戸籍法施行規則 別表第二): variant forms allowed in given names."""

    JIS_X_0213_RELATED = "jis-x-0213-related"
    """JIS X 0213:2004: characters the standard records as related forms (関連字)."""

    KOSEKI_MJ = "koseki-mj"
    """戸籍統一文字 and the 文字情報基盤 MJ縮退マップ: registry variants mapped to JIS forms."""

    SURNAME_USAGE = "surname-usage"
    """Distinct characters that registrations interchange in the same family name."""

    JIS_UNIFICATION = "jis-unification"
    """MJ縮退マップ, JIS包摂規準・UCS統合規則: forms JIS X 0213 unifies into one code point."""


class VariantGroup(NamedTuple):
    """One set of interchangeable forms; ``forms[0]`` is the standard form."""

    forms: str
    source: VariantSource


_J = VariantSource.JOYO_OLD_FORM
_N = VariantSource.JINMEIYO_VARIANT
_X = VariantSource.JIS_X_0213_RELATED
_K = VariantSource.KOSEKI_MJ
_S = VariantSource.SURNAME_USAGE

CURATED_GROUPS: tuple[VariantGroup, ...] = (
    # Registry (戸籍) variants outside JIS X 0208: the classic "cannot type it" names.
    VariantGroup("高髙", _K),  # はしご高
    VariantGroup("吉𠮷", _K),  # つちよし
    VariantGroup("崎﨑", _X),  # たつさき (U+FA11, not folded by NFKC)
    VariantGroup("崎嵜", _X),
    VariantGroup("辺邉", _X),
    VariantGroup("浜濵", _X),
    VariantGroup("島嶋", _N),
    VariantGroup("島嶌", _X),
    VariantGroup("富冨", _N),
    VariantGroup("峰峯", _N),
    VariantGroup("野埜", _N),
    VariantGroup("園薗", _N),
    VariantGroup("涼凉", _N),
    VariantGroup("籠篭", _X),
    VariantGroup("薮藪", _X),
    VariantGroup("淵渕", _X),
    VariantGroup("館舘", _X),
    VariantGroup("柳栁", _X),
    VariantGroup("桑桒", _X),
    VariantGroup("村邨", _X),
    VariantGroup("槇槙", _X),
    VariantGroup("檜桧", _X),
    VariantGroup("亘亙", _X),
    VariantGroup("凛凜", _X),
    VariantGroup("堯尭", _X),
    VariantGroup("遥遙", _X),
    VariantGroup("禰祢", _X),
    VariantGroup("穣穰", _X),
    VariantGroup("萌萠", _X),
    VariantGroup("晃晄", _X),
    VariantGroup("巌巖", _X),
    # Old forms (旧字体) of jōyō kanji, as printed in the jōyō table.
    VariantGroup("斎齋", _J),
    VariantGroup("斉齊", _J),
    VariantGroup("斎斉", _S),  # 斎藤・斉藤・齋藤・齊藤
    VariantGroup("辺邊", _J),
    VariantGroup("沢澤", _J),
    VariantGroup("浜濱", _J),
    VariantGroup("桜櫻", _J),
    VariantGroup("広廣", _J),
    VariantGroup("国國", _J),
    VariantGroup("徳德", _J),
    VariantGroup("竜龍", _J),
    VariantGroup("真眞", _J),
    VariantGroup("恵惠", _J),
    VariantGroup("滝瀧", _J),
    VariantGroup("条條", _J),
    VariantGroup("曽曾", _J),
    VariantGroup("栄榮", _J),
    VariantGroup("寿壽", _J),
    VariantGroup("蔵藏", _J),
    VariantGroup("実實", _J),
    VariantGroup("与與", _J),
    VariantGroup("万萬", _J),
    VariantGroup("弥彌", _J),
    VariantGroup("礼禮", _J),
    VariantGroup("円圓", _J),
    VariantGroup("黒黑", _J),
    VariantGroup("黄黃", _J),
    VariantGroup("関關", _J),
    VariantGroup("渋澁", _J),
    VariantGroup("団團", _J),
    VariantGroup("豊豐", _J),
    VariantGroup("瀬瀨", _J),
    VariantGroup("穂穗", _J),
    VariantGroup("浅淺", _J),
    VariantGroup("亀龜", _J),
    VariantGroup("児兒", _J),
    VariantGroup("増增", _J),
    VariantGroup("静靜", _J),
    VariantGroup("応應", _J),
    VariantGroup("学學", _J),
    VariantGroup("会會", _J),
    VariantGroup("伝傳", _J),
    VariantGroup("県縣", _J),
    VariantGroup("鉄鐵", _J),
    VariantGroup("稲稻", _J),
    VariantGroup("塩鹽", _J),
    VariantGroup("郎郞", _J),
    VariantGroup("緑綠", _J),
    VariantGroup("岳嶽", _J),
    VariantGroup("絵繪", _J),
    VariantGroup("晩晚", _J),
    VariantGroup("顕顯", _J),
    VariantGroup("聡聰", _X),
    VariantGroup("来來", _J),
    VariantGroup("頼賴", _J),
    VariantGroup("経經", _J),
    VariantGroup("継繼", _J),
)

VARIANT_GROUPS: tuple[VariantGroup, ...] = CURATED_GROUPS + tuple(
    VariantGroup(forms, VariantSource(source)) for forms, source in DERIVED_GROUPS
)

#: Compatibility ideographs that NFKC already maps to their unified form; listed
#: for the documentation and checked by the tests, never consulted at run time.
NFKC_EQUIVALENTS: tuple[tuple[str, str], ...] = (
    ("\ufa10", "塚"),
    ("\ufa12", "晴"),
    ("\ufa16", "猪"),
    ("\ufa19", "神"),
    ("\ufa1b", "福"),
    ("\ufa26", "都"),
    ("\ufa46", "渚"),
    ("\ufa4a", "琢"),
    ("\ufa4f", "祐"),
    ("\ufa53", "禎"),
    ("\ufa67", "逸"),
    ("\uf9dc", "隆"),
)


def _build_classes(groups: tuple[VariantGroup, ...]) -> dict[str, str]:
    """Merge overlapping groups; every member maps to its class's representative."""
    parent: dict[str, str] = {}

    def find(ch: str) -> str:
        root = ch
        while parent[root] != root:
            root = parent[root]
        parent[ch] = root
        return root

    for group in groups:
        for ch in group.forms:
            parent.setdefault(ch, ch)
        first = find(group.forms[0])
        for ch in group.forms[1:]:
            other = find(ch)
            if other != first:
                # The lower code point wins so the representative is stable.
                low, high = sorted((first, other))
                parent[high] = low
                first = low
    return {ch: find(ch) for ch in parent}


_CLASSES = _build_classes(VARIANT_GROUPS)


def variant_class(ch: str) -> str:
    """The representative of ``ch``'s variant class (``ch`` itself when unlisted)."""
    return _CLASSES.get(ch, ch)


def variant_classes() -> dict[str, frozenset[str]]:
    """Every class of interchangeable kanji, keyed by its representative."""
    classes: dict[str, set[str]] = {}
    for ch, root in _CLASSES.items():
        classes.setdefault(root, set()).add(ch)
    return {root: frozenset(members) for root, members in classes.items()}


def is_nfkc_stable(ch: str) -> bool:
    """True when NFKC leaves ``ch`` unchanged (the table only holds such characters)."""
    return unicodedata.normalize("NFKC", ch) == ch

"""The variant table against its published sources, and the common name groups one by one.

The MJ縮退マップ (its 法務省戸籍法関連通達・通知, 法務省告示582号別表第四 and
JIS包摂規準・UCS統合規則 columns) is read from the jntajis-python package, an
independent machine-readable edition of the map.
"""

from __future__ import annotations

from datetime import date

import jntajis
import pytest

from clinic_desk.identity import VARIANT_GROUPS, IdentityOutcome, VariantSource, verdict
from clinic_desk.identity.variant_kanji import variant_class

Scheme = jntajis.MJShrinkSchemeCombo
REGISTRY = [Scheme.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE, Scheme.MOJ_NOTICE_582]
UNIFICATION = [Scheme.JIS_INCORPORATION_UCS_UNIFICATION_RULE]
# The jinmeiyo pairs of part (一) that the map does not list (both forms are in the
# 人名用漢字 list; the curated table records them from JIS X 0213)
NOT_IN_MAP = {"亘亙", "凛凜", "巌巖", "晃晄", "檜桧", "穣穰", "遥遙"}


def _mapped(variant: str, standard: str, schemes: list[Scheme]) -> bool:
    """True when the map sends ``variant`` to ``standard`` or to a form the table
    already holds for it (or ``standard`` to ``variant``), under one of ``schemes``."""
    home = variant_class(standard)
    for scheme in schemes:
        if any(
            c != variant and variant_class(c) == home
            for c in jntajis.mj_shrink_candidates(variant, scheme)
        ):
            return True
        if variant in jntajis.mj_shrink_candidates(standard, scheme):
            return True
    return False


def _groups(*sources: VariantSource) -> list[str]:
    return [g.forms for g in VARIANT_GROUPS if g.source in sources]


@pytest.mark.parametrize("forms", _groups(VariantSource.KOSEKI_MJ))
def test_registry_rows_are_in_the_ministry_columns_of_the_map(forms: str) -> None:
    standard = forms[0]
    for variant in forms[1:]:
        assert _mapped(variant, standard, REGISTRY), f"{variant} → {standard}"


@pytest.mark.parametrize("forms", _groups(VariantSource.JIS_UNIFICATION))
def test_unification_rows_are_in_the_jis_column_of_the_map(forms: str) -> None:
    for variant in forms[1:]:
        assert _mapped(variant, forms[0], UNIFICATION), f"{variant} → {forms[0]}"


@pytest.mark.parametrize("forms", _groups(VariantSource.JINMEIYO_VARIANT))
def test_jinmeiyo_rows_are_registry_variants_too(forms: str) -> None:
    assert forms not in NOT_IN_MAP
    for variant in forms[1:]:
        assert _mapped(variant, forms[0], REGISTRY + UNIFICATION), f"{variant} → {forms[0]}"


def test_every_source_has_rows() -> None:
    assert {g.source for g in VARIANT_GROUPS} == set(VariantSource)


# --- the common name characters, one group at a time ----------------------------------
# Every form that the registry notices relate to the standard kanji (from the map,
# U+ code points written out where fonts draw them alike).
NAME_GROUPS = {
    "辺": "辺邊邉䟍边𦍇𨓉𨓙𨕙𨘢𫟪𮞽𮞾𮟗",
    "高": "高髙𠆪",
    "崎": "崎﨑嵜㟢陭𡼋",
    "斎": "斎齋斉齊㪰䄢䬩䶒亝斋齐𠫱𡕓𥚪𥜷𧜍𩝦𩱥𩱳𪗒𭚃𮁶𮮺𮮼",
    "吉": "吉𠮷",
    "島": "島嶋嶌㠀嶹𡻅𭗃",
    "浜": "浜濱濵𣴩𨽗",
    "沢": "沢澤凙𤀎",
    "淵": "淵渕㘤㴊㶜囦棩渁渆灁鼘𠝃𡆼𡇋𣴸𣴺𣾬𫞘",
}


@pytest.mark.parametrize("standard", sorted(NAME_GROUPS))
def test_name_group_is_exactly_one_class(standard: str) -> None:
    # the class holds every listed form and nothing else: a change to the table
    # that adds or drops a relative of a common name character shows up here
    forms = set(NAME_GROUPS[standard])
    assert len(forms) == len(NAME_GROUPS[standard])
    assert {ch for ch, _ in _members(standard)} == forms


def _members(standard: str) -> list[tuple[str, str]]:
    from clinic_desk.identity.variant_kanji import variant_classes

    return [(ch, standard) for ch in variant_classes()[variant_class(standard)]]


@pytest.mark.parametrize(
    ("standard", "variant"),
    [(s, v) for s, forms in sorted(NAME_GROUPS.items()) for v in forms if v != s],
)
def test_a_relative_in_a_name_is_a_variant_never_a_match(standard: str, variant: str) -> None:
    born = date(1970, 5, 1)
    card, record = f"{standard}田　花子", f"{variant}田　花子"
    assert verdict(card, born, record, born).outcome is IdentityOutcome.VARIANT
    assert verdict(record, born, card, born).outcome is IdentityOutcome.VARIANT


@pytest.mark.parametrize("standard", sorted(NAME_GROUPS))
def test_a_relative_under_a_black_circle_stays_a_variant(standard: str) -> None:
    born = date(1970, 5, 1)
    variant = NAME_GROUPS[standard][-1]
    result = verdict(f"{variant}田　花子", born, "●田　花子", born)
    assert result.outcome is IdentityOutcome.VARIANT

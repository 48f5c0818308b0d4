"""Properties of the gate over generated names."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_desk.identity import (
    REASON_TEXTS,
    UNKNOWN_MARK,
    UNKNOWN_MARKS,
    IdentityOutcome,
    normalise_name,
    spelling_diff,
    verdict,
)
from clinic_desk.identity.variant_kanji import variant_classes

BIRTH = date(1985, 7, 7)

KANJI = "山田太郎花子高橋一佐藤健小林幸伊誠中村明美渡辺木下鈴大輔崎沢浜桜広国徳竜真恵島"
HIRAGANA = "".join(chr(cp) for cp in range(0x3041, 0x3097))
KATAKANA = "".join(chr(cp) for cp in range(0x30A1, 0x30F7)) + "ー"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALPHABET = KANJI + HIRAGANA + KATAKANA + LATIN

SPACES = [" ", "\u3000", "\u00a0", "\t", "\u2002", "\u2003", "\u200b", "\ufeff", "\n", "\u202f"]

# Full-width katakana -> its half-width spelling (the inverse of NFKC on U+FF61-FF9F).
HALF_WIDTH: dict[str, str] = {}
for _cp in range(0xFF66, 0xFF9E):
    _full = unicodedata.normalize("NFKC", chr(_cp))
    HALF_WIDTH.setdefault(_full, chr(_cp))
for _base, _half in list(HALF_WIDTH.items()):
    for _mark, _half_mark in (("\u3099", "\uff9e"), ("\u309a", "\uff9f")):
        _composed = unicodedata.normalize("NFC", _base + _mark)
        if len(_composed) == 1:
            HALF_WIDTH.setdefault(_composed, _half + _half_mark)

names = st.text(alphabet=ALPHABET, min_size=1, max_size=12)
readable_names = st.text(alphabet=KANJI + KATAKANA, min_size=2, max_size=12)
spacing = st.lists(st.sampled_from(SPACES), max_size=3).map("".join)


def _katakana(ch: str) -> str:
    cp = ord(ch)
    return chr(cp + 0x60) if 0x3041 <= cp <= 0x3096 else ch


def _hiragana(ch: str) -> str:
    cp = ord(ch)
    return chr(cp - 0x60) if 0x30A1 <= cp <= 0x30F6 else ch


def _full_width_latin(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalpha() else ch


@st.composite
def respaced(draw: st.DrawFn, name: str) -> str:
    """The same name with spacing added, removed or changed anywhere."""
    plain = "".join(ch for ch in name if ch not in SPACES)
    return draw(spacing) + "".join(ch + draw(spacing) for ch in plain)


@st.composite
def rewritten(draw: st.DrawFn, name: str) -> str:
    """The same spelling in other widths, kana scripts, letter case and spacing."""
    out = []
    for ch in name:
        choice = draw(st.integers(0, 4))
        if choice == 1:
            ch = _katakana(ch)
        elif choice == 2:
            ch = HALF_WIDTH.get(_katakana(ch), ch)
        elif choice == 3:
            ch = _hiragana(ch).swapcase()
        elif choice == 4:
            ch = _full_width_latin(ch)
        out.append(ch + draw(spacing))
    return draw(spacing) + "".join(out)


@given(st.text(), st.text(), st.dates(), st.dates())
@settings(max_examples=400)
def test_never_raises_on_arbitrary_text(card: str, record: str, d1: date, d2: date) -> None:
    result = verdict(card, d1, record, d2)
    assert result.outcome in IdentityOutcome
    assert set(result.reasons) <= set(REASON_TEXTS.values())  # catalogued: no personal data
    spelling_diff(card, record)


@given(st.text())
def test_normalisation_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(st.data(), names, names)
def test_spacing_never_changes_the_outcome(data: st.DataObject, card: str, record: str) -> None:
    plain = verdict(card, BIRTH, record, BIRTH).outcome
    spaced_card = data.draw(respaced(card))
    spaced_record = data.draw(respaced(record))
    assert verdict(spaced_card, BIRTH, spaced_record, BIRTH).outcome is plain


@given(st.data(), names)
def test_a_name_matches_itself_in_any_width_kana_case_or_spacing(
    data: st.DataObject, name: str
) -> None:
    other = data.draw(rewritten(name))
    assert verdict(name, BIRTH, other, BIRTH).outcome is IdentityOutcome.MATCH
    assert verdict(other, BIRTH, name, BIRTH).outcome is IdentityOutcome.MATCH


@given(st.data(), names, st.text(alphabet=ALPHABET, max_size=12))
def test_an_unknown_mark_never_yields_a_match(data: st.DataObject, card: str, record: str) -> None:
    mark = data.draw(st.sampled_from(sorted(UNKNOWN_MARKS)))
    at = data.draw(st.integers(0, len(record)))
    replace = data.draw(st.booleans())
    marked = record[:at] + mark + record[at + (1 if replace else 0) :]
    assert verdict(card, BIRTH, marked, BIRTH).outcome is not IdentityOutcome.MATCH
    assert verdict(marked, BIRTH, card, BIRTH).outcome is IdentityOutcome.MISMATCH


@given(st.data(), readable_names)
def test_one_unknown_mark_in_place_of_a_character_is_a_variant(
    data: st.DataObject, name: str
) -> None:
    at = data.draw(st.integers(0, len(name) - 1))
    record = name[:at] + UNKNOWN_MARK + name[at + 1 :]
    assert verdict(name, BIRTH, record, BIRTH).outcome is IdentityOutcome.VARIANT


@given(st.data(), readable_names)
def test_a_table_variant_makes_a_variant(data: st.DataObject, name: str) -> None:
    members = data.draw(st.sampled_from(sorted(sorted(m) for m in variant_classes().values())))
    a, b = data.draw(st.permutations(members))[:2]
    at = data.draw(st.integers(0, len(name)))
    card, record = name[:at] + a + name[at:], name[:at] + b + name[at:]
    assert verdict(card, BIRTH, record, BIRTH).outcome is IdentityOutcome.VARIANT


@given(names, names)
def test_outcome_is_symmetric_without_unknown_marks(card: str, record: str) -> None:
    forward = verdict(card, BIRTH, record, BIRTH).outcome
    assert verdict(record, BIRTH, card, BIRTH).outcome is forward


@given(names, st.dates(), st.dates())
def test_different_birthdates_are_always_a_mismatch(name: str, d1: date, d2: date) -> None:
    result = verdict(name, d1, name, d2)
    assert (result.outcome is IdentityOutcome.MISMATCH) == (d1 != d2)

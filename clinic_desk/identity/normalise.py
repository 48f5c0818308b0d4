"""Name normalisation for the identity gate.

A name is turned into a sequence of *units*: one base character plus the
combining marks that follow it. Two levels of comparison key exist per unit:

* the exact key (``exact_key``): what differs only in spacing, width, letter
  case or kana script is the same spelling -> MATCH;
* the variant key (``variant_keys``): variant kanji, small kana, iteration
  marks, glyph variation selectors and Latin accents -> VARIANT.

The unknown-character marks (● and its look-alikes) are protected from every
step and come out as one ``UNKNOWN_MARK`` unit each.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from clinic_desk.identity.kana import (
    KATAKANA_ITERATION,
    KATAKANA_VOICED_ITERATION,
    small_to_full,
    to_katakana,
)
from clinic_desk.identity.variant_kanji import variant_class

UNKNOWN_MARK = "\u25cf"  # ● BLACK CIRCLE, what the national system writes
#: Marks that stand for "a character this system cannot spell". ● is the national
#: system's; 〓 (geta) is the classic replacement in Japanese legacy systems; the
#: other black circles are what ● becomes after a font or code-page round trip;
#: U+FFFD is what a decoder writes for bytes it could not read.
UNKNOWN_MARKS = frozenset("\u25cf\u3013\u26ab\u2b24\ufffd")

_UNKNOWN_SPLIT = re.compile("[" + "".join(sorted(UNKNOWN_MARKS)) + "]")

#: Separators between family and given name that carry no spelling.
_NAME_SEPARATORS = frozenset("\u30fb\u00b7")  # ・ (also half-width ･ after NFKC), ·

# 々 〻 repeat the kanji before them; ヽ (ゝ after kana folding) repeats the kana.
_ITERATION_MARKS = frozenset("\u3005\u303b" + KATAKANA_ITERATION)


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180F


# Default-ignorable code points that are not format characters (Cf): they
# render as nothing, so they cannot be part of how a name is spelled.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def _is_ignorable(ch: str) -> bool:
    if ch.isspace() or ch in _NAME_SEPARATORS or ch in _INVISIBLE:
        return True
    if _is_variation_selector(ch):
        return False  # kept: a glyph choice is a (variant) difference
    return unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M") or _is_variation_selector(ch)


def _clean_segment(segment: str) -> str:
    text = unicodedata.normalize("NFKC", segment)
    text = "".join(ch for ch in text if not _is_ignorable(ch))
    # Dropping spaces can free a combining mark (か゛ is か, space, U+3099 under
    # NFKC): compose it with its base again.
    return unicodedata.normalize("NFC", text)


def _units(text: str) -> list[str]:
    units: list[str] = []
    for ch in text:
        if units and _is_mark(ch) and units[-1] != UNKNOWN_MARK:
            units[-1] += ch
        else:
            units.append(ch)
    return units


def display_units(name: str) -> tuple[str, ...]:
    """The name as units for display and comparison: NFKC, no spacing, ● protected.

    Marks after an unknown mark are dropped: the mark already stands for a
    whole character. Nothing is cached: names are personal data.
    """
    units: list[str] = []
    for index, segment in enumerate(_UNKNOWN_SPLIT.split(name)):
        if index:
            units.append(UNKNOWN_MARK)
        cleaned = _units(_clean_segment(segment))
        if index and cleaned and _is_mark(cleaned[0][0]):
            cleaned[0] = "".join(ch for ch in cleaned[0] if not _is_mark(ch))
            if not cleaned[0]:
                cleaned.pop(0)
        units.extend(cleaned)
    return tuple(units)


def exact_key(unit: str) -> str:
    """Spelling key of one unit: width, letter case and kana script set aside."""
    if unit == UNKNOWN_MARK:
        return unit
    text = unicodedata.normalize("NFKC", unit.casefold())
    return unicodedata.normalize("NFC", to_katakana(text))


def normalise_name(name: str) -> str:
    """The name as the gate compares it for a MATCH (never logged: it is the name)."""
    return "".join(exact_key(unit) for unit in display_units(name))


class VariantRule(StrEnum):
    """A notation difference that makes two spellings a VARIANT, not a MATCH."""

    KANJI = "kanji"
    SMALL_KANA = "small-kana"
    ITERATION_MARK = "iteration-mark"
    VARIATION_SELECTOR = "variation-selector"
    LATIN_ACCENT = "latin-accent"


@dataclass(frozen=True)
class VariantKey:
    """Variant key of one unit and the rules that changed it."""

    key: str
    rules: frozenset[VariantRule]


def _strip_latin_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    base = decomposed[:1]
    if not base or "LATIN" not in unicodedata.name(base, ""):
        return text
    kept = [ch for ch in decomposed if not unicodedata.category(ch).startswith("M")]
    return unicodedata.normalize("NFC", "".join(kept))


def _voiced(key: str) -> str:
    composed = unicodedata.normalize("NFC", key + "\u3099")
    return composed if len(composed) == 1 else key


def _unit_variant_key(exact: str) -> VariantKey:
    rules: set[VariantRule] = set()
    text = exact
    stripped = "".join(ch for ch in text if not _is_variation_selector(ch))
    if stripped != text:
        rules.add(VariantRule.VARIATION_SELECTOR)
        text = stripped
    full = small_to_full(text)
    if full != text:
        rules.add(VariantRule.SMALL_KANA)
        text = full
    plain = _strip_latin_accents(text)
    if plain != text:
        rules.add(VariantRule.LATIN_ACCENT)
        text = plain
    if text:
        standard = variant_class(text[0]) + text[1:]
        if standard != text:
            rules.add(VariantRule.KANJI)
            text = standard
    return VariantKey(text, frozenset(rules))


def variant_keys(exact_keys: tuple[str, ...]) -> tuple[VariantKey, ...]:
    """Variant keys of a whole name; an iteration mark takes its predecessor's key."""
    keys: list[VariantKey] = []
    for exact in exact_keys:
        if keys and exact in _ITERATION_MARKS:
            previous = keys[-1]
            keys.append(VariantKey(previous.key, previous.rules | {VariantRule.ITERATION_MARK}))
        elif keys and exact == KATAKANA_VOICED_ITERATION:
            previous = keys[-1]
            rules = previous.rules | {VariantRule.ITERATION_MARK}
            keys.append(VariantKey(_voiced(previous.key), rules))
        else:
            keys.append(_unit_variant_key(exact))
    return tuple(keys)

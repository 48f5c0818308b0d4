"""Kana folding: hiragana to katakana, and small kana to their full-size letter."""

from __future__ import annotations

_HIRAGANA_FIRST = 0x3041  # ぁ
_HIRAGANA_LAST = 0x3096  # ゖ
_TO_KATAKANA = 0x60  # ぁ U+3041 -> ァ U+30A1, the blocks are laid out in parallel

_KANA_TABLE = {cp: cp + _TO_KATAKANA for cp in range(_HIRAGANA_FIRST, _HIRAGANA_LAST + 1)}
_KANA_TABLE[0x309D] = 0x30FD  # ゝ -> ヽ
_KANA_TABLE[0x309E] = 0x30FE  # ゞ -> ヾ

# Legacy registries could not store small kana and wrote キヨウコ for キョウコ.
_SMALL_TO_FULL = str.maketrans(
    "ァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
    "アイウエオツヤユヨワカケクシストヌハヒフヘホムラリルレロ",
)

KATAKANA_ITERATION = "\u30fd"  # ヽ (ゝ after folding)
KATAKANA_VOICED_ITERATION = "\u30fe"  # ヾ (ゞ after folding)


def to_katakana(text: str) -> str:
    """Fold hiragana into katakana (ひらがな and カタカナ spell the same sounds)."""
    return text.translate(_KANA_TABLE)


def small_to_full(text: str) -> str:
    """Replace small katakana (ァ, ッ, ョ ...) with the full-size letter."""
    return text.translate(_SMALL_TO_FULL)

"""Both spellings side by side, for staff deciding a VARIANT.

This is the one place the gate hands out names. Show it only to staff on the
desk's screen, as plain text (not markup), and never log it: its ``repr`` and
``str`` deliberately leave the names out.
"""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict

from clinic_desk.identity.compare import PositionKind, compare_names

_UNPRINTABLE = frozenset({"Co", "Cn", "Cs"})


def codepoints(text: str) -> str:
    """``U+9AD9`` style code points, to tell apart characters that look alike."""
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


def display_safe(unit: str) -> str:
    """A unit as it can be put on a terminal: unprintable code points spelled out."""
    shown = "".join(
        f"<U+{ord(ch):04X}>" if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in unit
    )
    if shown and unicodedata.category(shown[0]).startswith("M"):
        shown = "\u25cc" + shown  # a lone combining mark is drawn on a dotted circle
    return shown


class SpellingPosition(BaseModel):
    """One column of the side-by-side view."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    kind: PositionKind
    card: str | None
    record: str | None
    card_codepoints: str
    record_codepoints: str


class SpellingDiff(BaseModel):
    """The card's and the record's spelling, aligned character by character."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    card: str
    record: str
    positions: tuple[SpellingPosition, ...]

    @property
    def differing(self) -> tuple[SpellingPosition, ...]:
        """The columns staff should look at (everything not spelled the same)."""
        return tuple(p for p in self.positions if p.kind is not PositionKind.SAME)

    def __repr__(self) -> str:
        return f"SpellingDiff(positions={len(self.positions)}, differing={len(self.differing)})"

    def __str__(self) -> str:
        return repr(self)


def spelling_diff(card_name: str, record_name: str) -> SpellingDiff:
    """Line up the card's and the record's name for staff, marking what differs.

    Spacing is dropped and width folded (half-width kana shown full-width);
    kana script, kanji forms and ● are shown as written. Each column says
    whether it is the same, a variant, the record's unknown mark, different,
    or present on one side only, with code points for look-alike characters.
    """
    comparison = compare_names(card_name, record_name)
    positions = tuple(
        SpellingPosition(
            index=index,
            kind=position.kind,
            card=None if position.card is None else display_safe(position.card),
            record=None if position.record is None else display_safe(position.record),
            card_codepoints=codepoints(position.card or ""),
            record_codepoints=codepoints(position.record or ""),
        )
        for index, position in enumerate(comparison.positions)
    )
    return SpellingDiff(
        card="".join(display_safe(unit) for unit in comparison.card_units),
        record="".join(display_safe(unit) for unit in comparison.record_units),
        positions=positions,
    )

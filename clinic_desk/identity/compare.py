"""Character-by-character comparison of two names, shared by the gate and the diff."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from clinic_desk.identity.normalise import (
    UNKNOWN_MARK,
    VariantKey,
    VariantRule,
    display_units,
    exact_key,
    variant_keys,
)


class PositionKind(StrEnum):
    """How one character of the card's name relates to the record's."""

    SAME = "same"
    VARIANT = "variant"
    UNKNOWN = "unknown"
    """The record has an unknown-character mark (●) here."""
    DIFFERENT = "different"
    CARD_ONLY = "card-only"
    RECORD_ONLY = "record-only"


@dataclass(frozen=True)
class PositionComparison:
    card: str | None
    record: str | None
    kind: PositionKind
    rules: frozenset[VariantRule] = frozenset()


@dataclass(frozen=True)
class NameComparison:
    """Both names as units and how they line up. Holds names: never log it."""

    card_units: tuple[str, ...]
    record_units: tuple[str, ...]
    positions: tuple[PositionComparison, ...]

    @property
    def same_length(self) -> bool:
        return len(self.card_units) == len(self.record_units)

    def kinds(self) -> set[PositionKind]:
        return {position.kind for position in self.positions}

    def variant_rules(self) -> frozenset[VariantRule]:
        rules: frozenset[VariantRule] = frozenset()
        for position in self.positions:
            if position.kind is PositionKind.VARIANT:
                rules |= position.rules
        return rules


@dataclass(frozen=True)
class _Side:
    units: tuple[str, ...]
    exact: tuple[str, ...]
    variant: tuple[VariantKey, ...]


def _side(name: str) -> _Side:
    units = display_units(name)
    exact = tuple(exact_key(unit) for unit in units)
    return _Side(units, exact, variant_keys(exact))


def _classify(card: _Side, i: int, record: _Side, j: int) -> PositionComparison:
    card_unit, record_unit = card.units[i], record.units[j]
    card_variant, record_variant = card.variant[i], record.variant[j]
    if card.exact[i] == UNKNOWN_MARK:
        kind = PositionKind.DIFFERENT  # a card never carries the mark
    elif card.exact[i] == record.exact[j]:
        kind = PositionKind.SAME
    elif UNKNOWN_MARK in (record.exact[j], record_variant.key):
        kind = PositionKind.UNKNOWN
    elif card_variant.key == record_variant.key:
        rules = card_variant.rules | record_variant.rules
        return PositionComparison(card_unit, record_unit, PositionKind.VARIANT, rules)
    else:
        kind = PositionKind.DIFFERENT
    return PositionComparison(card_unit, record_unit, kind)


def _aligned(card: _Side, record: _Side) -> list[PositionComparison]:
    """Line up names of different lengths so a diff can show what is extra."""
    positions: list[PositionComparison] = []
    matcher = SequenceMatcher(a=card.exact, b=record.exact, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        if tag == "equal":
            paired = i2 - i1
        for offset in range(paired):
            positions.append(_classify(card, i1 + offset, record, j1 + offset))
        for i in range(i1 + paired, i2):
            positions.append(PositionComparison(card.units[i], None, PositionKind.CARD_ONLY))
        for j in range(j1 + paired, j2):
            positions.append(PositionComparison(None, record.units[j], PositionKind.RECORD_ONLY))
    return positions


def compare_names(card_name: str, record_name: str) -> NameComparison:
    """Compare two names unit by unit (positionally when their lengths agree)."""
    card, record = _side(card_name), _side(record_name)
    if len(card.units) == len(record.units):
        positions = [_classify(card, i, record, i) for i in range(len(card.units))]
    else:
        positions = _aligned(card, record)
    return NameComparison(card.units, record.units, tuple(positions))

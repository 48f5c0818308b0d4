"""The identity gate: does the fetched record belong to the person holding the card?"""

from __future__ import annotations

from datetime import date, datetime

from clinic_desk.identity.compare import NameComparison, PositionKind, compare_names
from clinic_desk.identity.model import IdentityOutcome, ReasonCode, Verdict, worst
from clinic_desk.identity.normalise import UNKNOWN_MARK, VariantRule


class IdentityInputError(TypeError):
    """The gate was called with something that is not a name or a calendar date."""


_RULE_CODES: tuple[tuple[VariantRule, ReasonCode], ...] = (
    (VariantRule.KANJI, ReasonCode.NAME_KANJI_VARIANT),
    (VariantRule.SMALL_KANA, ReasonCode.NAME_SMALL_KANA),
    (VariantRule.ITERATION_MARK, ReasonCode.NAME_ITERATION_MARK),
    (VariantRule.VARIATION_SELECTOR, ReasonCode.NAME_VARIATION_SELECTOR),
    (VariantRule.LATIN_ACCENT, ReasonCode.NAME_LATIN_ACCENT),
)

_Judgement = tuple[IdentityOutcome, tuple[ReasonCode, ...]]


def _check_inputs(
    card_name: object, card_birthdate: object, record_name: object, record_birthdate: object
) -> None:
    for label, value in (("card name", card_name), ("record name", record_name)):
        if not isinstance(value, str):
            raise IdentityInputError(f"The {label} must be text, not {type(value).__name__}.")
    for label, value in (
        ("card birthdate", card_birthdate),
        ("record birthdate", record_birthdate),
    ):
        # A datetime is a date too, but never equals one: refuse it rather than
        # call a real patient a mismatch.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise IdentityInputError(
                f"The {label} must be a calendar date, not {type(value).__name__}."
            )


def _judge_birthdates(card: date, record: date) -> _Judgement:
    if card == record:
        return IdentityOutcome.MATCH, (ReasonCode.BIRTHDATE_SAME,)
    return IdentityOutcome.MISMATCH, (ReasonCode.BIRTHDATE_DIFFERS,)


def _judge_names(card_name: str, record_name: str) -> _Judgement:
    comparison: NameComparison = compare_names(card_name, record_name)
    empty: list[ReasonCode] = []
    if not comparison.card_units:
        empty.append(ReasonCode.CARD_NAME_EMPTY)
    if not comparison.record_units:
        empty.append(ReasonCode.RECORD_NAME_EMPTY)
    if empty:
        return IdentityOutcome.MISMATCH, tuple(empty)
    if UNKNOWN_MARK in comparison.card_units:
        return IdentityOutcome.MISMATCH, (ReasonCode.CARD_NAME_UNKNOWN_MARK,)
    if all(unit == UNKNOWN_MARK for unit in comparison.record_units):
        return IdentityOutcome.MISMATCH, (ReasonCode.RECORD_NAME_UNREADABLE,)
    if not comparison.same_length:
        return IdentityOutcome.MISMATCH, (ReasonCode.NAME_DIFFERS, ReasonCode.NAME_LENGTH_DIFFERS)

    kinds = comparison.kinds()
    if PositionKind.DIFFERENT in kinds:
        return IdentityOutcome.MISMATCH, (ReasonCode.NAME_DIFFERS,)
    if kinds == {PositionKind.SAME}:
        code = ReasonCode.NAME_SAME if card_name == record_name else ReasonCode.NAME_SAME_NORMALISED
        return IdentityOutcome.MATCH, (code,)

    rules = comparison.variant_rules()
    codes = [code for rule, code in _RULE_CODES if rule in rules]
    if PositionKind.UNKNOWN in kinds:
        codes.append(ReasonCode.RECORD_NAME_UNKNOWN_CHARACTERS)
    return IdentityOutcome.VARIANT, tuple(codes)


def verdict(
    card_name: str,
    card_birthdate: date,
    record_name: str,
    record_birthdate: date,
) -> Verdict:
    """Judge whether a fetched record belongs to the card holder.

    * ``match``: birthdates equal and the names spelled the same once spacing,
      width, letter case and hiragana/katakana are set aside;
    * ``variant``: birthdates equal and the names differ only in notation
      (variant kanji, small kana, iteration marks, glyph selectors, Latin
      accents) or at the record's unknown-character marks (●): staff decide;
    * ``mismatch``: anything else, including an empty name or a ● on the card.

    Never raises for any text; raises ``IdentityInputError`` for a value that is
    not text or not a calendar date. The verdict carries no name or date.
    """
    _check_inputs(card_name, card_birthdate, record_name, record_birthdate)
    birth_outcome, birth_codes = _judge_birthdates(card_birthdate, record_birthdate)
    name_outcome, name_codes = _judge_names(card_name, record_name)
    return Verdict.of(worst(birth_outcome, name_outcome), birth_codes + name_codes)

"""The gate's answer: an outcome and the reasons for it, free of personal data."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator


class IdentityOutcome(StrEnum):
    """What the desk does with a fetched record."""

    MATCH = "match"
    """Same person, same spelling: the record may be shown after the patient confirms."""

    VARIANT = "variant"
    """Same person as far as the gate can tell, notation differs: staff decide."""

    MISMATCH = "mismatch"
    """Not shown to anyone at the desk: withheld and flagged for the manager."""

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {IdentityOutcome.MATCH: 0, IdentityOutcome.VARIANT: 1, IdentityOutcome.MISMATCH: 2}


def worst(*outcomes: IdentityOutcome) -> IdentityOutcome:
    """The most cautious of several outcomes."""
    return max(outcomes, key=lambda outcome: outcome.severity)


class ReasonCode(StrEnum):
    """Machine code of one reason; ``REASON_TEXTS`` holds its plain-English wording."""

    BIRTHDATE_SAME = "birthdate-same"
    BIRTHDATE_DIFFERS = "birthdate-differs"
    NAME_SAME = "name-same"
    NAME_SAME_NORMALISED = "name-same-normalised"
    NAME_KANJI_VARIANT = "name-kanji-variant"
    NAME_SMALL_KANA = "name-small-kana"
    NAME_ITERATION_MARK = "name-iteration-mark"
    NAME_VARIATION_SELECTOR = "name-variation-selector"
    NAME_LATIN_ACCENT = "name-latin-accent"
    RECORD_NAME_UNKNOWN_CHARACTERS = "record-name-unknown-characters"
    NAME_DIFFERS = "name-differs"
    NAME_LENGTH_DIFFERS = "name-length-differs"
    CARD_NAME_EMPTY = "card-name-empty"
    RECORD_NAME_EMPTY = "record-name-empty"
    CARD_NAME_UNKNOWN_MARK = "card-name-unknown-mark"
    RECORD_NAME_UNREADABLE = "record-name-unreadable"


#: Fixed wording for every reason. Reasons are written to logs and audit entries,
#: so they never quote a name or a date.
REASON_TEXTS: dict[ReasonCode, str] = {
    ReasonCode.BIRTHDATE_SAME: "the birthdates are the same",
    ReasonCode.BIRTHDATE_DIFFERS: "the birthdates differ",
    ReasonCode.NAME_SAME: "the names are spelled the same",
    ReasonCode.NAME_SAME_NORMALISED: (
        "the names are spelled the same once spacing, character width, letter case "
        "and hiragana/katakana are set aside"
    ),
    ReasonCode.NAME_KANJI_VARIANT: (
        "the names differ in variant forms of the same kanji (such as old and new forms)"
    ),
    ReasonCode.NAME_SMALL_KANA: "the names differ in small and full-size kana",
    ReasonCode.NAME_ITERATION_MARK: (
        "one name repeats a character with an iteration mark where the other writes it out"
    ),
    ReasonCode.NAME_VARIATION_SELECTOR: "the names differ in the glyph chosen for a character",
    ReasonCode.NAME_LATIN_ACCENT: "the names differ in accents on Latin letters",
    ReasonCode.RECORD_NAME_UNKNOWN_CHARACTERS: (
        "the record's name has characters the national system cannot spell; "
        "all its other characters agree"
    ),
    ReasonCode.NAME_DIFFERS: "the names differ",
    ReasonCode.NAME_LENGTH_DIFFERS: "the names have a different number of characters",
    ReasonCode.CARD_NAME_EMPTY: "the card's name is empty",
    ReasonCode.RECORD_NAME_EMPTY: "the record's name is empty",
    ReasonCode.CARD_NAME_UNKNOWN_MARK: (
        "the card's name contains a mark for an unknown character, which a card never carries"
    ),
    ReasonCode.RECORD_NAME_UNREADABLE: (
        "the record's name has no readable characters, only marks for unknown characters"
    ),
}


class Verdict(BaseModel):
    """The identity gate's decision on one card and one record.

    It holds no name and no date, so it can be logged and audited as it is.
    ``reasons`` are plain-English sentences; ``codes`` are the same reasons as
    machine codes, in the same order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: IdentityOutcome
    reasons: tuple[str, ...]
    codes: tuple[ReasonCode, ...]

    @model_validator(mode="after")
    def _reasons_follow_codes(self) -> Self:
        if not self.codes:
            raise ValueError("a verdict needs at least one reason")
        if self.reasons != tuple(REASON_TEXTS[code] for code in self.codes):
            raise ValueError("reasons must be the catalogued wording of codes, in order")
        return self

    @classmethod
    def of(cls, outcome: IdentityOutcome, codes: tuple[ReasonCode, ...]) -> Verdict:
        """Build a verdict from its codes (the wording comes from ``REASON_TEXTS``)."""
        return cls(
            outcome=outcome,
            reasons=tuple(REASON_TEXTS[code] for code in codes),
            codes=codes,
        )

    @property
    def is_match(self) -> bool:
        return self.outcome is IdentityOutcome.MATCH

    @property
    def is_variant(self) -> bool:
        return self.outcome is IdentityOutcome.VARIANT

    @property
    def is_mismatch(self) -> bool:
        return self.outcome is IdentityOutcome.MISMATCH


IdentityVerdict = Verdict

"""What the desk says for each validity state, and the newer qualification of state 3.

State 3 (無効・新しい資格あり) means the qualification asked about has ended and
the insurer system knows a newer one. The answer may name it (the insurer, the
date it began); ``NewerQualification`` carries that, so the desk can tell the
patient what to bring instead of showing "invalid".
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.fhir import EXT_NEWER_QUALIFICATION, Extension, FhirFormatError, fhir_date
from clinic_desk.texts.keys import TextKey


class ValidityState(IntEnum):
    """The five answers of the national eligibility check."""

    VALID = 1
    INVALID = 2
    INVALID_NEWER_EXISTS = 3
    NOT_FOUND = 4
    SEVERAL_MATCH = 5  # 複数該当: the signature of a mislink; never pick one

    @property
    def label(self) -> str:
        return _VALIDITY_LABELS[self]


_VALIDITY_LABELS = {
    ValidityState.VALID: "valid",
    ValidityState.INVALID: "invalid",
    ValidityState.INVALID_NEWER_EXISTS: "invalid, a newer qualification exists",
    ValidityState.NOT_FOUND: "no qualification found",
    ValidityState.SEVERAL_MATCH: "several qualifications match",
}


class NewerQualification(BaseModel):
    """What the answer says about the newer qualification (every part optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    insurer_number: str | None = Field(default=None, pattern=r"^([0-9]{6}|[0-9]{8})$")
    insurer_name: str | None = Field(default=None, min_length=1, max_length=80)
    valid_from: date | None = None

    def to_extension(self) -> dict[str, Any]:
        parts: list[dict[str, Any]] = []
        if self.insurer_number:
            parts.append({"url": "insurerNumber", "valueString": self.insurer_number})
        if self.insurer_name:
            parts.append({"url": "insurerName", "valueString": self.insurer_name})
        if self.valid_from:
            parts.append({"url": "validFrom", "valueDate": self.valid_from.isoformat()})
        if not parts:  # an extension needs a value or parts
            return {"url": EXT_NEWER_QUALIFICATION, "valueBoolean": True}
        return {"url": EXT_NEWER_QUALIFICATION, "extension": parts}

    @classmethod
    def from_extension(cls, extension: Extension) -> NewerQualification:
        values: dict[str, Any] = {}
        names = {"insurerNumber": "insurer_number", "insurerName": "insurer_name"}
        for part in extension.extension:
            if part.url in names and part.valueString is not None:
                values[names[part.url]] = part.valueString
            elif part.url == "validFrom" and part.valueDate is not None:
                values["valid_from"] = fhir_date(
                    part.valueDate, "Coverage: newer qualification date"
                )
            else:
                raise FhirFormatError("Coverage: newer qualification has an unknown part")
        try:
            return cls(**values)
        except ValueError:
            raise FhirFormatError("Coverage: newer qualification is not valid") from None


class ValidityGuidance(BaseModel):
    """What staff should tell the patient for one validity state (text keys, ja/en).

    ``confirmed`` is true only for state 1: states 2, 3 and 4 are never presented
    as confirmed insurance; 5 is withheld and flagged.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: ValidityState
    confirmed: bool
    key: TextKey = Field(description="text key: what happened")
    ask_key: TextKey | None = Field(default=None, description="text key: what to ask the patient")
    newer: NewerQualification | None = None


_KEYS: dict[ValidityState, TextKey] = {
    ValidityState.VALID: "validity.1",
    ValidityState.INVALID: "validity.2",
    ValidityState.INVALID_NEWER_EXISTS: "validity.3",
    ValidityState.NOT_FOUND: "validity.4",
    ValidityState.SEVERAL_MATCH: "validity.5",
}
_ASK_KEYS: dict[ValidityState, TextKey | None] = {
    ValidityState.VALID: None,
    ValidityState.INVALID: "validity.2.ask",
    ValidityState.INVALID_NEWER_EXISTS: "validity.3.ask",
    ValidityState.NOT_FOUND: "validity.4.ask",
    ValidityState.SEVERAL_MATCH: None,
}


def validity_guidance(
    state: ValidityState, newer: NewerQualification | None = None
) -> ValidityGuidance:
    """The desk's words for validity ``state``, with the newer qualification of state 3."""
    state = ValidityState(state)
    ask = _ASK_KEYS[state]
    newer_named = newer is not None and bool(newer.insurer_name)
    if state is ValidityState.INVALID_NEWER_EXISTS and newer_named:
        ask = "validity.3.ask_named"
    return ValidityGuidance(
        state=state,
        confirmed=state is ValidityState.VALID,
        key=_KEYS[state],
        ask_key=ask,
        newer=newer if state is ValidityState.INVALID_NEWER_EXISTS else None,
    )

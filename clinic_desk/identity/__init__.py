"""The identity gate: compares the card's name and birthdate with the fetched record's.

Pure functions, no I/O and no Textual. ``verdict`` decides MATCH, VARIANT or
MISMATCH and says why without quoting any personal data; ``spelling_diff``
gives staff both spellings side by side for a VARIANT decision.
"""

from clinic_desk.identity.compare import PositionKind
from clinic_desk.identity.diff import SpellingDiff, SpellingPosition, spelling_diff
from clinic_desk.identity.gate import IdentityInputError, verdict
from clinic_desk.identity.model import (
    REASON_TEXTS,
    IdentityOutcome,
    IdentityVerdict,
    ReasonCode,
    Verdict,
)
from clinic_desk.identity.normalise import UNKNOWN_MARK, UNKNOWN_MARKS, normalise_name
from clinic_desk.identity.variant_kanji import VARIANT_GROUPS, VariantGroup, VariantSource

__all__ = [
    "REASON_TEXTS",
    "UNKNOWN_MARK",
    "UNKNOWN_MARKS",
    "VARIANT_GROUPS",
    "IdentityInputError",
    "IdentityOutcome",
    "IdentityVerdict",
    "PositionKind",
    "ReasonCode",
    "SpellingDiff",
    "SpellingPosition",
    "VariantGroup",
    "VariantSource",
    "Verdict",
    "normalise_name",
    "spelling_diff",
    "verdict",
]

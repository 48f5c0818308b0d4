"""The 被保険者資格申立書: what a patient states about their insurance when nothing
can be confirmed (no card, the numbers find nothing, or the gateway is down).

The clinic charges the normal share on the patient's statement, queues the visit
for re-check like an offline visit, and corrects the claim once the gateway answers
(``services/declarations.py``). Nothing here was confirmed by anyone: it is the
patient's word, kept in the encrypted cache only, never shown as a record.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.insured_numbers import MAX_NAME, InsuredNumbers

# the shares a desk may charge on a statement (一部負担割合): 1割, 2割, 3割
DeclaredShare = Literal[10, 20, 30]
DECLARATION_MARK = "declaration"


class InsuranceDeclaration(BaseModel):
    """The insurer details the patient states, with the share the desk charged today."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    numbers: InsuredNumbers
    birthdate: date
    stated_name: str = Field(min_length=1, max_length=MAX_NAME * 2)
    copay_ratio: DeclaredShare = 30

    def __repr__(self) -> str:  # the patient's numbers never reach a log or a traceback
        return f"InsuranceDeclaration(copay_ratio={self.copay_ratio})"

    __str__ = __repr__

    def to_json(self) -> dict[str, Any]:
        """How the cache keeps it (inside the encrypted file only)."""
        numbers = self.numbers
        return {
            DECLARATION_MARK: {
                "insurer_number": numbers.insurer_number,
                "symbol": numbers.symbol,
                "number": numbers.number,
                "branch": numbers.branch,
                "copay_ratio": self.copay_ratio,
            }
        }

    @classmethod
    def from_json(cls, coverage: dict[str, Any], identity: dict[str, Any]) -> InsuranceDeclaration:
        """Back from the cache's snapshot JSON; raises ValueError (pydantic's) or KeyError."""
        kept = coverage[DECLARATION_MARK]
        return cls(
            numbers=InsuredNumbers(
                insurer_number=kept["insurer_number"],
                symbol=kept.get("symbol"),
                number=kept["number"],
                branch=kept.get("branch"),
            ),
            birthdate=date.fromisoformat(str(identity["birthdate"])),
            stated_name=str(identity["name"]),
            copay_ratio=kept.get("copay_ratio", 30),
        )


def is_declaration(coverage: dict[str, Any]) -> bool:
    """True for a cached snapshot that holds a declaration rather than a confirmed record."""
    return isinstance(coverage.get(DECLARATION_MARK), dict)

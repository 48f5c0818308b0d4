"""Names the gate has learned: a card holder's approved spelling aliases.

When staff accept a VARIANT (髙/高, a ● in the record), a manager may approve that
pair of spellings as this card holder's alias. A later check-in with the same
card, the same linked record and exactly the same two spellings then needs no
staff decision. The verdict itself does not change: it stays ``variant`` (a ●
is never a MATCH); ``decide`` only says that an approved alias covers it.

Pure functions over immutable records: the caller stores the aliases (the
offline cache, docs/identity-gate.md lists what it keeps) and writes the audit
entries these functions name. Aliases hold spellings: show them to managers
only, never log them (their ``repr`` holds no name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clinic_desk.identity.gate import verdict
from clinic_desk.identity.model import Verdict
from clinic_desk.identity.normalise import display_units

STAFF_ID = r"^[A-Za-z0-9._-]{1,32}$"


class AliasStatus(StrEnum):
    PROPOSED = "proposed"  # staff accepted the variant; waiting for a manager
    APPROVED = "approved"
    REVOKED = "revoked"


class AliasError(ValueError):
    """An alias action that is not allowed (the message holds no name)."""


def spelling(name: str) -> str:
    """A name as an alias keeps it: NFKC, spacing dropped, ● kept, kanji as written."""
    return "".join(display_units(name))


class NameAlias(BaseModel):
    """One card holder's alias: the card's spelling and the record's, for one card+record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    alias_id: str = Field(pattern=r"^al-[0-9a-f]{16}$")
    certificate_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    record_ref: str = Field(min_length=1, max_length=80)
    card_spelling: str = Field(min_length=1, max_length=64, repr=False)
    record_spelling: str = Field(min_length=1, max_length=64, repr=False)
    status: AliasStatus = AliasStatus.PROPOSED
    proposed_by: str = Field(pattern=STAFF_ID)
    proposed_at: AwareDatetime
    approved_by: str | None = Field(default=None, pattern=STAFF_ID)
    approved_at: AwareDatetime | None = None
    revoked_by: str | None = Field(default=None, pattern=STAFF_ID)
    revoked_at: AwareDatetime | None = None
    revoke_reason: str = Field(default="", max_length=200, repr=False)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        approved = self.approved_by is not None and self.approved_at is not None
        if self.status is not AliasStatus.PROPOSED and not approved:
            raise ValueError("an approved or revoked alias names its approver")
        if self.status is AliasStatus.REVOKED and (self.revoked_by is None or not self.revoked_at):
            raise ValueError("a revoked alias names who revoked it")
        return self

    def __str__(self) -> str:
        return f"NameAlias({self.alias_id}, {self.status.value})"

    def covers(
        self, certificate_sha256: str, record_ref: str, card_name: str, record_name: str
    ) -> bool:
        """True when this approved alias is for exactly this card, record and spellings."""
        return (
            self.status is AliasStatus.APPROVED
            and self.certificate_sha256 == certificate_sha256
            and self.record_ref == record_ref
            and self.card_spelling == spelling(card_name)
            and self.record_spelling == spelling(record_name)
        )


def _alias_id(certificate_sha256: str, record_ref: str, card: str, record: str) -> str:
    digest = hashlib.sha256("\x00".join((certificate_sha256, record_ref, card, record)).encode())
    return f"al-{digest.hexdigest()[:16]}"


def propose(
    *,
    certificate_sha256: str,
    record_ref: str,
    card_name: str,
    record_name: str,
    birthdate: date,
    staff_id: str,
    at: datetime,
) -> NameAlias:
    """An alias proposal from a VARIANT that staff accepted (audit: ``alias_proposed``).

    Only a VARIANT can become an alias: a MATCH needs none, and a MISMATCH is never
    learned (the gate's answer for a stranger's record stays a mismatch).
    """
    judged = verdict(card_name, birthdate, record_name, birthdate)
    if not judged.is_variant:
        raise AliasError(f"only a variant can become an alias, not a {judged.outcome.value}")
    card, record = spelling(card_name), spelling(record_name)
    return NameAlias(
        alias_id=_alias_id(certificate_sha256, record_ref, card, record),
        certificate_sha256=certificate_sha256,
        record_ref=record_ref,
        card_spelling=card,
        record_spelling=record,
        proposed_by=staff_id,
        proposed_at=at,
    )


def approve(alias: NameAlias, *, manager_id: str, at: datetime) -> NameAlias:
    """The manager approves a proposal (audit: ``alias_approved``)."""
    if alias.status is not AliasStatus.PROPOSED:
        raise AliasError(f"only a proposed alias can be approved, this one is {alias.status}")
    return alias.model_copy(
        update={"status": AliasStatus.APPROVED, "approved_by": manager_id, "approved_at": at}
    )


def revoke(alias: NameAlias, *, manager_id: str, at: datetime, reason: str = "") -> NameAlias:
    """The manager revokes an alias (audit: ``alias_revoked``); later check-ins ask staff again."""
    if alias.status is AliasStatus.REVOKED:
        raise AliasError("the alias is already revoked")
    approved = alias.approved_by is not None
    return alias.model_copy(
        update={
            "status": AliasStatus.REVOKED,
            # a proposal revoked before approval names the revoking manager as its approver
            "approved_by": alias.approved_by if approved else manager_id,
            "approved_at": alias.approved_at if approved else at,
            "revoked_by": manager_id,
            "revoked_at": at,
            "revoke_reason": reason[:200],
        }
    )


class AliasDecision(BaseModel):
    """The gate's verdict, and whether an approved alias spares the staff decision."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: Verdict
    alias_id: str | None = None

    @property
    def staff_decision_needed(self) -> bool:
        return self.verdict.is_variant and self.alias_id is None

    @property
    def accepted_by_alias(self) -> bool:
        return self.verdict.is_variant and self.alias_id is not None


def decide(
    card_name: str,
    card_birthdate: date,
    record_name: str,
    record_birthdate: date,
    *,
    certificate_sha256: str,
    record_ref: str,
    aliases: Iterable[NameAlias],
) -> AliasDecision:
    """``verdict`` (unchanged), plus the approved alias that covers a VARIANT, if any.

    A MATCH or a MISMATCH is never touched by an alias; a VARIANT is covered only by
    an APPROVED alias for the same card, the same record and the same spellings.
    """
    judged = verdict(card_name, card_birthdate, record_name, record_birthdate)
    if not judged.is_variant:
        return AliasDecision(verdict=judged)
    for alias in aliases:
        if alias.covers(certificate_sha256, record_ref, card_name, record_name):
            return AliasDecision(verdict=judged, alias_id=alias.alias_id)
    return AliasDecision(verdict=judged)


def listed(aliases: Iterable[NameAlias], *, include_revoked: bool = False) -> list[NameAlias]:
    """Aliases for the manager's list: newest proposal first, revoked ones on request."""
    shown = [a for a in aliases if include_revoked or a.status is not AliasStatus.REVOKED]
    return sorted(shown, key=lambda a: (a.proposed_at, a.alias_id), reverse=True)

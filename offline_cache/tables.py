"""The sealed tables: their columns, their key and how a row becomes a model.

Every table that holds what a desk or a manager relies on is sealed (see ``seals.py``);
``meta`` and ``audit_log`` are protected by the audit chain instead.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from offline_cache.codec import dt, maybe_dt
from offline_cache.errors import NotFound
from offline_cache.models import (
    AliasRow,
    AliasStatus,
    EligibilitySnapshot,
    Evidence,
    FlagMove,
    FlagStatus,
    GateOutcome,
    LockoutState,
    MedicationSnapshot,
    MismatchFlag,
    OfflineVisit,
    VisitStatus,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Table(Generic[T]):
    """One sealed table: ``columns`` in the order the seal covers them, ``key`` first."""

    name: str
    columns: tuple[str, ...]
    decode: Callable[[Sequence[Any]], T]
    noun: str  # for "there is no <noun> <id>"

    @property
    def key(self) -> str:
        return self.columns[0]

    @property
    def column_list(self) -> str:
        return ", ".join(self.columns)

    @property
    def select(self) -> str:
        return f"SELECT {self.column_list} FROM {self.name}"

    def find(self, conn: Any, key: str | int) -> T | None:
        row = conn.execute(f"{self.select} WHERE {self.key} = ?", (key,)).fetchone()
        return None if row is None else self.decode(row)

    def get(self, conn: Any, key: str | int) -> T:
        """The row with ``key``; NotFound when there is none."""
        found = self.find(conn, key)
        if found is None:
            raise NotFound(f"there is no {self.noun} {key}")
        return found


def _snapshot(row: Sequence[Any]) -> EligibilitySnapshot:
    cert, identity, coverage, outcome, fetched, expires, stored = row
    return EligibilitySnapshot(
        cert_sha256=cert,
        identity=json.loads(identity),
        coverage=json.loads(coverage),
        gate_outcome=GateOutcome(outcome),
        fetched_at=dt(fetched),
        expires_at=dt(expires),
        stored_at=dt(stored),
    )


def _medication(row: Sequence[Any]) -> MedicationSnapshot:
    cert, meds, consented, fetched, expires = row
    return MedicationSnapshot(
        cert_sha256=cert,
        medications=json.loads(meds),
        consented_at=dt(consented),
        fetched_at=dt(fetched),
        expires_at=dt(expires),
    )


def _visit(row: Sequence[Any]) -> OfflineVisit:
    vid, cert, desk, at, snap_at, status, reverified_at, result = row
    return OfflineVisit(
        id=vid,
        cert_sha256=cert,
        desk_id=desk,
        checked_in_at=dt(at),
        snapshot_fetched_at=dt(snap_at),
        status=VisitStatus(status),
        reverified_at=maybe_dt(reverified_at),
        reverification=json.loads(result) if result else None,
    )


def _flag(row: Sequence[Any]) -> MismatchFlag:
    (fid, created, desk, reason, status, card, ref, reported, contact, resolved, note) = row
    return MismatchFlag(
        id=fid,
        created_at=dt(created),
        desk_id=desk,
        reason=reason,
        status=FlagStatus(status),
        card_identity=json.loads(card),
        insurer_reference=ref,
        reported_at=maybe_dt(reported),
        insurer_contact=contact,
        resolved_at=maybe_dt(resolved),
        resolution_note=note,
    )


def _move(row: Sequence[Any]) -> FlagMove:
    seq, fid, at, actor, from_status, to_status, reported, contact, note = row
    return FlagMove(
        seq=seq,
        flag_id=fid,
        at=dt(at),
        actor=actor,
        from_status=FlagStatus(from_status),
        to_status=FlagStatus(to_status),
        reported_at=maybe_dt(reported),
        insurer_contact=contact,
        note=note,
    )


def _lockout(row: Sequence[Any]) -> LockoutState:
    _name, tries, until, _updated = row
    return LockoutState(failed_tries=tries, locked_until=maybe_dt(until))


SNAPSHOTS = Table(
    "eligibility_snapshot",
    (
        "cert_sha256",
        "identity_json",
        "coverage_json",
        "gate_outcome",
        "fetched_at",
        "expires_at",
        "stored_at",
    ),
    _snapshot,
    "eligibility snapshot",
)
MEDICATIONS = Table(
    "medication_snapshot",
    ("cert_sha256", "medications_json", "consented_at", "fetched_at", "expires_at"),
    _medication,
    "medication history",
)
VISITS = Table(
    "offline_visit",
    (
        "id",
        "cert_sha256",
        "desk_id",
        "checked_in_at",
        "snapshot_fetched_at",
        "status",
        "reverified_at",
        "reverification_json",
    ),
    _visit,
    "offline visit",
)
FLAGS = Table(
    "mismatch_flag",
    (
        "id",
        "created_at",
        "desk_id",
        "reason",
        "status",
        "card_identity_json",
        "insurer_reference",
        "reported_at",
        "insurer_contact",
        "resolved_at",
        "resolution_note",
    ),
    _flag,
    "mismatch flag",
)
FLAG_HISTORY = Table(
    "flag_history",
    (
        "seq",
        "flag_id",
        "at",
        "actor",
        "from_status",
        "to_status",
        "reported_at",
        "insurer_contact",
        "note",
    ),
    _move,
    "flag history step",
)
LOCKOUTS = Table(
    "lockout", ("name", "failed_tries", "locked_until", "updated_at"), _lockout, "lockout"
)


def _evidence(row: Sequence[Any]) -> Evidence:
    key, stored, desk, reason, name, digest, size, body = row
    return Evidence(
        id=key,
        stored_at=dt(stored),
        desk_id=desk,
        reason=reason,
        name=name,
        sha256=digest,
        size=size,
        body=base64.b64decode(body),
    )


EVIDENCE = Table(
    "evidence",
    ("id", "stored_at", "desk_id", "reason", "name", "sha256", "size", "body"),
    _evidence,
    "evidence file",
)


def _alias(row: Sequence[Any]) -> AliasRow:
    aid, cert, record_ref, status, alias, updated = row
    return AliasRow(
        id=aid,
        cert_sha256=cert,
        record_ref=record_ref,
        status=AliasStatus(status),
        alias=json.loads(alias),
        updated_at=dt(updated),
    )


ALIASES = Table(
    "name_alias",
    ("id", "cert_sha256", "record_ref", "status", "alias_json", "updated_at"),
    _alias,
    "name alias",
)

SEALED_TABLES: tuple[Table[Any], ...] = (
    SNAPSHOTS,
    MEDICATIONS,
    VISITS,
    FLAGS,
    FLAG_HISTORY,
    LOCKOUTS,
    EVIDENCE,
    ALIASES,
)

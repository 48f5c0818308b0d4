"""Rows of the offline cache as pydantic models, and the expiry policy.

Payloads (confirmed identity, coverage, medications, card identity) are JSON
objects given by the caller; this package stores them as they are and never
interprets them, so it stays independent of the application's domain models.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from offline_cache.codec import aware

JsonObject = dict[str, Any]

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

UtcDatetime = Annotated[datetime, AfterValidator(aware)]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GateOutcome(StrEnum):
    """How the identity gate confirmed the record that became a snapshot."""

    MATCH = "match"
    VARIANT_ACCEPTED = "variant_accepted"


class EligibilitySnapshot(_Row):
    """The last confirmed eligibility of one card, keyed by its certificate's SHA-256."""

    cert_sha256: Sha256Hex
    identity: JsonObject
    coverage: JsonObject
    gate_outcome: GateOutcome
    fetched_at: UtcDatetime
    expires_at: UtcDatetime
    stored_at: UtcDatetime

    def is_current(self, now: datetime) -> bool:
        return now < self.expires_at


class MedicationSnapshot(_Row):
    """Medication history the patient consented to, with its own (shorter) expiry."""

    cert_sha256: Sha256Hex
    medications: JsonObject
    consented_at: UtcDatetime
    fetched_at: UtcDatetime
    expires_at: UtcDatetime


class VisitStatus(StrEnum):
    """Where an offline visit stands with re-verification."""

    PENDING = "pending"  # checked in from the cache, not yet re-verified
    CONFIRMED = "confirmed"  # the gateway confirmed the same coverage
    CHANGED = "changed"  # still insured, but coverage differs from the snapshot
    REJECTED = "rejected"  # not eligible any more, or the identity no longer matches


class OfflineVisit(_Row):
    """A check-in done from the cache during an outage."""

    id: str
    cert_sha256: Sha256Hex
    desk_id: str
    checked_in_at: UtcDatetime
    snapshot_fetched_at: UtcDatetime
    status: VisitStatus
    reverified_at: UtcDatetime | None = None
    reverification: JsonObject | None = None


class Evidence(_Row):
    """One file kept as evidence of an exchange with the national system (encrypted)."""

    id: str
    stored_at: UtcDatetime
    desk_id: str
    reason: str  # answered, failed, face, withdrawn, … (what happened to the file)
    name: str  # the file's name in the terminal's folder
    sha256: Sha256Hex
    size: int
    body: bytes

    def __repr__(self) -> str:  # a body holds personal data: never in a traceback
        return f"Evidence(id={self.id!r}, name={self.name!r}, size={self.size})"

    __str__ = __repr__


class FlagStatus(StrEnum):
    """A mismatch flag's place in the manager's review queue."""

    OPEN = "open"
    REPORTED = "reported"  # sent to the insurer, awaiting their correction
    RESOLVED = "resolved"


class MismatchFlag(_Row):
    """What the manager's review screen needs about one withheld mismatch, nothing more."""

    id: str
    created_at: UtcDatetime
    desk_id: str
    reason: str
    status: FlagStatus
    card_identity: JsonObject
    insurer_reference: str | None = None
    reported_at: UtcDatetime | None = None
    insurer_contact: str | None = None
    resolved_at: UtcDatetime | None = None
    resolution_note: str | None = None


class FlagSummary(NamedTuple):
    """One line of the review queue: what a long list needs, cheap to read by the
    thousand (no personal data; ``MismatchFlag`` has the rest)."""

    id: str
    created_at: datetime
    desk_id: str
    reason: str
    status: FlagStatus


class FlagMove(_Row):
    """One step of a flag's review (reported, resolved, reopened), kept for good."""

    seq: int
    flag_id: str
    at: UtcDatetime
    actor: str
    from_status: FlagStatus
    to_status: FlagStatus
    reported_at: UtcDatetime | None = None
    insurer_contact: str | None = None
    note: str | None = None


class AliasStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REVOKED = "revoked"


class AliasRow(_Row):
    """One stored name alias; ``alias`` is the caller's JSON (spellings, who, when)."""

    id: str
    cert_sha256: Sha256Hex
    record_ref: str
    status: AliasStatus
    alias: JsonObject = Field(repr=False)
    updated_at: UtcDatetime


class LockoutState(_Row):
    """Wrong tries in a row at a secret (the manager PIN) and until when it is locked."""

    failed_tries: int = Field(default=0, ge=0)
    locked_until: UtcDatetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class AuditEntry(_Row):
    """One append-only audit row, hash-chained to the row before it."""

    seq: int
    at: UtcDatetime
    actor: str
    action: str
    subject_ids: tuple[str, ...]
    note: str
    prev_hash: Sha256Hex
    hash: Sha256Hex


class CachePolicy(_Row):
    """How long each kind of record may be used offline."""

    eligibility_ttl: timedelta = timedelta(days=30)
    # Consent given at the desk covers 24 hours: cached medications must not outlive it.
    medication_ttl: timedelta = timedelta(hours=24)
    # Re-verified visits are kept this long for reconciliation; pending ones never expire.
    visit_retention: timedelta = timedelta(days=90)


class PurgeReport(_Row):
    """What one purge removed."""

    snapshots: int
    medications: int
    visits: int
    kept_for_pending_visits: int


class VerifyReport(_Row):
    """The result of a full check: the file's pages, the audit chain and the sealed rows.

    ``audit_readable`` is False when the chain could not be read at all (a damaged
    page): then nothing is known about it, which is not the same as a broken chain.
    """

    integrity_ok: bool
    audit_ok: bool
    audit_rows: int
    audit_head: str
    problems: tuple[str, ...] = ()
    audit_readable: bool = True
    rows_ok: bool = True
    rows_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.integrity_ok and self.audit_readable and self.audit_ok and self.rows_ok


class CacheCounts(_Row):
    """Row counts for `cache status`."""

    schema_version: int
    snapshots: int
    expired_snapshots: int
    medications: int
    pending_visits: int
    visits: int
    open_flags: int
    flags: int
    audit_rows: int

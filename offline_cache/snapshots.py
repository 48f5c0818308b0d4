"""Eligibility snapshots and the medication history kept with them."""

from __future__ import annotations

from datetime import datetime

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.errors import SnapshotUnavailable
from offline_cache.models import (
    CachePolicy,
    EligibilitySnapshot,
    GateOutcome,
    JsonObject,
    MedicationSnapshot,
)
from offline_cache.tables import MEDICATIONS, SNAPSHOTS
from offline_cache.unit import UnitOfWork

_REPLACE_SNAPSHOT = (
    "ON CONFLICT (cert_sha256) DO UPDATE SET identity_json = excluded.identity_json, "
    "coverage_json = excluded.coverage_json, gate_outcome = excluded.gate_outcome, "
    "fetched_at = excluded.fetched_at, expires_at = excluded.expires_at, "
    "stored_at = excluded.stored_at, seal = excluded.seal"
)
_REPLACE_MEDICATIONS = (
    "ON CONFLICT (cert_sha256) DO UPDATE SET medications_json = excluded.medications_json, "
    "consented_at = excluded.consented_at, fetched_at = excluded.fetched_at, "
    "expires_at = excluded.expires_at, seal = excluded.seal"
)


class SnapshotStore:
    """The last confirmed eligibility of each card, keyed by its certificate's SHA-256."""

    def __init__(self, unit: UnitOfWork, audit: AuditLog, policy: CachePolicy) -> None:
        self._unit = unit
        self._audit = audit
        self._policy = policy

    def put_confirmed(
        self,
        cert_sha256: str,
        *,
        identity: JsonObject,
        coverage: JsonObject,
        gate_outcome: GateOutcome,
        fetched_at: datetime | None = None,
        actor: str | None = None,
    ) -> EligibilitySnapshot:
        """Store (or replace) the card's snapshot. Only for records the identity gate confirmed.

        ``gate_outcome`` says how the gate confirmed it; anything else must not be cached.
        """
        cert = codec.cert(cert_sha256)
        outcome = GateOutcome(gate_outcome)
        now = self._unit.now()
        fetched = codec.aware(fetched_at) if fetched_at else now
        snapshot = EligibilitySnapshot(
            cert_sha256=cert,
            identity=identity,
            coverage=coverage,
            gate_outcome=outcome,
            fetched_at=fetched,
            expires_at=fetched + self._policy.eligibility_ttl,
            stored_at=now,
        )
        values = (
            cert,
            codec.json_text(identity),
            codec.json_text(coverage),
            outcome.value,
            codec.ts(snapshot.fetched_at),
            codec.ts(snapshot.expires_at),
            codec.ts(now),
        )
        with self._unit.write() as tx:
            tx.put(SNAPSHOTS, values, replace=_REPLACE_SNAPSHOT)
            self._audit.append(tx, "snapshot.store", (cert,), outcome.value, actor)
        return snapshot

    def get(self, cert_sha256: str, *, include_expired: bool = False) -> EligibilitySnapshot | None:
        """The card's current (unexpired) snapshot, or None.

        ``include_expired=True`` also returns an expired one (not yet purged), so the desk
        can say "the offline record expired on …" instead of "no record"; it must not be
        used for a check-in.
        """
        cert = codec.cert(cert_sha256)
        cutoff = "" if include_expired else codec.ts(self._unit.now())
        with self._unit.read() as conn:
            row = conn.execute(
                f"{SNAPSHOTS.select} WHERE cert_sha256 = ? AND expires_at > ?", (cert, cutoff)
            ).fetchone()
        return None if row is None else SNAPSHOTS.decode(row)

    def forget_card(self, cert_sha256: str, *, actor: str | None = None) -> bool:
        """Delete the card's snapshot and medications (e.g. at the patient's request)."""
        cert = codec.cert(cert_sha256)
        with self._unit.write() as tx:
            tx.delete(MEDICATIONS, "cert_sha256 = ?", (cert,))
            gone = tx.delete(SNAPSHOTS, "cert_sha256 = ?", (cert,))
            self._audit.append(tx, "snapshot.forget", (cert,), f"removed={gone}", actor)
        return bool(gone)


class MedicationStore:
    """Medication history the patient consented to, never kept past its snapshot."""

    def __init__(self, unit: UnitOfWork, audit: AuditLog, policy: CachePolicy) -> None:
        self._unit = unit
        self._audit = audit
        self._policy = policy

    def put(
        self,
        cert_sha256: str,
        *,
        medications: JsonObject,
        consented_at: datetime,
        fetched_at: datetime | None = None,
        actor: str | None = None,
    ) -> MedicationSnapshot:
        """Store medication history the patient consented to, expiring before the snapshot.

        Requires the card's current eligibility snapshot (SnapshotUnavailable otherwise).
        """
        cert = codec.cert(cert_sha256)
        now = self._unit.now()
        consented = codec.aware(consented_at)
        fetched = codec.aware(fetched_at) if fetched_at else now
        with self._unit.write() as tx:
            row = tx.execute(
                "SELECT expires_at FROM eligibility_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, codec.ts(now)),
            ).fetchone()
            if row is None:
                raise SnapshotUnavailable(
                    "medication history is only kept with a current eligibility snapshot"
                )
            # Consent covers a limited time; never keep it past the eligibility snapshot.
            expires = min(consented + self._policy.medication_ttl, codec.dt(row[0]))
            med = MedicationSnapshot(
                cert_sha256=cert,
                medications=medications,
                consented_at=consented,
                fetched_at=fetched,
                expires_at=expires,
            )
            values = (
                cert,
                codec.json_text(medications),
                codec.ts(consented),
                codec.ts(fetched),
                codec.ts(expires),
            )
            tx.put(MEDICATIONS, values, replace=_REPLACE_MEDICATIONS)
            self._audit.append(tx, "medications.store", (cert,), "consented", actor)
        return med

    def get(self, cert_sha256: str) -> MedicationSnapshot | None:
        """The card's consented, unexpired medication history, or None."""
        cert = codec.cert(cert_sha256)
        with self._unit.read() as conn:
            row = conn.execute(
                f"{MEDICATIONS.select} WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, codec.ts(self._unit.now())),
            ).fetchone()
        return None if row is None else MEDICATIONS.decode(row)

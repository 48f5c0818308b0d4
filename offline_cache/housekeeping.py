"""Expiry across the tables, and the row counts for status screens."""

from __future__ import annotations

from offline_cache import codec, schema
from offline_cache.audit import AuditLog
from offline_cache.connection import page_problems
from offline_cache.errors import CacheCorrupt
from offline_cache.models import CacheCounts, CachePolicy, PurgeReport
from offline_cache.tables import MEDICATIONS, SNAPSHOTS, VISITS
from offline_cache.unit import UnitOfWork

# Expired snapshots that no visit waiting for re-verification still needs.
_DOOMED_SNAPSHOTS = (
    "expires_at <= ? AND cert_sha256 NOT IN "
    "(SELECT cert_sha256 FROM offline_visit WHERE status = 'pending')"
)

DAMAGED_NOTHING_PURGED = (
    "the offline cache file is damaged, so nothing was purged and the file was left "
    "untouched (run `clinic-desk cache verify`; `clinic-desk cache init --reset` moves it "
    "aside and starts a new one)"
)


def purge(unit: UnitOfWork, audit: AuditLog, policy: CachePolicy, actor: str | None) -> PurgeReport:
    """Delete expired snapshots and medications and old re-verified visits.

    Every page is checked first: a damaged file is refused (CacheCorrupt) before anything
    is written into it. A snapshot that a pending visit still relies on is kept until it
    is re-verified. Flags and audit rows are never purged.
    """
    now = unit.now()
    stamp = codec.ts(now)
    visit_cutoff = codec.ts(now - policy.visit_retention)
    with unit.mutex:
        if page_problems(unit.conn):
            raise CacheCorrupt(DAMAGED_NOTHING_PURGED)
        with unit.write() as tx:
            kept = tx.execute(
                "SELECT count(*) FROM eligibility_snapshot s WHERE s.expires_at <= ? AND EXISTS "
                "(SELECT 1 FROM offline_visit v WHERE v.cert_sha256 = s.cert_sha256 "
                "AND v.status = 'pending')",
                (stamp,),
            ).fetchone()[0]
            # A snapshot's medications go with it (the foreign key would cascade anyway;
            # deleting them here keeps their seals in the audit row).
            meds = tx.delete(
                MEDICATIONS,
                f"expires_at <= ? OR cert_sha256 IN "
                f"(SELECT cert_sha256 FROM eligibility_snapshot WHERE {_DOOMED_SNAPSHOTS})",
                (stamp, stamp),
            )
            snaps = tx.delete(SNAPSHOTS, _DOOMED_SNAPSHOTS, (stamp,))
            visits = tx.delete(
                VISITS, "status != 'pending' AND reverified_at <= ?", (visit_cutoff,)
            )
            note = f"snapshots={snaps} medications={meds} visits={visits} kept={kept}"
            audit.append(tx, "cache.purge", (), note, actor)
    return PurgeReport(
        snapshots=snaps, medications=meds, visits=visits, kept_for_pending_visits=kept
    )


def counts(unit: UnitOfWork) -> CacheCounts:
    """Row counts for status screens (no personal data)."""
    stamp = codec.ts(unit.now())
    with unit.read() as conn:

        def one(sql: str, *params: str) -> int:
            return int(conn.execute(sql, params).fetchone()[0])

        return CacheCounts(
            schema_version=schema.user_version(conn),
            snapshots=one("SELECT count(*) FROM eligibility_snapshot"),
            expired_snapshots=one(
                "SELECT count(*) FROM eligibility_snapshot WHERE expires_at <= ?", stamp
            ),
            medications=one("SELECT count(*) FROM medication_snapshot"),
            pending_visits=one("SELECT count(*) FROM offline_visit WHERE status = 'pending'"),
            visits=one("SELECT count(*) FROM offline_visit"),
            open_flags=one("SELECT count(*) FROM mismatch_flag WHERE status != 'resolved'"),
            flags=one("SELECT count(*) FROM mismatch_flag"),
            audit_rows=one("SELECT count(*) FROM audit_log"),
        )

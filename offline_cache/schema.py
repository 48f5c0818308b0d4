"""The schema and its forward migrations (tracked in ``PRAGMA user_version``).

``MIGRATIONS[i]`` takes a file from version ``i`` to ``i + 1``. The DDL of a released
version is never edited: the tests build files of every earlier version from it and
migrate them forward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlcipher3

# Version 1: the first released schema.
V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE eligibility_snapshot (
    cert_sha256 TEXT PRIMARY KEY CHECK (length(cert_sha256) = 64),
    identity_json TEXT NOT NULL,
    coverage_json TEXT NOT NULL,
    gate_outcome TEXT NOT NULL CHECK (gate_outcome IN ('match', 'variant_accepted')),
    fetched_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE medication_snapshot (
    cert_sha256 TEXT PRIMARY KEY
        REFERENCES eligibility_snapshot (cert_sha256) ON DELETE CASCADE,
    medications_json TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE offline_visit (
    id TEXT PRIMARY KEY,
    cert_sha256 TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    checked_in_at TEXT NOT NULL,
    snapshot_fetched_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'changed', 'rejected')),
    reverified_at TEXT,
    reverification_json TEXT
);
CREATE TABLE mismatch_flag (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    card_identity_json TEXT NOT NULL,
    insurer_reference TEXT
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subjects_json TEXT NOT NULL,
    note TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows are append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows are append-only'); END;
CREATE TRIGGER mismatch_flag_kept BEFORE DELETE ON mismatch_flag
BEGIN SELECT RAISE(ABORT, 'mismatch flags are never deleted'); END;
"""

# Version 2: flags gain the reporting workflow (open -> reported -> resolved) with the
# insurer contact and a resolution note; expiry and queue lookups get indexes.
# SQLite cannot alter a CHECK constraint, so the flag table is rebuilt.
V2 = """
CREATE TABLE mismatch_flag_v2 (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'reported', 'resolved')),
    card_identity_json TEXT NOT NULL,
    insurer_reference TEXT,
    reported_at TEXT,
    insurer_contact TEXT,
    resolved_at TEXT,
    resolution_note TEXT
);
INSERT INTO mismatch_flag_v2 (id, created_at, desk_id, reason, status, card_identity_json,
                              insurer_reference)
    SELECT id, created_at, desk_id, reason, status, card_identity_json, insurer_reference
    FROM mismatch_flag;
DROP TRIGGER mismatch_flag_kept;
DROP TABLE mismatch_flag;
ALTER TABLE mismatch_flag_v2 RENAME TO mismatch_flag;
CREATE TRIGGER mismatch_flag_kept BEFORE DELETE ON mismatch_flag
BEGIN SELECT RAISE(ABORT, 'mismatch flags are never deleted'); END;
CREATE INDEX mismatch_flag_by_status ON mismatch_flag (status, created_at);
CREATE INDEX eligibility_snapshot_by_expiry ON eligibility_snapshot (expires_at);
CREATE INDEX medication_snapshot_by_expiry ON medication_snapshot (expires_at);
CREATE INDEX offline_visit_by_status ON offline_visit (status, checked_in_at);
CREATE INDEX offline_visit_by_card ON offline_visit (cert_sha256, status);
"""

# Version 3: the manager's review. Every move of a flag (reported, resolved, reopened) is
# kept with its free-text details, so reopening and resolving again loses nothing; the
# manager PIN's wrong-try counter and lock survive a restart.
V3 = """
CREATE TABLE flag_history (
    seq INTEGER PRIMARY KEY,
    flag_id TEXT NOT NULL REFERENCES mismatch_flag (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reported_at TEXT,
    insurer_contact TEXT,
    note TEXT
);
CREATE INDEX flag_history_by_flag ON flag_history (flag_id, seq);
CREATE TRIGGER flag_history_append_only_update BEFORE UPDATE ON flag_history
BEGIN SELECT RAISE(ABORT, 'flag history rows are append-only'); END;
CREATE TRIGGER flag_history_append_only_delete BEFORE DELETE ON flag_history
BEGIN SELECT RAISE(ABORT, 'flag history rows are append-only'); END;
-- Moves made before this version become the first history rows.
INSERT INTO flag_history (flag_id, at, actor, from_status, to_status, reported_at,
                          insurer_contact, note)
    SELECT id, reported_at, 'schema-v3', 'open', 'reported', reported_at, insurer_contact, NULL
    FROM mismatch_flag WHERE reported_at IS NOT NULL ORDER BY reported_at, id;
INSERT INTO flag_history (flag_id, at, actor, from_status, to_status, reported_at,
                          insurer_contact, note)
    SELECT id, resolved_at, 'schema-v3',
           CASE WHEN reported_at IS NULL THEN 'open' ELSE 'reported' END, 'resolved',
           NULL, NULL, resolution_note
    FROM mismatch_flag WHERE resolved_at IS NOT NULL ORDER BY resolved_at, id;
CREATE TABLE lockout (
    name TEXT PRIMARY KEY,
    failed_tries INTEGER NOT NULL CHECK (failed_tries >= 0),
    locked_until TEXT,
    updated_at TEXT NOT NULL
);
"""

# Version 4: seals (see ``seals.py``). Each sealed table gains the HMAC of its row; each
# audit row the seals its write found and left. The seals of rows that exist when a file
# reaches this version are computed in the migration's transaction (``migrate``'s
# ``finish``), which also records them in one audit row. Flag history stays append-only
# except for its seal.
V4 = """
ALTER TABLE eligibility_snapshot ADD COLUMN seal TEXT;
ALTER TABLE medication_snapshot ADD COLUMN seal TEXT;
ALTER TABLE offline_visit ADD COLUMN seal TEXT;
ALTER TABLE mismatch_flag ADD COLUMN seal TEXT;
ALTER TABLE flag_history ADD COLUMN seal TEXT;
ALTER TABLE lockout ADD COLUMN seal TEXT;
ALTER TABLE audit_log ADD COLUMN seals_json TEXT NOT NULL DEFAULT '[]';
DROP TRIGGER flag_history_append_only_update;
CREATE TRIGGER flag_history_append_only_update
BEFORE UPDATE OF seq, flag_id, at, actor, from_status, to_status, reported_at,
                 insurer_contact, note ON flag_history
BEGIN SELECT RAISE(ABORT, 'flag history rows are append-only'); END;
"""

# Version 5: evidence. The files a clinic keeps of its exchanges with the national
# system (a 資格確認端末's requests, answers and face-reader results) are kept here,
# encrypted and sealed, instead of as plain files. Append-only but for the purge of
# rows past their keeping period (never changed).
V5 = """
CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    stored_at TEXT NOT NULL,
    desk_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    body TEXT NOT NULL,
    seal TEXT
);
CREATE INDEX evidence_by_time ON evidence (stored_at);
CREATE TRIGGER evidence_never_changed BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence rows are never changed'); END;
"""

# Version 6: names the gate has learned. A card holder's spelling aliases (the card's
# spelling and the record's, for one card and one record), proposed when staff accept a
# variant, approved or revoked by the manager. Sealed; never deleted (revoked instead).
V6 = """
CREATE TABLE name_alias (
    id TEXT PRIMARY KEY,
    cert_sha256 TEXT NOT NULL CHECK (length(cert_sha256) = 64),
    record_ref TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'revoked')),
    alias_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seal TEXT
);
CREATE INDEX name_alias_by_card ON name_alias (cert_sha256, status);
CREATE TRIGGER name_alias_kept BEFORE DELETE ON name_alias
BEGIN SELECT RAISE(ABORT, 'name aliases are revoked, never deleted'); END;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6)
CURRENT_VERSION = len(MIGRATIONS)
# The first version whose rows and audit rows are sealed.
SEALED_SINCE = 4

# Called inside the last migration's transaction with the connection and the version
# the file started at, before the new version is committed.
Finish = Callable[[Any, int], None]


def user_version(conn: Any) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Any, *, target: int = CURRENT_VERSION, finish: Finish | None = None) -> int:
    """Apply every missing migration up to ``target``, each in its own transaction.

    ``finish`` runs in the last one, so what it writes (the seals of existing rows) and
    the new version commit together or not at all. Returns the version the file started
    at. The caller has checked that the file is not newer than this code.
    """
    start = user_version(conn)
    for version in range(start, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            if finish is not None and version + 1 == target:
                finish(conn, start)
            # user_version is part of the database header, so it commits with the DDL.
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return start


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buf: list[str] = []
    for line in script.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and _complete(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        raise ValueError("unterminated statement in schema script")
    return out


def _complete(statement: str) -> bool:
    return bool(sqlcipher3.complete_statement(statement))

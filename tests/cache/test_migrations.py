"""Files of every earlier schema version open, migrate forward and keep their rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from offline_cache import (
    CURRENT_VERSION,
    CacheFiles,
    DataKey,
    FlagStatus,
    GateOutcome,
    KeyFile,
    OfflineCache,
)
from offline_cache.audit import GENESIS_HASH, entry_hash
from offline_cache.schema import MIGRATIONS, SEALED_SINCE
from tests.cache.support import PASSPHRASE, TEST_SCRYPT_N, FakeClock, cert, raw_connect


def build_old_file(files: CacheFiles, version: int, clock: FakeClock) -> None:
    """A cache as an older release wrote it, from that release's recorded DDL."""
    files.data_dir.mkdir(mode=0o700, parents=True)
    files.config_dir.mkdir(mode=0o700, parents=True)
    key = DataKey.generate()
    KeyFile.seal(key, PASSPHRASE, now=clock.now, scrypt_n=TEST_SCRYPT_N).save(files.key_file)
    conn: Any = raw_connect(files, key)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    ts = clock.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    expires = (clock.now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    conn.execute(
        "INSERT INTO eligibility_snapshot VALUES (?, '{\"name\":\"佐藤 健\"}', '{}', 'match', "
        "?, ?, ?)",
        (cert("sato"), ts, expires, ts),
    )
    conn.execute(
        "INSERT INTO mismatch_flag (id, created_at, desk_id, reason, status, "
        "card_identity_json, insurer_reference) VALUES ('f1', ?, 'desk-1', 'name_mismatch', "
        "'open', '{}', 'QUAL-9')",
        (ts,),
    )
    conn.execute(
        "INSERT INTO offline_visit VALUES ('v1', ?, 'desk-1', ?, ?, 'pending', NULL, NULL)",
        (cert("sato"), ts, ts),
    )
    conn.close()


# Files from before seals are built here from their DDL; a sealed file (version 4 on)
# is made by this code and taken back to its version (test_sealed_versions_migrate…).
@pytest.mark.parametrize("version", range(1, SEALED_SINCE))
def test_earlier_versions_migrate_forward(
    files: CacheFiles, clock: FakeClock, version: int
) -> None:
    build_old_file(files, version, clock)
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert cache.schema_version == CURRENT_VERSION
        snap = cache.snapshots.get(cert("sato"))
        assert snap is not None and snap.identity == {"name": "佐藤 健"}
        assert [v.id for v in cache.visits.pending()] == ["v1"]
        flag = cache.flags.get("f1")
        assert flag.status is FlagStatus.OPEN and flag.insurer_reference == "QUAL-9"
        # The workflow added since then works on the migrated rows.
        assert cache.flags.mark_reported("f1", insurer_contact="fax").status is FlagStatus.REPORTED
        entries = cache.audit.entries()
        assert entries[0].action == "cache.migrate"
        assert entries[0].note == f"schema {version} -> {CURRENT_VERSION}"
        assert cache.verify().ok
    # A second open finds nothing left to migrate.
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert [e.action for e in cache.audit.entries()].count("cache.migrate") == 1


# what each migration since seals adds, dropped again to make a file of the version before
_ADDED_SINCE = {
    5: ("DROP TABLE evidence",),
    6: ("DROP TRIGGER name_alias_kept", "DROP INDEX name_alias_by_card", "DROP TABLE name_alias"),
}


@pytest.mark.parametrize("version", range(SEALED_SINCE, CURRENT_VERSION))
def test_sealed_versions_migrate_forward_and_keep_every_row(
    files: CacheFiles, clock: FakeClock, version: int
) -> None:
    with OfflineCache.create(
        files.data_dir, files.config_dir, PASSPHRASE, now=clock, scrypt_n=TEST_SCRYPT_N
    ) as cache:
        cache.snapshots.put_confirmed(
            cert("sato"), identity={"name": "佐藤 健"}, coverage={}, gate_outcome=GateOutcome.MATCH
        )
        visit = cache.visits.record_offline(cert("sato"), desk_id="desk-1")
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    for later in range(CURRENT_VERSION, version, -1):
        for statement in _ADDED_SINCE[later]:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert cache.schema_version == CURRENT_VERSION
        assert [v.id for v in cache.visits.pending()] == [visit.id]
        assert cache.audit.entries()[-1].note == f"schema {version} -> {CURRENT_VERSION}"
        kept = cache.evidence.keep("OQSsiquc01res_x.xml", b"<x/>", reason="answered", desk_id="d")
        assert cache.evidence.get(kept.id).body == b"<x/>"
        assert cache.aliases.find() == []
        report = cache.verify()
        assert report.ok, report.problems


def test_migrated_schema_equals_a_fresh_one(
    files: CacheFiles, clock: FakeClock, tmp_path: Any
) -> None:
    build_old_file(files, 1, clock)
    OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock).close()
    fresh = CacheFiles(tmp_path / "fresh-data", tmp_path / "fresh-config")
    OfflineCache.create(
        fresh.data_dir, fresh.config_dir, PASSPHRASE, now=clock, scrypt_n=TEST_SCRYPT_N
    ).close()

    def shape(where: CacheFiles) -> list[tuple[str, str]]:
        conn: Any = raw_connect(where, OfflineCache.unlock_key(where.config_dir, PASSPHRASE))
        rows = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
        ).fetchall()
        columns = [
            (table, str(conn.execute(f"SELECT * FROM {table}").description))
            for _, table in rows
            if _ == "table"
        ]
        conn.close()
        return [*rows, *columns]

    assert shape(files) == shape(fresh)


def add_legacy_audit_rows(files: CacheFiles, clock: FakeClock, count: int) -> list[str]:
    """Audit rows as a release before seals wrote them: a plain SHA-256 chain."""
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    prev = GENESIS_HASH
    hashes = []
    for seq in range(1, count + 1):
        at = clock.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields = {"seq": seq, "at": at, "actor": "desk", "action": "desk.start", "note": ""}
        digest = entry_hash(**fields, subject_ids=[], prev_hash=prev)
        conn.execute(
            "INSERT INTO audit_log VALUES (?, ?, 'desk', 'desk.start', '[]', '', ?, ?)",
            (seq, at, prev, digest),
        )
        prev = digest
        hashes.append(digest)
    conn.execute("INSERT INTO meta VALUES ('audit_head', ?)", (f"{count}:{prev}",))
    conn.close()
    return hashes


def test_migration_seals_existing_rows_and_anchors_the_old_chain(
    files: CacheFiles, clock: FakeClock
) -> None:
    build_old_file(files, 3, clock)
    add_legacy_audit_rows(files, clock, 3)
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        report = cache.verify()
        assert report.ok, report.problems
        assert report.rows_checked == 3  # snapshot, flag and visit, sealed by the migration
        migrate = cache.audit.entries()[3]
        assert (migrate.seq, migrate.action) == (4, "cache.migrate")
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    seals = conn.execute("SELECT seal FROM mismatch_flag UNION ALL SELECT seal FROM offline_visit")
    assert all(len(seal) == 64 for (seal,) in seals.fetchall())
    # Rewriting an old row and recomputing the old chain after it cannot reach the
    # first sealed row, whose seal covers the old chain's last hash.
    conn.execute("DROP TRIGGER audit_log_append_only_update")
    prev = GENESIS_HASH
    for seq in (1, 2, 3):
        at, note = conn.execute("SELECT at, note FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        actor = "someone" if seq == 2 else "desk"
        digest = entry_hash(
            seq=seq,
            at=at,
            actor=actor,
            action="desk.start",
            subject_ids=[],
            note=note,
            prev_hash=prev,
        )
        conn.execute(
            "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (actor, prev, digest, seq),
        )
        prev = digest
    conn.execute("UPDATE offline_visit SET status = 'confirmed'")
    conn.close()
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert list(cache.verify().problems) == [
            "audit row 4 does not link to the row before it",
            "offline_visit row v1 was changed outside clinic-desk",
        ]

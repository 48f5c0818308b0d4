"""The hash-chained audit log: edits and deletions made with the key and plain SQL are caught."""

from __future__ import annotations

from typing import Any

import pytest

from offline_cache import CacheFiles, GateOutcome, OfflineCache
from tests.cache.support import PASSPHRASE, FakeClock, cert, raw_connect


def busy_cache(cache: OfflineCache) -> None:
    for n in range(5):
        cache.snapshots.put_confirmed(
            cert(f"p{n}"), identity={}, coverage={}, gate_outcome=GateOutcome.MATCH
        )
    cache.audit.record("checkin.withheld", ("visit-9",), note="MISMATCH")
    cache.close()


def tamper(files: CacheFiles, *statements: str) -> None:
    """What someone holding the passphrase could do with plain SQL and no API."""
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    conn.execute("DROP TRIGGER audit_log_append_only_update")
    conn.execute("DROP TRIGGER audit_log_append_only_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def verify(files: CacheFiles, clock: FakeClock) -> list[str]:
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        report = cache.verify()
    assert report.integrity_ok
    assert report.audit_ok is (not report.problems)
    return list(report.problems)


def test_untouched_chain_verifies(cache: OfflineCache, files: CacheFiles, clock: FakeClock) -> None:
    busy_cache(cache)
    assert verify(files, clock) == []


def test_triggers_refuse_edits_through_sql(cache: OfflineCache, files: CacheFiles) -> None:
    busy_cache(cache)
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
    with pytest.raises(Exception, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    conn.close()


def test_edited_row_is_detected(cache: OfflineCache, files: CacheFiles, clock: FakeClock) -> None:
    busy_cache(cache)
    tamper(files, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    assert verify(files, clock) == ["audit row 3 was changed after it was written"]


def test_edited_row_with_recomputed_hash_breaks_the_link(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    busy_cache(cache)
    tamper(
        files,
        "UPDATE audit_log SET note = 'x', hash = "
        "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' WHERE seq = 2",
    )
    problems = verify(files, clock)
    assert "audit row 2 was changed after it was written" in problems
    assert "audit row 3 does not link to the row before it" in problems


def test_deleted_row_is_detected(cache: OfflineCache, files: CacheFiles, clock: FakeClock) -> None:
    busy_cache(cache)
    tamper(files, "DELETE FROM audit_log WHERE seq = 4")
    problems = verify(files, clock)
    assert "audit rows 4..4 are missing" in problems
    assert "audit row 5 does not link to the row before it" in problems


def test_deleted_newest_row_is_detected(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    busy_cache(cache)
    tamper(files, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    assert verify(files, clock) == ["the newest audit rows (7..7) were removed"]


def test_chain_continues_across_reopen(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    busy_cache(cache)
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as again:
        entry = again.audit.record("desk.start")
        assert entry.seq == 8
        assert entry.prev_hash == again.audit.entries()[-2].hash
        assert again.verify().ok

"""Tamper evidence against someone who holds the key: rows edited, inserted or deleted with
plain SQL in a second, raw SQLCipher connection are named by `verify` (table and row)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from offline_cache import (
    CacheFiles,
    FlagStatus,
    GateOutcome,
    LockoutState,
    OfflineCache,
    VisitStatus,
)
from offline_cache.audit import entry_hash
from tests.cache.support import PASSPHRASE, FakeClock, cert, raw_connect


@dataclass(frozen=True)
class Rows:
    """Keys of the rows a busy desk left behind."""

    snapshot: str
    visit: str
    open_flag: str
    resolved_flag: str


def busy_cache(cache: OfflineCache, clock: FakeClock) -> Rows:
    for label in ("sato", "suzuki"):
        cache.snapshots.put_confirmed(
            cert(label),
            identity={"name": label},
            coverage={"copay": 0.3},
            gate_outcome=GateOutcome.MATCH,
        )
    cache.medications.put(cert("sato"), medications={"dispenses": []}, consented_at=clock.now)
    visit = cache.visits.record_offline(cert("sato"), desk_id="desk-1")
    done = cache.visits.record_offline(cert("suzuki"), desk_id="desk-1")
    cache.visits.record_reverification(done.id, status=VisitStatus.CONFIRMED, result={})
    flags = [
        cache.flags.raise_flag(
            desk_id="desk-1", reason="name_mismatch", card_identity={"name": f"chip {n}"}
        )
        for n in range(2)
    ]
    cache.flags.mark_reported(flags[1].id, insurer_contact="fax")
    cache.flags.resolve(flags[1].id, note="corrected")
    cache.lockouts.put(
        "manager_pin", LockoutState(failed_tries=3), action="manager.pin_wrong", note="tries=3"
    )
    cache.audit.record("desk.start")
    return Rows(cert("sato"), visit.id, flags[0].id, flags[1].id)


@pytest.fixture
def rows(cache: OfflineCache, clock: FakeClock) -> Iterator[Rows]:
    made = busy_cache(cache, clock)
    cache.close()
    yield made


def tamper(files: CacheFiles, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """What someone holding the passphrase could do with plain SQL and no program."""
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    for statement in statements:
        sql, params = statement if isinstance(statement, tuple) else (statement, ())
        conn.execute(sql, params)
    conn.close()


def problems(files: CacheFiles, clock: FakeClock) -> list[str]:
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        report = cache.verify()
    assert report.integrity_ok and report.audit_readable
    assert report.ok is (not report.problems)
    return list(report.problems)


def test_a_busy_untouched_cache_verifies(rows: Rows, files: CacheFiles, clock: FakeClock) -> None:
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        cache.flags.reopen(rows.resolved_flag, note="again")
        cache.snapshots.forget_card(cert("suzuki"))
        clock.advance(days=120)
        cache.purge()
        report = cache.verify()
    assert report.ok, report.problems
    assert report.rows_checked > 5


def test_flag_resolved_with_sql_is_reported(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(files, f"UPDATE mismatch_flag SET status = 'resolved' WHERE id = '{rows.open_flag}'")
    assert problems(files, clock) == [
        f"mismatch_flag row {rows.open_flag} was changed outside clinic-desk"
    ]


def test_flag_deleted_after_dropping_its_trigger_is_reported(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(
        files,
        "DROP TRIGGER mismatch_flag_kept",
        f"DELETE FROM mismatch_flag WHERE id = '{rows.open_flag}'",
    )
    assert problems(files, clock) == [
        f"mismatch_flag row {rows.open_flag} was deleted outside clinic-desk"
    ]


def test_edited_snapshot_is_reported(rows: Rows, files: CacheFiles, clock: FakeClock) -> None:
    tamper(
        files,
        (
            "UPDATE eligibility_snapshot SET coverage_json = '{\"copay\":0.0}' "
            "WHERE cert_sha256 = ?",
            (rows.snapshot,),
        ),
    )
    assert problems(files, clock) == [
        f"eligibility_snapshot row {rows.snapshot} was changed outside clinic-desk"
    ]


def test_edited_card_identity_is_reported(rows: Rows, files: CacheFiles, clock: FakeClock) -> None:
    tamper(
        files,
        (
            "UPDATE mismatch_flag SET card_identity_json = ? WHERE id = ?",
            ('{"name":"someone else"}', rows.resolved_flag),
        ),
    )
    assert problems(files, clock) == [
        f"mismatch_flag row {rows.resolved_flag} was changed outside clinic-desk"
    ]


def test_inserted_rows_are_reported_even_with_a_copied_seal(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(
        files,
        (
            "INSERT INTO offline_visit (id, cert_sha256, desk_id, checked_in_at, "
            "snapshot_fetched_at, status, seal) SELECT 'forged', cert_sha256, desk_id, "
            "checked_in_at, snapshot_fetched_at, 'confirmed', seal FROM offline_visit "
            "WHERE id = ?",
            (rows.visit,),
        ),
        (
            "INSERT INTO mismatch_flag (id, created_at, desk_id, reason, status, "
            "card_identity_json) VALUES ('planted', '2026-04-01T09:00:00.000000Z', 'desk-1', "
            "'name_mismatch', 'open', '{}')",
            (),
        ),
    )
    assert problems(files, clock) == [
        "offline_visit row forged was added outside clinic-desk",
        "mismatch_flag row planted was added outside clinic-desk",
    ]


def test_visit_status_lockout_and_history_edits_are_reported(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(
        files,
        f"UPDATE offline_visit SET status = 'confirmed' WHERE id = '{rows.visit}'",
        "UPDATE lockout SET failed_tries = 0",
        "UPDATE medication_snapshot SET medications_json = '{}'",
        "DROP TRIGGER flag_history_append_only_delete",
        "DELETE FROM flag_history WHERE to_status = 'resolved'",
    )
    assert problems(files, clock) == [
        f"medication_snapshot row {rows.snapshot} was changed outside clinic-desk",
        f"offline_visit row {rows.visit} was changed outside clinic-desk",
        "lockout row manager_pin was changed outside clinic-desk",
        "flag_history row 2 was deleted outside clinic-desk",
    ]


def test_an_earlier_version_put_back_is_reported(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    flag = cache.flags.raise_flag(desk_id="desk-1", reason="name_mismatch", card_identity={})
    cache.close()
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    saved = conn.execute("SELECT status, seal FROM mismatch_flag").fetchone()
    conn.close()
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as again:
        again.flags.resolve(flag.id, note="corrected")
    # The old row, seal and all, is valid on its own: only the chain knows it is stale.
    tamper(
        files,
        (
            "UPDATE mismatch_flag SET status = ?, resolved_at = NULL, resolution_note = NULL, "
            "seal = ?",
            tuple(saved),
        ),
    )
    assert problems(files, clock) == [
        f"mismatch_flag row {flag.id} was put back to an earlier version outside clinic-desk"
    ]


def test_an_edit_overwritten_by_a_later_write_still_shows(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(files, f"UPDATE mismatch_flag SET status = 'resolved' WHERE id = '{rows.open_flag}'")
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        moved = cache.flags.reopen(rows.open_flag)  # the program takes the edit at its word
        assert moved.status is FlagStatus.OPEN
        seq = cache.audit.entries()[-1].seq
    assert problems(files, clock) == [
        f"mismatch_flag row {rows.open_flag} was changed outside clinic-desk before audit row {seq}"
    ]


def test_a_recomputed_plain_hash_does_not_pass_for_a_seal(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    seq, at, _actor, action, subjects, note, prev = conn.execute(
        "SELECT seq, at, actor, action, subjects_json, note, prev_hash FROM audit_log "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    forged = entry_hash(
        seq=seq,
        at=at,
        actor="someone",
        action=action,
        subject_ids=[],
        note=note,
        prev_hash=prev,
    )
    conn.execute("DROP TRIGGER audit_log_append_only_update")
    conn.execute("UPDATE audit_log SET actor = 'someone', hash = ? WHERE seq = ?", (forged, seq))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{seq}:{forged}",))
    conn.close()
    assert subjects == "[]"
    assert problems(files, clock) == [f"audit row {seq} was changed after it was written"]


def test_the_start_of_sealing_cannot_be_removed_or_moved(
    rows: Rows, files: CacheFiles, clock: FakeClock
) -> None:
    tamper(files, "UPDATE meta SET value = '5:' || substr(value, 3) WHERE key = 'sealed_from'")
    found = problems(files, clock)
    assert found[0] == "the record of where sealed audit rows begin is missing or was changed"
    tamper(files, "DELETE FROM meta WHERE key = 'sealed_from'")
    assert problems(files, clock)[0] == found[0]


def test_an_edit_made_while_the_desk_runs_is_reported(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    rows = busy_cache(cache, clock)
    # A second connection beside the desk's own (WAL lets both work on the same file).
    tamper(files, f"UPDATE offline_visit SET desk_id = 'desk-9' WHERE id = '{rows.visit}'")
    report = cache.verify()
    assert list(report.problems) == [
        f"offline_visit row {rows.visit} was changed outside clinic-desk"
    ]
    assert not report.rows_ok and report.audit_ok and report.integrity_ok


def test_a_write_that_skips_its_audit_row_is_refused(cache: OfflineCache) -> None:
    from offline_cache.tables import LOCKOUTS

    with pytest.raises(RuntimeError, match="without an audit row"), cache._unit.write() as tx:
        tx.put(LOCKOUTS, ("manager_pin", 0, None, "2026-04-01T09:00:00.000000Z"))
    assert cache.lockouts.get("manager_pin") == LockoutState()
    assert cache.verify().ok

"""What the review added to the offline cache: schema 3 (flag history, lockout state),
queue lines, reopen; files of schema 2 with reviewed flags keep their details."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from offline_cache import (
    CURRENT_VERSION,
    DataKey,
    FlagStatus,
    KeyFile,
    LockoutState,
    OfflineCache,
)
from offline_cache.schema import MIGRATIONS
from tests.cache.support import raw_connect
from tests.manager.support import PASSPHRASE, FakeClock, cert


def test_schema_2_files_migrate_with_their_review_history(tmp_path: Any) -> None:
    from offline_cache import CacheFiles

    files = CacheFiles(tmp_path / "data", tmp_path / "config")
    files.data_dir.mkdir(mode=0o700)
    files.config_dir.mkdir(mode=0o700)
    clock = FakeClock()
    key = DataKey.generate()
    KeyFile.seal(key, PASSPHRASE, now=clock.now, scrypt_n=2**12).save(files.key_file)
    conn = raw_connect(files, key)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 2")
    ts = "2026-03-01T10:00:00.000000Z"
    later = "2026-03-02T10:00:00.000000Z"
    conn.execute(
        "INSERT INTO mismatch_flag VALUES ('f1', ?, 'desk-1', 'name_mismatch', 'resolved', "
        "'{}', NULL, ?, '保険者 電話', ?, '訂正済み')",
        (ts, ts, later),
    )
    conn.execute(
        "INSERT INTO mismatch_flag VALUES ('f2', ?, 'desk-1', 'name_mismatch', 'open', "
        "'{}', NULL, NULL, NULL, NULL, NULL)",
        (ts,),
    )
    conn.close()
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert cache.schema_version == CURRENT_VERSION >= 3
        history = cache.flags.history("f1")
        assert [(m.to_status, m.insurer_contact, m.note) for m in history] == [
            (FlagStatus.REPORTED, "保険者 電話", None),
            (FlagStatus.RESOLVED, None, "訂正済み"),
        ]
        assert cache.flags.history("f2") == []
        reopened = cache.flags.reopen("f1", note="again")
        assert reopened.status is FlagStatus.OPEN and reopened.insurer_contact == "保険者 電話"
        assert [m.note for m in cache.flags.history("f1")][-1] == "again"
        assert cache.verify().ok


def test_queue_lines_and_lockout_state(cache: OfflineCache, clock: FakeClock) -> None:
    for reason in ("name_mismatch", "revoked_certificate"):
        cache.flags.raise_flag(
            desk_id="desk-1", reason=reason, card_identity={"certificate_sha256": cert(reason)}
        )
        clock.advance(seconds=1)
    lines = cache.flags.summaries()
    assert [line.reason for line in lines] == ["revoked_certificate", "name_mismatch"]
    assert lines[0].created_at == clock.now - timedelta(seconds=1)
    assert lines[0].status is FlagStatus.OPEN
    assert [f.id for f in cache.flags.find()] == [line.id for line in lines]

    assert cache.lockouts.get("manager_pin") == LockoutState()
    until = clock.now + timedelta(minutes=15)
    cache.lockouts.put(
        "manager_pin", LockoutState(failed_tries=5, locked_until=until), action="manager.lockout"
    )
    state = cache.lockouts.get("manager_pin")
    assert state.failed_tries == 5 and state.locked(clock.now)
    assert not state.locked(until)
    assert cache.audit.entries()[-1].subject_ids == ("manager_pin",)

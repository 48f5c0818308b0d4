"""A damaged page beyond the first: unlocking says so, purge refuses to write into the
file (which stays byte-identical), and verify calls a chain it cannot read unreadable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from offline_cache import CacheCorrupt, CacheFiles, GateOutcome, OfflineCache
from tests.cache.support import PASSPHRASE, FakeClock, cert, file_digest, raw_connect

PAGE = 4096


@pytest.fixture
def desk_files(monkeypatch: pytest.MonkeyPatch) -> CacheFiles:
    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", PASSPHRASE)
    return CacheFiles(paths.data_dir(), paths.config_dir())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def filled(files: CacheFiles, clock: FakeClock, rows: int = 60) -> None:
    with OfflineCache.create(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        with cache.batch():
            for n in range(rows):
                cache.snapshots.put_confirmed(
                    cert(f"p{n}"),
                    identity={"pad": "x" * 400},
                    coverage={},
                    gate_outcome=GateOutcome.MATCH,
                )
        clock.advance(days=40)  # everything has expired: a purge would delete it all


def root_page(files: CacheFiles, table: str) -> int:
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    return int(page)


def damage_page(path: Path, page: int) -> None:
    """Flip bytes inside one page's encrypted content (its HMAC no longer matches)."""
    assert page > 1 and path.stat().st_size >= page * PAGE
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE + 300)
        original = handle.read(16)
        handle.seek((page - 1) * PAGE + 300)
        handle.write(bytes(b ^ 0xFF for b in original))


def test_unlock_status_and_purge_refuse_a_damaged_page(
    desk_files: CacheFiles, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    filled(desk_files, clock)
    damage_page(desk_files.database, desk_files.database.stat().st_size // PAGE - 1)
    before = file_digest(desk_files.database)

    code, out, _ = run(capsys, "unlock-test")
    assert code == 1
    assert "file check: DAMAGED" in out and "HMAC verification failed for page" in out
    assert "but the file is damaged" in out

    code, out, _ = run(capsys, "status", "--unlock")
    assert code == 1 and "file check: DAMAGED" in out
    assert "row counts are not read from a damaged file" in out

    code, out, err = run(capsys, "purge")
    assert code == 2 and out == ""
    assert "damaged, so nothing was purged" in err
    assert file_digest(desk_files.database) == before
    assert not desk_files.wal.exists() or desk_files.wal.stat().st_size == 0


def test_purge_refuses_through_the_api_and_writes_nothing(
    files: CacheFiles, clock: FakeClock
) -> None:
    filled(files, clock)
    damage_page(files.database, files.database.stat().st_size // PAGE - 1)
    before = file_digest(files.database)
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as cache:
        assert cache.check_pages()
        with pytest.raises(CacheCorrupt, match="nothing was purged"):
            cache.purge()
        actions = [e.action for e in cache.audit.entries()]
    assert file_digest(files.database) == before
    assert "cache.purge" not in actions and len(actions) == 61  # create + 60 stores


def test_a_healthy_file_unlocks_and_purges(
    desk_files: CacheFiles, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    filled(desk_files, clock, rows=3)
    code, out, _ = run(capsys, "unlock-test")
    assert code == 0 and out.startswith("unlocked") and "every page ok" in out
    code, out, _ = run(capsys, "status", "--unlock")
    assert code == 0 and "file check: ok" in out and "snapshots:  3" in out
    code, out, _ = run(capsys, "purge")
    assert code == 0 and out.startswith("purged 3 snapshots")


def test_verify_calls_an_unreadable_chain_unreadable(
    desk_files: CacheFiles, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    filled(desk_files, clock)
    damage_page(desk_files.database, root_page(desk_files, "audit_log"))

    code, out, _ = run(capsys, "verify")
    assert code == 1
    assert "file check: FAILED" in out
    assert "audit chain: unreadable" in out and "BROKEN" not in out
    assert "sealed rows: unreadable" in out
    assert "problem: the audit log could not be read" in out


def test_reset_moves_a_file_with_a_damaged_page_aside(
    desk_files: CacheFiles, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    filled(desk_files, clock)
    damage_page(desk_files.database, desk_files.database.stat().st_size // PAGE - 1)
    damaged = desk_files.database.read_bytes()
    code, out, _ = run(capsys, "init", "--reset")
    assert code == 0 and "started a new offline cache" in out
    kept = [Path(line.split()[-1]) for line in out.splitlines() if line.startswith("kept")]
    assert any(p.read_bytes() == damaged for p in kept)
    assert run(capsys, "unlock-test")[0] == 0


def test_an_old_schema_with_a_damaged_page_is_not_migrated(
    files: CacheFiles, clock: FakeClock
) -> None:
    from tests.cache.test_migrations import build_old_file

    build_old_file(files, 3, clock)
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    conn.execute("CREATE TABLE filler (x TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(80)])
    conn.close()
    damage_page(files.database, files.database.stat().st_size // PAGE - 1)
    before = file_digest(files.database)
    with pytest.raises(CacheCorrupt, match="left untouched"):
        OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock)
    assert file_digest(files.database) == before

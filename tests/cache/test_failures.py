"""Every failure ends in a typed error with a plain message, and nothing is lost."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from offline_cache import (
    CacheCorrupt,
    CacheDiskFull,
    CacheError,
    CacheFiles,
    CacheInUse,
    CacheMissing,
    CacheTooNew,
    GateOutcome,
    KeyFile,
    OfflineCache,
    WrongPassphrase,
)
from tests.cache.support import (
    PASSPHRASE,
    PYTHON,
    TEST_SCRYPT_N,
    FakeClock,
    cert,
    file_digest,
    python_env,
    raw_connect,
)


def filled(cache: OfflineCache, rows: int = 40) -> None:
    for n in range(rows):
        cache.snapshots.put_confirmed(
            cert(f"p{n}"),
            identity={"pad": "x" * 400},
            coverage={},
            gate_outcome=GateOutcome.MATCH,
        )
    cache.close()


def damage(path: Path, offset: int, length: int = 16) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        original = handle.read(length)
        handle.seek(offset)
        handle.write(bytes(b ^ 0xFF for b in original))


def open_cache(files: CacheFiles, clock: FakeClock | None = None) -> OfflineCache:
    if clock is None:
        return OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    return OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock)


# --- missing files ---------------------------------------------------------------------------


def test_no_cache_at_all(files: CacheFiles) -> None:
    with pytest.raises(CacheMissing, match="no offline cache on this desk yet"):
        open_cache(files)
    assert not files.data_dir.exists()  # opening never creates anything


def test_missing_key_file_leaves_data_untouched(cache: OfflineCache, files: CacheFiles) -> None:
    filled(cache)
    before = file_digest(files.database)
    files.key_file.unlink()
    with pytest.raises(CacheMissing, match=r"key file .* is missing"):
        open_cache(files)
    assert file_digest(files.database) == before


def test_missing_data_file_with_its_key(cache: OfflineCache, files: CacheFiles) -> None:
    cache.close()
    files.database.unlink()
    with pytest.raises(CacheMissing, match=r"cache file .* is missing"):
        open_cache(files)
    assert not files.database.exists()  # not recreated


# --- damaged files ---------------------------------------------------------------------------


def test_damaged_first_page_is_corrupt_not_wrong_key(
    cache: OfflineCache, files: CacheFiles
) -> None:
    filled(cache)
    damage(files.database, 200)
    before = file_digest(files.database)
    with pytest.raises(CacheCorrupt, match="damaged; it was left untouched"):
        open_cache(files)
    assert file_digest(files.database) == before


def test_damaged_later_page_is_reported_by_verify(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    filled(cache)
    size = files.database.stat().st_size
    assert size > 4 * 4096
    damage(files.database, size - 4096 + 300)
    with open_cache(files, clock) as opened:
        report = opened.verify()
        assert not report.ok and not report.integrity_ok
        assert any("page" in p or "check" in p for p in report.problems)
        # Reading every row crosses the damaged page: a typed error, not a crash.
        with pytest.raises(CacheCorrupt):
            for n in range(40):
                opened.snapshots.get(cert(f"p{n}"))


@pytest.mark.parametrize("keep", [0, 100])
def test_empty_or_cut_short_file_is_corrupt(
    cache: OfflineCache, files: CacheFiles, keep: int
) -> None:
    filled(cache)
    with files.database.open("r+b") as handle:
        handle.truncate(keep)
    with pytest.raises(CacheCorrupt, match="empty or cut short"):
        open_cache(files)
    assert files.database.stat().st_size == keep  # never recreated over


def test_newer_schema_is_left_untouched(cache: OfflineCache, files: CacheFiles) -> None:
    cache.close()
    conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = file_digest(files.database)
    with pytest.raises(CacheTooNew, match="newer version of clinic-desk"):
        open_cache(files)
    assert file_digest(files.database) == before


# --- reset -----------------------------------------------------------------------------------


def test_reset_moves_a_damaged_cache_aside_and_starts_anew(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    filled(cache)
    damage(files.database, 200)
    damaged_digest = file_digest(files.database)
    old_key_file = files.key_file.read_bytes()

    new, kept = OfflineCache.reset(
        files.data_dir, files.config_dir, PASSPHRASE, now=clock, scrypt_n=TEST_SCRYPT_N
    )
    with new:
        assert new.counts().snapshots == 0
        assert [e.action for e in new.audit.entries()] == ["cache.create", "cache.reset"]
    kept_db = next(p for p in kept if p.name.startswith("offline-cache.db.damaged-"))
    kept_key = next(p for p in kept if p.name.startswith("offline-cache.key.damaged-"))
    assert file_digest(kept_db) == damaged_digest
    assert kept_key.read_bytes() == old_key_file
    # The kept key file still pairs with the kept data file.
    old_key = KeyFile.load(kept_key).unwrap(PASSPHRASE)
    assert kept_db.read_bytes()[:16] == old_key.salt
    with open_cache(files, clock) as again:
        assert again.verify().ok


def test_reset_refuses_a_healthy_cache_and_a_wrong_passphrase(
    cache: OfflineCache, files: CacheFiles
) -> None:
    filled(cache)
    before = file_digest(files.database)
    with pytest.raises(CacheError, match="not damaged; nothing was reset"):
        OfflineCache.reset(files.data_dir, files.config_dir, PASSPHRASE)
    damage(files.database, 200)
    damaged = file_digest(files.database)
    with pytest.raises(WrongPassphrase):
        OfflineCache.reset(files.data_dir, files.config_dir, "not the passphrase")
    assert file_digest(files.database) == damaged != before
    assert sorted(p.name for p in files.data_dir.iterdir()) == [
        "offline-cache.db",
        "offline-cache.lock",
    ]


# --- a second process ------------------------------------------------------------------------

HOLDER = """
import sys
from offline_cache import OfflineCache
cache = OfflineCache.open(sys.argv[1], sys.argv[2], sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
cache.close()
"""


def test_second_process_gets_a_clear_error(cache: OfflineCache, files: CacheFiles) -> None:
    cache.close()
    holder = subprocess.Popen(
        [PYTHON, "-c", HOLDER, str(files.data_dir), str(files.config_dir), PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=python_env(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(CacheInUse, match=f"in use by process {holder.pid}") as caught:
            open_cache(files)
        assert caught.value.pid == holder.pid
        with pytest.raises(CacheInUse):
            OfflineCache.wipe(files.data_dir, files.config_dir)
        assert files.database.exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    with open_cache(files) as again:
        assert again.verify().ok


def test_second_open_in_the_same_process_is_refused(cache: OfflineCache, files: CacheFiles) -> None:
    with pytest.raises(CacheInUse):
        open_cache(files)
    assert cache.verify().ok


# --- a full disk -----------------------------------------------------------------------------

DISK_FILLER = """
import hashlib, os, resource, sys
from offline_cache import CacheError, GateOutcome, OfflineCache
cache = OfflineCache.open(sys.argv[1], sys.argv[2], sys.argv[3])
limit = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
last = None
for i in range(100000):
    key = hashlib.sha256(str(i).encode()).hexdigest()
    try:
        cache.snapshots.put_confirmed(
            key, identity={"pad": os.urandom(6000).hex()}, coverage={},
            gate_outcome=GateOutcome.MATCH,
        )
    except CacheError as exc:
        print("FAILED", key, type(exc).__name__, exc, flush=True)
        break
    print("COMMITTED", key, flush=True)
    last = key
print("READABLE", cache.snapshots.get(last) is not None, flush=True)
cache.close()
"""


def test_disk_full_gives_the_clear_error_and_no_half_written_rows(
    cache: OfflineCache, files: CacheFiles
) -> None:
    cache.close()
    result = subprocess.run(
        [
            PYTHON,
            "-c",
            DISK_FILLER,
            str(files.data_dir),
            str(files.config_dir),
            PASSPHRASE,
            str(400_000),
        ],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=120,
        check=True,
    )
    lines = result.stdout.splitlines()
    committed = [line.split()[1] for line in lines if line.startswith("COMMITTED")]
    failed = [line for line in lines if line.startswith("FAILED")]
    assert len(failed) == 1, result.stdout
    _, failed_key, error_name, *message = failed[0].split()
    assert error_name == "CacheDiskFull"
    assert " ".join(message) == CacheDiskFull.default_message
    assert "READABLE True" in lines
    assert 3 <= len(committed) < 100
    assert result.stderr == ""

    with open_cache(files) as again:
        for key in committed:
            assert again.snapshots.get(key) is not None
        assert again.snapshots.get(failed_key) is None
        report = again.verify()
        assert report.ok, report.problems
        # One audit row per committed snapshot plus cache.create: nothing half-written.
        assert report.audit_rows == 1 + len(committed)


CREATOR = """
import resource, sys
from offline_cache import CacheError, OfflineCache
resource.setrlimit(resource.RLIMIT_FSIZE, (64, resource.RLIM_INFINITY))
try:
    OfflineCache.create(sys.argv[1], sys.argv[2], sys.argv[3], scrypt_n=2**14)
except CacheError as exc:
    print(type(exc).__name__)
"""


def test_disk_full_while_creating_leaves_nothing_behind(tmp_path: Path) -> None:
    files = CacheFiles(tmp_path / "data", tmp_path / "config")
    result = subprocess.run(
        [PYTHON, "-c", CREATOR, str(files.data_dir), str(files.config_dir), PASSPHRASE],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "CacheDiskFull"
    assert not files.key_file.exists() and not files.database.exists()
    assert list(files.config_dir.iterdir()) == []
    # With space again, creating works.
    OfflineCache.create(
        files.data_dir, files.config_dir, PASSPHRASE, scrypt_n=TEST_SCRYPT_N
    ).close()
    with open_cache(files) as created:
        assert created.verify().ok

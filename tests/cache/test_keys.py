"""Keys and the file on disk: encryption, permissions, wrong passphrase, rekey."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from offline_cache import (
    CacheCorrupt,
    CacheExists,
    CacheFiles,
    DataKey,
    GateOutcome,
    KeyFile,
    OfflineCache,
    WeakPassphrase,
    WrongPassphrase,
)
from tests.cache.support import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    TEST_SCRYPT_N,
    FakeClock,
    cert,
    file_digest,
)


def fill(cache: OfflineCache) -> str:
    key = cert("yamada")
    cache.snapshots.put_confirmed(
        key,
        identity={"name": "山田 太郎", "birthdate": "1980-04-01"},
        coverage={"insurer": "06130001"},
        gate_outcome=GateOutcome.MATCH,
    )
    return key


def test_file_is_not_plain_sqlite_and_names_are_not_visible(cache: OfflineCache) -> None:
    fill(cache)
    cache.close()
    raw = cache.path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert "山田".encode() not in raw and b"06130001" not in raw
    assert b"eligibility_snapshot" not in raw  # even the schema is encrypted


def test_files_are_owner_only(cache: OfflineCache) -> None:
    fill(cache)  # creates the -wal companion as well
    for path in (cache.path, cache.files.wal, cache.files.key_file, cache.files.lock_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(cache.files.data_dir.stat().st_mode) == 0o700


def test_wrong_passphrase_leaves_the_file_byte_identical(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    fill(cache)
    cache.close()
    before = {p.name: file_digest(p) for p in files.data_dir.iterdir()}
    key_before = file_digest(files.key_file)
    for attempt in ("wrong passphrase", PASSPHRASE.upper(), PASSPHRASE + " "):
        with pytest.raises(WrongPassphrase, match="this passphrase does not unlock this cache"):
            OfflineCache.open(files.data_dir, files.config_dir, attempt)
    assert {p.name: file_digest(p) for p in files.data_dir.iterdir()} == before
    assert file_digest(files.key_file) == key_before
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE, now=clock) as again:
        assert again.snapshots.get(cert("yamada")) is not None


def test_a_foreign_data_key_is_refused_without_touching_the_file(
    cache: OfflineCache, files: CacheFiles
) -> None:
    fill(cache)
    cache.close()
    before = file_digest(files.database)
    with pytest.raises(CacheCorrupt, match="does not belong to this key file"):
        OfflineCache.open(files.data_dir, files.config_dir, DataKey.generate())
    assert file_digest(files.database) == before


def test_damaged_key_file_is_told_apart_from_a_wrong_passphrase(
    cache: OfflineCache, files: CacheFiles
) -> None:
    cache.close()
    doc = json.loads(files.key_file.read_text())
    wrapped = bytearray(doc["wrapped_key"].encode())
    wrapped[5] = ord("A") if wrapped[5] != ord("A") else ord("B")
    doc["wrapped_key"] = wrapped.decode()
    files.key_file.write_text(json.dumps(doc))
    with pytest.raises(CacheCorrupt, match="key file is damaged"):
        OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    # The key check value still says "wrong" for a wrong passphrase.
    with pytest.raises(WrongPassphrase):
        OfflineCache.open(files.data_dir, files.config_dir, OTHER_PASSPHRASE)

    files.key_file.write_text("{not json")
    with pytest.raises(CacheCorrupt, match="key file"):
        OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)


def test_key_file_holds_no_clear_key(cache: OfflineCache, files: CacheFiles) -> None:
    data_key = OfflineCache.unlock_key(files.config_dir, PASSPHRASE)
    text = files.key_file.read_text()
    secret = data_key.sqlcipher_pragma_value()[3:67]  # the 64 hex digits of the key
    assert secret not in text and secret.upper() not in text
    assert "hidden" in repr(data_key)
    assert not (files.data_dir / files.key_file.name).exists()


def test_raw_data_key_reopens_without_key_derivation(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    key = fill(cache)
    cache.close()
    data_key = OfflineCache.unlock_key(files.config_dir, PASSPHRASE)
    with OfflineCache.open(files.data_dir, files.config_dir, data_key, now=clock) as again:
        assert again.snapshots.get(key) is not None


def test_rekey_keeps_data_and_refuses_the_old_passphrase(
    cache: OfflineCache, files: CacheFiles, clock: FakeClock
) -> None:
    key = fill(cache)
    with pytest.raises(WrongPassphrase):
        cache.rekey("not the passphrase", OTHER_PASSPHRASE)
    with pytest.raises(WeakPassphrase):
        cache.rekey(PASSPHRASE, "short")
    cache.rekey(PASSPHRASE, OTHER_PASSPHRASE)
    assert cache.audit.entries()[-1].action == "cache.rekey"
    cache.close()
    with pytest.raises(WrongPassphrase):
        OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    with OfflineCache.open(files.data_dir, files.config_dir, OTHER_PASSPHRASE, now=clock) as again:
        assert again.snapshots.get(key) is not None
        assert again.verify().ok
    loaded = KeyFile.load(files.key_file)
    assert loaded.rewrapped_at == clock.now
    # Same data key: a DataKey unwrapped with the new passphrase opens the same file.
    assert OfflineCache.unlock_key(files.config_dir, OTHER_PASSPHRASE).salt == bytes.fromhex(
        loaded.database_salt
    )


def test_create_refuses_to_overwrite(cache: OfflineCache, files: CacheFiles) -> None:
    cache.close()
    before = file_digest(files.database)
    with pytest.raises(CacheExists):
        OfflineCache.create(files.data_dir, files.config_dir, PASSPHRASE, scrypt_n=TEST_SCRYPT_N)
    files.key_file.unlink()
    with pytest.raises(CacheExists):
        OfflineCache.create(files.data_dir, files.config_dir, PASSPHRASE, scrypt_n=TEST_SCRYPT_N)
    assert file_digest(files.database) == before


def test_weak_passphrase_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphrase, match="at least 8"):
        OfflineCache.create(tmp_path / "d", tmp_path / "c", "1234")
    assert not (tmp_path / "d").exists()


def test_timestamps_must_carry_a_zone(cache: OfflineCache, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="time zone"):
        cache.snapshots.put_confirmed(
            cert("x"),
            identity={},
            coverage={},
            gate_outcome=GateOutcome.MATCH,
            fetched_at=clock.now.replace(tzinfo=None),
        )

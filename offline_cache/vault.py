"""The vault: the cache's files and keys. Creating, opening, re-keying, moving a damaged
file aside and wiping, and the checks that run before SQLCipher reads a byte.

Nothing here recreates, rewrites or removes a file it could not open: a wrong
passphrase, a damaged or foreign file and a newer schema raise typed errors and leave
every file as it was.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from offline_cache import schema
from offline_cache.connection import (
    close_quietly,
    configure,
    connect,
    page_problems,
    translate,
)
from offline_cache.errors import (
    CacheCorrupt,
    CacheExists,
    CacheMissing,
    CacheTooNew,
    CacheWriteFailed,
)
from offline_cache.files import KEY_FILE_NAME, CacheFiles
from offline_cache.fsutil import atomic_write, ensure_private_dir, fsync_dir, os_error
from offline_cache.keyfile import DataKey, KeyFile
from offline_cache.lock import ProcessLock

_MIN_FILE_BYTES = 512


def private_files(data_dir: Path, config_dir: Path) -> CacheFiles:
    """The cache's paths, with both folders created owner-only."""
    files = CacheFiles(Path(data_dir), Path(config_dir))
    ensure_private_dir(files.data_dir)
    ensure_private_dir(files.config_dir)
    return files


def unlock_key(config_dir: Path, passphrase: str) -> DataKey:
    """Unwrap the data key once (costs the scrypt derivation); reopen cheaply with it."""
    path = Path(config_dir) / KEY_FILE_NAME
    try:
        key_file = KeyFile.load(path)
    except FileNotFoundError:
        raise CacheMissing(f"the cache key file {path} is missing") from None
    return key_file.unwrap(passphrase)


def require_both(files: CacheFiles) -> None:
    has_db = files.database.exists()
    has_key = files.key_file.exists()
    if has_db and has_key:
        return
    if not has_db and not has_key:
        raise CacheMissing(
            "there is no offline cache on this desk yet (create one with `clinic-desk cache init`)"
        )
    if has_db:
        raise CacheMissing(
            f"the cache key file {files.key_file} is missing, so the cache cannot be unlocked; "
            "restore the key file from a backup (the cache file was left untouched)"
        )
    raise CacheMissing(
        f"the cache file {files.database} is missing while its key file exists; restore it "
        "from a backup, or run `clinic-desk cache init --reset` to start a new cache"
    )


def create_files(
    files: CacheFiles, passphrase: str, *, now: datetime, scrypt_n: int, created: list[Path]
) -> tuple[Any, DataKey]:
    """A new key file, then a new empty data file, and a configured connection to it.

    ``created`` collects what was made, for ``discard`` if the caller fails later.
    """
    present = [p for p in (*files.database_files(), files.key_file) if p.exists()]
    if present:
        raise CacheExists(
            f"an offline cache already exists here ({present[0]}); it was left untouched"
        )
    key = DataKey.generate()
    key_file = KeyFile.seal(key, passphrase, now=now, scrypt_n=scrypt_n)
    # Key file first: a data file must never exist without the key that opens it.
    key_file.save(files.key_file)
    created.append(files.key_file)
    try:
        fd = os.open(files.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise os_error(exc, files.database) from exc
    os.close(fd)
    created.extend(files.database_files())
    conn = connect(files, key)
    try:
        configure(conn, files)
    except BaseException:
        close_quietly(conn)
        raise
    return conn, key


def open_files(files: CacheFiles, unlock: str | DataKey) -> tuple[Any, DataKey, int]:
    """A configured connection to the existing cache, its key and its schema version.

    Refuses (typed errors, nothing written) a wrong passphrase, a data file that does
    not belong to the key file, a damaged file, an older one with a damaged page (it
    would be migrated) and a newer schema.
    """
    key = unlock if isinstance(unlock, DataKey) else unlock_key(files.config_dir, unlock)
    check_header(files, key)
    conn = None
    try:
        conn = connect(files, key)
        # The key is known to be right (key check value + salt), so "not a database"
        # here means damage; other failures (read-only folder...) are translated below.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        version = schema.user_version(conn)
        if version > schema.CURRENT_VERSION:
            raise CacheTooNew()
        # A migration will write into the file: never into a damaged one.
        if version < schema.CURRENT_VERSION and page_problems(conn):
            raise CacheCorrupt()
        configure(conn, files)
        return conn, key, version
    except sqlcipher3.Error as exc:
        close_quietly(conn)
        raise translate(exc, files) from exc
    except BaseException:
        close_quietly(conn)
        raise


def check_header(files: CacheFiles, key: DataKey) -> None:
    """The file's first 16 bytes are SQLCipher's salt, which the key file records."""
    try:
        with files.database.open("rb") as handle:
            head = handle.read(_MIN_FILE_BYTES)
    except FileNotFoundError:
        raise CacheMissing(f"the cache file {files.database} is missing") from None
    except OSError as exc:
        raise CacheWriteFailed(f"the cache file cannot be read: {exc.strerror}") from exc
    if len(head) < _MIN_FILE_BYTES:
        raise CacheCorrupt(
            "the offline cache file is empty or cut short; it was left untouched "
            "(run `clinic-desk cache init --reset` to move it aside and start a new one)"
        )
    if head[:16] != key.salt:
        raise CacheCorrupt(
            "the offline cache file is damaged or does not belong to this key file; "
            "it was left untouched (run `clinic-desk cache init --reset` to move it aside)"
        )


def rewrapped_key_file(
    files: CacheFiles, key: DataKey, current_passphrase: str, new_passphrase: str, now: datetime
) -> KeyFile:
    """The key file with the same data key under ``new_passphrase`` (not yet saved)."""
    try:
        current = KeyFile.load(files.key_file)
    except FileNotFoundError:
        raise CacheMissing(f"the cache key file {files.key_file} disappeared") from None
    unwrapped = current.unwrap(current_passphrase)
    if unwrapped.sqlcipher_pragma_value() != key.sqlcipher_pragma_value():
        raise CacheCorrupt("the key file no longer belongs to this cache; nothing changed")
    return current.rewrap(key, new_passphrase, now=now)


def set_aside(files: CacheFiles, now: datetime) -> list[Path]:
    """Move the damaged data file (and companions) aside; keep a copy of its key file."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept: list[Path] = []
    try:
        for path in files.database_files():
            if path.exists():
                target = files.set_aside_name(path, stamp)
                path.rename(target)
                kept.append(target)
        if files.key_file.exists():
            target = files.set_aside_name(files.key_file, stamp)
            atomic_write(target, files.key_file.read_bytes())
            kept.append(target)
            files.key_file.unlink()
        fsync_dir(files.data_dir)
        fsync_dir(files.config_dir)
    except OSError as exc:
        raise os_error(exc, files.database) from exc
    return kept


def wipe(data_dir: Path, config_dir: Path) -> list[Path]:
    """Remove the data file, its companions and the key file. Returns what was removed.

    Without the key file the data cannot be decrypted, even from a copy of the data
    file. Refuses (CacheInUse) while another process has the cache open.
    """
    files = CacheFiles(Path(data_dir), Path(config_dir))
    if not files.data_dir.exists():
        targets = [files.key_file]
        lock: ProcessLock | None = None
    else:
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        targets = [*files.database_files(), files.key_file]
    removed: list[Path] = []
    try:
        for path in targets:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise os_error(exc, path) from exc
            removed.append(path)
        for folder in {p.parent for p in removed}:
            fsync_dir(folder)
    finally:
        if lock is not None:
            with contextlib.suppress(OSError):
                files.lock_file.unlink()
            lock.release()
    return removed


def discard(conn: Any, created: list[Path]) -> None:
    """Undo a failed create: nothing but an empty schema was written."""
    close_quietly(conn)
    for path in created:
        with contextlib.suppress(OSError):
            path.unlink()

"""The SQLCipher connection: how it is opened and configured, and what its errors mean."""

from __future__ import annotations

import contextlib
import os
import resource
from typing import Any

import sqlcipher3

from offline_cache.errors import (
    CacheCorrupt,
    CacheDiskFull,
    CacheError,
    CacheInUse,
    CacheWriteFailed,
)
from offline_cache.files import CacheFiles
from offline_cache.keyfile import DataKey

_LOW_SPACE_BYTES = 1 << 20


def connect(files: CacheFiles, key: DataKey) -> Any:
    conn = sqlcipher3.connect(
        str(files.database), isolation_level=None, check_same_thread=False, timeout=5.0
    )
    try:
        # SQLCipher logs decryption failures to stderr, which would tear a terminal UI.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.sqlcipher_pragma_value()}")
    except BaseException:
        conn.close()
        raise
    return conn


def configure(conn: Any, files: CacheFiles) -> None:
    # WAL + synchronous=FULL: a commit that returned is on disk, even after a power cut.
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise CacheWriteFailed(f"the cache file at {files.database} cannot use its journal")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Keep sorts and temporary tables in memory, never in plain temporary files.
    conn.execute("PRAGMA temp_store = MEMORY")


def close_quietly(conn: Any) -> None:
    if conn is not None:
        with contextlib.suppress(sqlcipher3.Error):
            conn.close()


def page_problems(conn: Any, limit: int = 10) -> list[str]:
    """Every page of the file checked against its HMAC (``PRAGMA cipher_integrity_check``).

    An empty list means every page authenticates. Reads the whole file: about 1 ms per
    2 MB (see docs/performance.md).
    """
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.DatabaseError as exc:
        return [f"encrypted page check failed: {exc}"]
    return [f"encrypted page check: {c}" for c in found[:limit]]


def translate(exc: sqlcipher3.Error, files: CacheFiles) -> CacheError:
    """The cache error that says in plain words what an SQLite error means here."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return CacheCorrupt()
    if name.startswith("SQLITE_FULL"):
        return CacheDiskFull()
    if name.startswith("SQLITE_IOERR"):
        # SQLite reports a write refused at the file-size limit or on a full disk as a
        # plain I/O error; tell those apart by looking at the disk, not by guessing.
        return CacheDiskFull() if _disk_looks_full(files) else CacheWriteFailed()
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return CacheWriteFailed(
            f"the offline cache cannot write to {files.data_dir} (read-only or no permission); "
            "nothing was saved"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return CacheInUse()
    return CacheError(f"the offline cache failed: {exc}")


def _disk_looks_full(files: CacheFiles) -> bool:
    try:
        stats = os.statvfs(files.data_dir)
        if stats.f_bavail * stats.f_frsize < _LOW_SPACE_BYTES:
            return True
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft == resource.RLIM_INFINITY:
            return False
        largest = max((p.stat().st_size for p in files.database_files() if p.exists()), default=0)
        return largest + 2 * 65536 >= soft
    except OSError:
        return False

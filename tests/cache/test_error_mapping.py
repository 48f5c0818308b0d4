"""Unit layer: SQLite result codes that the file tests cannot provoke portably (a full
tmpfs needs mount rights; root ignores read-only permissions) map to the right error."""

from __future__ import annotations

import pytest
import sqlcipher3

from offline_cache import (
    CacheCorrupt,
    CacheDiskFull,
    CacheError,
    CacheFiles,
    CacheInUse,
    CacheWriteFailed,
)
from offline_cache.connection import translate as _translate


def sqlite_error(name: str) -> sqlcipher3.Error:
    exc = sqlcipher3.OperationalError("simulated")
    exc.sqlite_errorname = name
    return exc


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SQLITE_FULL", CacheDiskFull),
        ("SQLITE_NOTADB", CacheCorrupt),
        ("SQLITE_CORRUPT", CacheCorrupt),
        ("SQLITE_READONLY", CacheWriteFailed),
        ("SQLITE_READONLY_DBMOVED", CacheWriteFailed),
        ("SQLITE_CANTOPEN", CacheWriteFailed),
        ("SQLITE_BUSY", CacheInUse),
        ("SQLITE_IOERR", CacheWriteFailed),  # plenty of space here: not a full disk
        ("SQLITE_MISUSE", CacheError),
    ],
)
def test_result_codes_map_to_typed_errors(
    files: CacheFiles, name: str, expected: type[CacheError]
) -> None:
    files.data_dir.mkdir(parents=True)
    error = _translate(sqlite_error(name), files)
    assert type(error) is expected
    assert str(error)

"""Shared helpers for the offline-cache tests: a movable clock and raw file access."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3

from offline_cache import CacheFiles, DataKey

PASSPHRASE = "kyoto clinic desk 7"
OTHER_PASSPHRASE = "osaka clinic desk 9"
# Cheaper scrypt than production so each test's unlock stays fast; still real scrypt.
TEST_SCRYPT_N = 2**14
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeClock:
    """An injectable clock: tests move time instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 4, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def cert(label: str) -> str:
    """A card key: the SHA-256 of a (stand-in) certificate."""
    return hashlib.sha256(f"certificate of {label}".encode()).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_connect(files: CacheFiles, key: DataKey) -> Any:
    """A plain SQLCipher connection, as someone holding the key (and no API) would use."""
    conn = sqlcipher3.connect(str(files.database), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {key.sqlcipher_pragma_value()}")
    return conn


def python_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python that imports the project from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


PYTHON = sys.executable

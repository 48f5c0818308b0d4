from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache import CacheFiles, OfflineCache
from tests.cache.support import PASSPHRASE, TEST_SCRYPT_N, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def files(tmp_path: Path) -> CacheFiles:
    return CacheFiles(tmp_path / "data", tmp_path / "config")


@pytest.fixture
def cache(files: CacheFiles, clock: FakeClock) -> Iterator[OfflineCache]:
    with OfflineCache.create(
        files.data_dir, files.config_dir, PASSPHRASE, now=clock, scrypt_n=TEST_SCRYPT_N
    ) as opened:
        yield opened

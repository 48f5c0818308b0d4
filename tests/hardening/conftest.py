from __future__ import annotations

from collections.abc import Iterator

import pytest

from offline_cache import OfflineCache
from tests.manager.support import FakeClock, create_cache


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(clock: FakeClock) -> Iterator[OfflineCache]:
    opened = create_cache(clock)
    try:
        yield opened
    finally:
        opened.close()

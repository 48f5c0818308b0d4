"""The desk and cache fixtures of their own folders, for the result-side tests."""

from tests.cache.conftest import cache, clock, files
from tests.desk.conftest import desk, desk_ja

__all__ = ["cache", "clock", "desk", "desk_ja", "files"]

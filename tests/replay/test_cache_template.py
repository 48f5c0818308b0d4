"""A replay's caches are copies of one template: each fixture's is its own, whole and
encrypted, and goes with its desk."""

from __future__ import annotations

from pathlib import Path

from clinic_desk.scenarios.cache_template import CacheTemplate, CopiedCache
from offline_cache import OfflineCache


async def test_each_copy_is_a_cache_of_its_own(tmp_path: Path) -> None:
    template = CacheTemplate(tmp_path / "template", "replay", 2**10)
    first = await CopiedCache(template, tmp_path / "one").open()
    second = await CopiedCache(template, tmp_path / "two").open()
    first.cache.audit.record("test.written-in-the-first")
    assert first.cache.counts().schema_version == second.cache.counts().schema_version
    # the second copy never sees what the first wrote, and both verify
    assert second.cache.verify().audit_rows == first.cache.verify().audit_rows - 1
    assert first.cache.verify().audit_ok and second.cache.verify().audit_ok
    database = first.cache.path
    assert b"SQLite format 3" not in database.read_bytes()[:16]  # encrypted
    for parts in (first, second):
        for close in parts.closers:
            await close()
    assert not (tmp_path / "one").exists() and not (tmp_path / "two").exists()
    assert (tmp_path / "template").exists()  # the run's template stays for the next fixture


async def test_a_copy_is_seeded_as_the_scenario_says(tmp_path: Path) -> None:
    seeded: list[OfflineCache] = []
    template = CacheTemplate(tmp_path / "template", "replay", 2**10)
    parts = await CopiedCache(template, tmp_path / "one", seeded.append).open()
    assert seeded == [parts.cache]
    for close in parts.closers:
        await close()

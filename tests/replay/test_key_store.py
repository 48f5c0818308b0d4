"""The replay's virtual cards take their keys from the fixtures' shipped test keys."""

from __future__ import annotations

from clinic_desk import paths
from clinic_desk.scenarios.replay import Replayer
from tests.replay.conftest import library


async def test_a_replay_reads_the_shipped_test_keys_and_derives_none() -> None:
    fixtures = [p for p in library() if p.stem in ("ordinary-consent", "card-not-linked")]
    async with Replayer() as replayer:
        keys = replayer.keys
        assert keys.folder == paths.cache_dir() / "card-keys"
        assert keys.shipped == (paths.fixtures_dir() / "cards" / "test-keys",)
        for fixture in fixtures:
            assert (await replayer.replay(fixture)).matched
    assert keys.derived == 0

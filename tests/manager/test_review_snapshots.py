"""SVG snapshots of the review screen (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/manager/test_review_snapshots.py
--snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from clinic_desk.app.review_app import ReviewApp
from clinic_desk.config import DeskSettings
from clinic_desk.domain.flag_reference import FlagReferences
from offline_cache import OfflineCache
from tests.manager.support import PIN, FakeClock, raise_desk_flag, set_pin
from tests.support.screens import until_shown
from tests.support.steady import steady_cursors

SIZE = (120, 34)


@pytest.fixture
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times on screen are local: pin the zone so the SVGs do not depend on the machine."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def settings(
    cache: OfflineCache, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, fixed_zone: None
) -> DeskSettings:
    numbers = itertools.count(1)
    monkeypatch.setattr("offline_cache.flags.uuid.uuid4", lambda: uuid.UUID(int=next(numbers)))
    # each cache has its own random key: a fixed one keeps the patients' references still
    monkeypatch.setattr(FlagReferences, "of_cache", classmethod(lambda cls, _: cls(bytes(32))))
    settings = set_pin(PIN)
    for reason in ("birthdate_mismatch", "patient_said_not_me", "several_qualifications"):
        raise_desk_flag(cache, reason=reason)
        clock.advance(minutes=7)
    return settings


def test_pin_after_a_wrong_try(
    snap_compare: Any, cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> None:
    app = ReviewApp(cache, settings.manager, lang="en", now=clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until_shown(pilot, "5 tries left")  # the PIN's state has been read
        await pilot.press(*"000000", "enter")
        await until_shown(pilot, "That is not the manager PIN. 4 tries left.")
        await steady_cursors(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_japanese_queue_and_detail(
    snap_compare: Any, cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> None:
    app = ReviewApp(cache, settings.manager, lang="ja", now=clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await until_shown(pilot, "残り 5 回")  # the PIN's state has been read
        await pilot.press(*PIN, "enter")
        await until_shown(pilot, "3 件表示（全 3 件）")
        await pilot.press("down", "enter")
        await until_shown(pilot, "記録: 00000000000000000000000000000002", "06400021 52 3301 00")
        await steady_cursors(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

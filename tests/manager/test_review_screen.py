"""Pilot tests of the review screen: PIN, queue, filters, detail, actions, idle lock."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clinic_desk import paths
from clinic_desk.app.review_app import ReviewApp
from clinic_desk.app.screens.review import QueueScreen, ReviewScreen
from clinic_desk.config import DeskSettings
from offline_cache import FlagStatus, OfflineCache
from tests.manager.support import PIN, FakeClock, raise_desk_flag, set_pin
from tests.support.screens import until_shown

SIZE = (120, 40)


def screen_text(app: ReviewApp) -> str:
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


@dataclass
class Idle:
    value: float = 1000.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Review:
    app: ReviewApp
    pilot: Pilot[None]
    idle: Idle

    @property
    def screen(self) -> ReviewScreen:
        return self.app.review

    @property
    def queue(self) -> QueueScreen:
        return self.app.review.queue

    async def settle(self) -> str:
        """Every key handled and every worker it started done (then what is shown)."""
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        return screen_text(self.app)

    async def until(self, *texts: str) -> str:
        """Wait (bounded) until every one of ``texts`` is shown."""
        return await until_shown(self.pilot, *texts)

    async def type(self, *keys: str) -> str:
        await self.pilot.press(*keys)
        return await self.settle()


@pytest.fixture
def settings(cache: OfflineCache, clock: FakeClock) -> DeskSettings:
    settings = set_pin(PIN)
    raise_desk_flag(cache, reason="birthdate_mismatch")
    clock.advance(minutes=10)
    raise_desk_flag(cache, reason="patient_said_not_me")
    clock.advance(minutes=10)
    raise_desk_flag(cache, reason="revoked_certificate", insurer_reference="")
    return settings


@pytest.fixture
async def review(
    cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> AsyncIterator[Review]:
    idle = Idle()
    app = ReviewApp(cache, settings.manager, lang="en", now=clock, idle_clock=idle)
    async with app.run_test(size=SIZE) as pilot:
        yield Review(app, pilot, idle)


async def unlock(review: Review) -> str:
    await review.until("Type the manager PIN.")
    return await review.type(*PIN, "enter")


async def test_pin_then_queue_filter_detail(review: Review, cache: OfflineCache) -> None:
    text = await review.until("5 tries left")
    assert "Manager review" in text
    await review.type(*"000000", "enter")
    text = await review.until("That is not the manager PIN. 4 tries left.")
    assert "000000" not in text
    await review.type(*PIN, "enter")
    text = await review.until("3 of 3 flags")
    assert "Birthdate mismatch" in text and 'Patient said "not me"' in text
    assert "open" in text and "desk-2" in text
    # filters by key
    await review.type("r")
    await review.until("1 of 3 flags", "reason Birthdate mismatch")
    await review.type("r", "r", "r")
    await review.until("3 of 3 flags", "reason all")
    await review.type("s", "s")
    await review.until("0 of 3 flags", "status reported to insurer")
    await review.type("s", "s")
    await review.until("3 of 3 flags", "status all")
    await review.type("o")
    await review.until("sort: reason")
    # the selection stays on the same flag (the newest) when the order changes
    assert review.queue.shown[2].reason == "revoked_certificate"
    assert review.queue.query_one("#review-table").cursor == 2  # type: ignore[attr-defined]
    # detail of the first row (sorted by reason: Birthdate mismatch first)
    await review.type("up", "up", "enter")
    text = await review.until("Card holder (from the chip)")
    assert "山田 太郎" in text and "1980-04-01" in text and "male" in text
    assert "06400021 52 3301 00" in text and "39131012 高齢 77 01" in text, text
    assert "Patient/p-wrong-1" in text
    assert [e.action for e in cache.audit.entries()][-1] == "review.view"


async def test_a_flag_without_a_kept_reference_says_so(review: Review) -> None:
    await unlock(review)
    await review.until("3 of 3 flags")
    await review.type("enter")  # newest first: the revoked certificate, nothing sealed
    text = await review.until("Card holder")
    assert "The insurer reference was not kept" in text


async def test_actions_report_resolve_reopen_and_export(
    review: Review, cache: OfflineCache, tmp_path: Path
) -> None:
    await unlock(review)
    await review.until("3 of 3 flags")
    flag_id = review.queue.shown[0].id
    await review.type("p")
    await review.until("Record the report to the insurer")
    # the date is filled in with today's date; Enter moves on to the contact
    await review.type("enter", *"kyokai fax", "enter")
    text = await review.until("Marked as reported.")
    assert "reported to insurer" in text
    assert cache.flags.get(flag_id).status is FlagStatus.REPORTED
    assert cache.flags.get(flag_id).insurer_contact == "kyokai fax"

    await review.type("v", "enter")  # a note is required
    text = await review.until("A note is required to resolve a flag.")
    await review.type(*"fixed by insurer", "enter")
    await review.until("Resolved.")
    assert cache.flags.get(flag_id).status is FlagStatus.RESOLVED

    await review.type("u", "enter")
    await review.until("Reopened.")
    assert cache.flags.get(flag_id).status is FlagStatus.OPEN

    await review.type("e")
    text_input = review.app.screen.query_one("#review-form-text")
    default = Path(text_input.value)  # type: ignore[attr-defined]
    assert default.parent == paths.data_dir() / "exports"
    await review.type("enter")
    await review.until("Wrote 3 flags to")
    with default.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 3
    actions = [e.action for e in cache.audit.entries()]
    for action in ("flag.reported", "flag.resolved", "flag.reopen", "review.export"):
        assert action in actions


async def test_idle_lock_returns_to_the_pin(review: Review, cache: OfflineCache) -> None:
    await unlock(review)
    await review.until("3 of 3 flags")
    review.idle.value += 59
    review.screen.check_idle()
    assert review.screen.session is not None
    review.idle.value += 1
    review.screen.check_idle()
    text = await review.until("Locked after 60 seconds without a key press.")
    assert review.screen.session is None and "Birthdate mismatch" not in text
    assert "review.lock" in [e.action for e in cache.audit.entries()]
    # the PIN opens it again
    await review.type(*PIN, "enter")
    await review.until("3 of 3 flags")


async def test_lockout_on_screen(review: Review) -> None:
    await review.until("5 tries left")
    for left in ("4 tries left", "3 tries left", "2 tries left", "1 try left"):
        await review.type(*"000000", "enter")
        await review.until(f"That is not the manager PIN. {left}.")
    await review.type(*"000000", "enter")
    await review.until("Too many wrong PINs: locked until")
    await review.type(*PIN, "enter")
    text = await review.until("Too many wrong PINs")
    assert "of 3 flags" not in text


async def test_escape_closes_and_audits(review: Review, cache: OfflineCache) -> None:
    await unlock(review)
    await review.until("3 of 3 flags")
    await review.pilot.press("escape")
    await review.settle()
    assert cache.audit.entries()[-1].action == "review.close"


async def test_typing_a_note_is_activity(review: Review, cache: OfflineCache) -> None:
    await unlock(review)
    await review.until("3 of 3 flags")
    await review.type("v")
    for ch in "checked with the insurer":
        review.idle.value += 5  # slow typing: 120 s in all, never 60 s between keys
        await review.pilot.press(ch)
        review.screen.check_idle()
    assert review.screen.session is not None
    await review.type("escape")
    review.idle.value += 30
    await review.type("down")  # keys taken by bindings count too
    review.idle.value += 30
    review.screen.check_idle()
    assert review.screen.session is not None

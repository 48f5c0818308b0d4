"""The queue: filters that match nothing clear the detail, the export writes what the
screen shows, search by name, date or card, plurals, and every review screen in
Japanese without English (Pilot)."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from clinic_desk.app.review_app import ReviewApp
from clinic_desk.config import DeskSettings
from clinic_desk.domain.card import CardIdentity
from offline_cache import OfflineCache
from tests.desk.language import english_words
from tests.manager.support import PIN, FakeClock, cert, raise_desk_flag, set_pin
from tests.manager.test_review_screen import SIZE, Idle, Review, screen_text

SUZUKI = CardIdentity(
    name="鈴木 花子", birthdate=date(1962, 5, 14), sex="2", certificate_sha256=cert("suzuki")
)


@pytest.fixture
def settings(cache: OfflineCache, clock: FakeClock) -> DeskSettings:
    settings = set_pin(PIN)
    raise_desk_flag(cache, reason="birthdate_mismatch")
    clock.advance(minutes=10)
    raise_desk_flag(cache, identity=SUZUKI, reason="patient_said_not_me")
    clock.advance(days=1)
    raise_desk_flag(cache, reason="revoked_certificate", insurer_reference="")
    return settings


async def _review(
    cache: OfflineCache, clock: FakeClock, settings: DeskSettings, lang: str
) -> AsyncIterator[Review]:
    idle = Idle()
    app = ReviewApp(cache, settings.manager, lang=lang, now=clock, idle_clock=idle)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        yield Review(app, pilot, idle)


@pytest.fixture
async def review(
    cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> AsyncIterator[Review]:
    async for opened in _review(cache, clock, settings, "en"):
        yield opened


@pytest.fixture
async def review_ja(
    cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> AsyncIterator[Review]:
    async for opened in _review(cache, clock, settings, "ja"):
        yield opened


async def unlocked(review: Review, count: str = "3 of 3 flags") -> str:
    await review.until("5 tries left" if "flags" in count else "残り 5 回")
    await review.type(*PIN, "enter")
    return await review.until(count)


async def test_a_filter_that_hides_the_flag_on_the_detail_pane_clears_it(review: Review) -> None:
    await unlocked(review)
    await review.type("enter")
    await review.until("Card holder (from the chip)")
    # reported-only: nothing matches; the detail of a flag no longer listed goes away
    text = await review.type("s", "s")
    assert "0 of 3 flags" in text and "No flags match." in text
    assert "Card holder (from the chip)" not in text
    assert review.queue.detail is None


async def test_the_export_writes_what_the_screen_shows(review: Review, tmp_path: Path) -> None:
    await unlocked(review)
    await review.type("r")  # one reason: Birthdate mismatch
    text = await review.type("e")
    assert "Export the 1 flag on screen" in text
    target = tmp_path / "shown.csv"
    field = review.app.screen.query_one("#review-form-text")
    field.value = str(target)  # type: ignore[attr-defined]
    await review.type("enter")
    await review.until("Wrote 1 flag to")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["reason_code"] for r in rows] == ["birthdate_mismatch"]


async def test_search_by_name_date_or_card(review: Review) -> None:
    await unlocked(review)
    for query, found in (
        ("鈴木", 1),  # the card holder's name
        ("19800401", 2),  # a birthdate
        ("2026-04-02", 1),  # the day a flag was raised
        (cert("suzuki")[:8], 1),  # the card
        ("nobody", 0),
    ):
        await review.type("slash")
        field = review.app.screen.query_one("#review-form-text")
        field.value = query  # type: ignore[attr-defined]
        text = await review.type("enter")
        text = await review.until(f"{found} of 3 flags")
        assert query in text  # the search is named with the filters
    await review.type("slash")
    field = review.app.screen.query_one("#review-form-text")
    field.value = ""  # type: ignore[attr-defined]
    await review.type("enter")
    await review.until("3 of 3 flags")


async def test_one_try_left_is_singular(review: Review) -> None:
    await review.until("5 tries left")
    for _ in range(3):
        await review.type(*"000000", "enter")
    text = await review.type(*"000000", "enter")
    assert "That is not the manager PIN. 1 try left." in text
    assert "1 tries" not in text


async def test_every_review_screen_in_japanese_has_no_english(review_ja: Review) -> None:
    review = review_ja
    shots = [await review.until("残り 5 回")]
    shots.append(await review.type(*"000000", "enter"))
    await review.type(*PIN, "enter")
    shots.append(await review.until("3 件表示"))
    await review.type("enter")
    shots.append(await review.until("カード（ICチップ）の本人情報"))
    for keys in (("s",), ("r",), ("o",), ("f1",)):
        shots.append(await review.type(*keys))
    for form in ("p", "v", "u", "e", "slash"):
        await review.type("s", "s", "s", "s", "r", "r", "r", "r")  # back to all flags
        shots.append(await review.type(form))
        if form == "v":
            shots.append(await review.type("enter"))  # a note is required
        await review.type("escape")
    await review.pilot.press("ctrl+c")
    shots.append(await review.settle())
    leaks = [words for text in shots if (words := english_words(text))]
    assert not leaks, leaks
    assert "解決にはメモが必要です。" in "\n".join(shots)
    assert screen_text(review.app)

"""The review for the claims clerk and the names the gate has learned (Pilot over a real
SQLCipher cache): C lists the visits shown with validity 3; N opens the name aliases,
where A approves and X revokes, each audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from clinic_desk.app.review_app import ReviewApp
from clinic_desk.config import DeskSettings
from clinic_desk.identity.aliases import AliasStatus, propose
from clinic_desk.manager.aliases import AliasReview, store_alias
from offline_cache import OfflineCache
from tests.manager.support import PIN, YAMADA, FakeClock, raise_desk_flag, set_pin
from tests.manager.test_review_screen import SIZE, Idle, Review, unlock


@pytest.fixture
def settings(cache: OfflineCache, clock: FakeClock) -> DeskSettings:
    settings = set_pin(PIN)
    raise_desk_flag(cache, reason="birthdate_mismatch")
    clock.advance(minutes=10)
    raise_desk_flag(
        cache,
        reason="newer_coverage",
        insurer_reference="06139999 52 3301 00\n→ 01270018 全国健康保険協会大阪支部 2026-10-01",
    )
    clock.advance(minutes=10)
    return settings


@pytest.fixture
async def review(
    cache: OfflineCache, clock: FakeClock, settings: DeskSettings
) -> AsyncIterator[Review]:
    app = ReviewApp(cache, settings.manager, lang="en", now=clock, idle_clock=Idle())
    async with app.run_test(size=SIZE) as pilot:
        yield Review(app, pilot, Idle())


async def test_c_lists_the_visits_with_newer_insurance(review: Review) -> None:
    await unlock(review)
    await review.until("2 of 2 flags")
    text = await review.type("c")
    assert "1 of 2 flags" in text and "Newer insurance: check the claim" in text
    text = await review.type("enter")
    text = await review.until("Card holder (from the chip)")
    assert "全国健康保険協会大阪支部" in text and "06139999 52 3301 00" in text
    text = await review.type("c")
    assert "2 of 2 flags" in text


async def test_n_lists_aliases_and_the_manager_approves_and_revokes(
    review: Review, cache: OfflineCache, clock: FakeClock
) -> None:
    alias = propose(
        certificate_sha256=YAMADA.certificate_sha256,
        record_ref="Patient/p-takahashi-ichiro",
        card_name="髙橋　一郎",
        record_name="高橋　一郎",
        birthdate=date(1975, 11, 23),
        staff_id="desk-1",
        at=clock(),
    )
    store_alias(cache, alias, "alias.proposed", None)
    await unlock(review)
    await review.until("flags")
    text = await review.type("n")
    text = await review.until("[PROPOSED] 髙橋一郎 = 高橋一郎")
    assert "Patient/p-takahashi-ichiro" in text and "Approve" in text and "Revoke" in text
    text = await review.type("a")
    text = await review.until("[APPROVED]")
    assert "the next check-ins of this card pass without a staff decision" in text
    text = await review.type("x")
    text = await review.until("[REVOKED]")
    (kept,) = AliasReview(cache).aliases()
    assert kept.status is AliasStatus.REVOKED and kept.revoked_by == "manager"
    text = await review.type("a")  # a revoked alias is not approved again
    assert "cannot be changed in its present state" in text
    actions = [e.action for e in cache.audit.entries() if e.action.startswith("alias.")]
    assert actions == ["alias.proposed", "alias.approved", "alias.revoked"]
    await review.type("escape")
    assert "flags" in await review.settle()

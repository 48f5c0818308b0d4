"""Names the gate has learned, end to end: the demo desk (Pilot), its embedded gateway
on 127.0.0.1 and its real SQLCipher cache. Staff accept 髙橋/高橋 once; the manager
approves the alias; the same card and record then pass without a staff decision;
revoked, staff decide again. Every step is audited without a spelling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinic_desk.checkin import Stage
from clinic_desk.identity.aliases import AliasError, AliasStatus, propose
from clinic_desk.manager.aliases import AliasReview, alias_of, store_alias
from offline_cache import AliasStatus as RowStatus
from offline_cache import OfflineCache
from tests.desk.conftest import Desk

BIRTHDATE = "19751123"


async def _check_in(desk: Desk) -> list[Stage]:
    runner = desk.services.runner
    runner.machine.history.clear()
    await desk.tap("takahashi-ichiro")
    await desk.type_pin()
    await desk.confirm_identity(BIRTHDATE)
    stage = await desk.wait_for(Stage.STAFF_DECISION, Stage.CONSENT)
    if stage is Stage.STAFF_DECISION:
        await desk.press("a")
        await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    stages = list(runner.machine.history)
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    assert desk.services.demo is not None
    await desk.services.demo.remove()
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    return stages


async def test_an_approved_alias_spares_the_staff_decision_until_revoked(desk: Desk) -> None:
    cache = desk.store().cache
    review = AliasReview(cache)
    first = await _check_in(desk)
    assert Stage.STAFF_DECISION in first
    (proposed,) = review.aliases()
    assert proposed.status is AliasStatus.PROPOSED and proposed.proposed_by == "desk-1"
    assert proposed.card_spelling == "髙橋一郎" and proposed.record_spelling == "高橋一郎"
    # proposed only: the next check-in still asks staff (and proposes nothing new)
    assert Stage.STAFF_DECISION in await _check_in(desk)
    assert len(review.aliases()) == 1

    review.approve(proposed.alias_id)
    assert Stage.STAFF_DECISION not in await _check_in(desk)
    actions = [e.action for e in cache.audit.entries()]
    assert "checkin.variant_accepted_by_alias" in actions

    review.revoke(proposed.alias_id, reason="wrong person")
    assert Stage.STAFF_DECISION in await _check_in(desk)
    (revoked,) = review.aliases()
    assert revoked.status is AliasStatus.REVOKED and review.aliases(include_revoked=False) == []
    # a revoked alias is not proposed again behind the manager's back
    assert cache.aliases.get(proposed.alias_id).status is RowStatus.REVOKED  # type: ignore[union-attr]

    entries = cache.audit.entries()
    alias_rows = [e for e in entries if e.action.startswith("alias.")]
    assert [e.action for e in alias_rows] == ["alias.proposed", "alias.approved", "alias.revoked"]
    for entry in alias_rows:
        assert "髙" not in entry.note and "高橋" not in entry.note
    assert cache.verify().ok


def _alias(cache: OfflineCache, at: datetime) -> str:
    alias = propose(
        certificate_sha256="b" * 64,
        record_ref="Patient/p-1",
        card_name="渡邊　花子",
        record_name="渡辺　花子",
        birthdate=datetime(1990, 1, 1).date(),
        staff_id="desk-1",
        at=at,
    )
    store_alias(cache, alias, "alias.proposed", None)
    return alias.alias_id


def test_aliases_are_kept_bounded_and_never_deleted(cache: OfflineCache) -> None:
    at = datetime(2026, 11, 27, tzinfo=UTC)
    alias_id = _alias(cache, at)
    review = AliasReview(cache)
    review.approve(alias_id)
    with pytest.raises(AliasError):
        review.approve(alias_id)  # only a proposal can be approved
    with pytest.raises(AliasError):
        review.approve("al-0000000000000000")  # no such alias
    row = cache.aliases.get(alias_id)
    assert row is not None
    # a stored alias cannot move to another card, nor grow without bound
    with pytest.raises(ValueError):
        cache.aliases.put(
            alias_id,
            cert_sha256="c" * 64,
            record_ref=row.record_ref,
            status=row.status,
            alias=row.alias,
            action="alias.moved",
        )
    with pytest.raises(ValueError):
        cache.aliases.put(
            "al-1111111111111111",
            cert_sha256="c" * 64,
            record_ref="Patient/p-2",
            status=RowStatus.PROPOSED,
            alias={"x": "y" * 5000},
            action="alias.proposed",
        )
    with pytest.raises(Exception, match="never deleted"), cache._unit.write() as tx:
        tx.execute("DELETE FROM name_alias")
    assert cache.aliases.get(alias_id) is not None


def test_a_row_that_does_not_read_as_its_alias_is_not_trusted(cache: OfflineCache) -> None:
    at = datetime(2026, 11, 27, tzinfo=UTC)
    alias_id = _alias(cache, at)
    row = cache.aliases.get(alias_id)
    assert row is not None and alias_of(row) is not None
    # a row claiming "approved" while its JSON says "proposed"
    assert alias_of(row.model_copy(update={"status": RowStatus.APPROVED})) is None
    assert alias_of(row.model_copy(update={"alias": {"alias_id": alias_id}})) is None
    assert alias_of(row.model_copy(update={"cert_sha256": "d" * 64})) is None

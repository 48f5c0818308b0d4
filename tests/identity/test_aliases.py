"""Names the gate has learned: approved aliases spare the staff decision, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_desk.identity import IdentityOutcome, verdict
from clinic_desk.identity.aliases import (
    AliasDecision,
    AliasError,
    AliasStatus,
    NameAlias,
    approve,
    decide,
    listed,
    propose,
    revoke,
)

CARD = "a" * 64
OTHER_CARD = "b" * 64
RECORD = "Patient/p-takahashi-ichiro"
BORN = date(1958, 7, 21)
AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _approved(card_name: str = "髙橋　一郎", record_name: str = "高橋　一郎") -> NameAlias:
    proposal = propose(
        certificate_sha256=CARD,
        record_ref=RECORD,
        card_name=card_name,
        record_name=record_name,
        birthdate=BORN,
        staff_id="desk-1",
        at=AT,
    )
    return approve(proposal, manager_id="manager-1", at=LATER)


def _decide(card_name: str, record_name: str, aliases: list[NameAlias], **kw: str) -> AliasDecision:
    return decide(
        card_name,
        BORN,
        record_name,
        BORN,
        certificate_sha256=kw.get("certificate_sha256", CARD),
        record_ref=kw.get("record_ref", RECORD),
        aliases=aliases,
    )


@pytest.mark.parametrize(
    ("card_name", "record_name"),
    [("髙橋　一郎", "高橋　一郎"), ("渡邊　花子", "渡●　花子"), ("齋藤　浩", "𪗒藤　浩")],
)
def test_an_approved_alias_spares_the_staff_decision(card_name: str, record_name: str) -> None:
    alias = _approved(card_name, record_name)
    decision = _decide(card_name, record_name, [alias])
    assert decision.accepted_by_alias and not decision.staff_decision_needed
    assert decision.alias_id == alias.alias_id
    # the verdict is the gate's own: a variant, never a match
    assert decision.verdict == verdict(card_name, BORN, record_name, BORN)
    assert decision.verdict.outcome is IdentityOutcome.VARIANT


def test_spacing_and_width_do_not_matter_but_the_spelling_does() -> None:
    alias = _approved()
    assert _decide("髙橋 一郎", "高橋一郎", [alias]).accepted_by_alias
    # the same person written with yet another form is a new decision
    assert _decide("髙橋　一郎", "𠆪橋　一郎", [alias]).staff_decision_needed


@pytest.mark.parametrize(
    "change",
    [
        {"certificate_sha256": OTHER_CARD},  # another card (a reissued card asks again)
        {"record_ref": "Patient/p-someone-else"},  # the card now linked to another record
    ],
)
def test_an_alias_is_for_one_card_and_one_record(change: dict[str, str]) -> None:
    decision = _decide("髙橋　一郎", "高橋　一郎", [_approved()], **change)
    assert decision.staff_decision_needed


def test_a_proposal_or_a_revoked_alias_covers_nothing() -> None:
    proposal = propose(
        certificate_sha256=CARD,
        record_ref=RECORD,
        card_name="髙橋　一郎",
        record_name="高橋　一郎",
        birthdate=BORN,
        staff_id="desk-1",
        at=AT,
    )
    assert _decide("髙橋　一郎", "高橋　一郎", [proposal]).staff_decision_needed
    revoked = revoke(_approved(), manager_id="manager-2", at=LATER, reason="wrong person")
    assert revoked.status is AliasStatus.REVOKED and revoked.revoked_by == "manager-2"
    assert _decide("髙橋　一郎", "高橋　一郎", [revoked]).staff_decision_needed


def test_an_alias_never_turns_a_mismatch_or_a_wrong_birthdate_around() -> None:
    alias = _approved()
    stranger = decide(
        "髙橋　一郎",
        BORN,
        "鈴木　一郎",
        BORN,
        certificate_sha256=CARD,
        record_ref=RECORD,
        aliases=[alias],
    )
    assert stranger.verdict.is_mismatch and stranger.alias_id is None
    other_day = decide(
        "髙橋　一郎",
        date(1958, 7, 22),
        "高橋　一郎",
        BORN,
        certificate_sha256=CARD,
        record_ref=RECORD,
        aliases=[alias],
    )
    assert other_day.verdict.is_mismatch and not other_day.accepted_by_alias


@pytest.mark.parametrize(
    ("card_name", "record_name"), [("山田　太郎", "山田　太郎"), ("山田　太郎", "鈴木　一郎")]
)
def test_only_a_variant_can_be_proposed(card_name: str, record_name: str) -> None:
    with pytest.raises(AliasError):
        propose(
            certificate_sha256=CARD,
            record_ref=RECORD,
            card_name=card_name,
            record_name=record_name,
            birthdate=BORN,
            staff_id="desk-1",
            at=AT,
        )


def test_approval_and_revocation_happen_once() -> None:
    alias = _approved()
    with pytest.raises(AliasError):
        approve(alias, manager_id="manager-1", at=LATER)
    revoked = revoke(alias, manager_id="manager-1", at=LATER)
    with pytest.raises(AliasError):
        revoke(revoked, manager_id="manager-1", at=LATER)


def test_the_list_and_the_record_leak_no_name() -> None:
    first = _approved()
    second = _approved("渡邊　花子", "渡●　花子")
    gone = revoke(_approved("齋藤　浩", "斎藤　浩"), manager_id="manager-1", at=LATER)
    assert {a.alias_id for a in listed([first, second, gone])} == {
        first.alias_id,
        second.alias_id,
    }
    assert len(listed([first, second, gone], include_revoked=True)) == 3
    for alias in (first, second, gone):
        for text in (repr(alias), str(alias)):
            for name in ("髙橋", "高橋", "渡邊", "渡●", "齋藤"):
                assert name not in text
    # the same card, record and spellings give the same id (a second proposal is the same row)
    assert _approved().alias_id == first.alias_id

"""A flag's life: open -> reported -> resolved -> reopened, audited, nothing deleted."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_desk.manager.review import FlagFilter, ReviewInputError, ReviewSession, unlock_review
from offline_cache import FlagStatus, InvalidTransition, OfflineCache
from tests.manager.support import PIN, YAMADA, FakeClock, cert, raise_desk_flag, set_pin


def open_session(cache: OfflineCache, clock: FakeClock) -> ReviewSession:
    settings = set_pin(PIN).manager
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    return session


def test_open_reported_resolved_reopened(cache: OfflineCache, clock: FakeClock) -> None:
    flag = raise_desk_flag(cache)
    session = open_session(cache, clock)
    clock.advance(days=1)
    reported = session.mark_reported(
        flag.id, reported_on=date(2026, 4, 1), contact="協会けんぽ 東京支部 佐々木様"
    )
    assert reported.status is FlagStatus.REPORTED
    assert reported.insurer_contact == "協会けんぽ 東京支部 佐々木様"
    assert reported.reported_at is not None and reported.reported_at.date() == date(2026, 4, 1)
    clock.advance(days=2)
    resolved = session.resolve(flag.id, note="保険者が誤登録を訂正")
    assert resolved.status is FlagStatus.RESOLVED and resolved.resolution_note
    reopened = session.reopen(flag.id, note="訂正が反映されていない")
    assert reopened.status is FlagStatus.OPEN
    assert reopened.resolution_note is None and reopened.insurer_contact  # report stays
    again = session.resolve(flag.id, note="再訂正を確認")
    assert again.status is FlagStatus.RESOLVED

    history = cache.flags.history(flag.id)
    assert [(m.from_status, m.to_status) for m in history] == [
        (FlagStatus.OPEN, FlagStatus.REPORTED),
        (FlagStatus.REPORTED, FlagStatus.RESOLVED),
        (FlagStatus.RESOLVED, FlagStatus.OPEN),
        (FlagStatus.OPEN, FlagStatus.RESOLVED),
    ]
    # every note and contact is still there
    assert [m.note for m in history] == [
        None,
        "保険者が誤登録を訂正",
        "訂正が反映されていない",
        "再訂正を確認",
    ]
    assert history[0].insurer_contact == "協会けんぽ 東京支部 佐々木様"
    assert {m.actor for m in history} == {"manager"}

    actions = [(e.action, e.subject_ids, e.note) for e in cache.audit.entries()]
    flag_rows = [a for a in actions if a[1] == (flag.id,)]
    assert [a[0] for a in flag_rows if a[0].startswith("flag.")] == [
        "flag.raise",
        "flag.reported",
        "flag.resolved",
        "flag.reopen",
        "flag.resolved",
    ]
    for _, _, note in actions:  # audit notes are codes: no names, no notes, no contacts
        assert note.isascii()
    assert cache.verify().ok


def test_nothing_a_manager_does_deletes_a_flag_or_an_audit_row(
    cache: OfflineCache, clock: FakeClock
) -> None:
    flags = [raise_desk_flag(cache, reason=r) for r in ("name_mismatch", "patient_said_not_me")]
    session = open_session(cache, clock)
    rows_before = len(cache.audit.entries())
    session.mark_reported(flags[0].id, reported_on=date(2026, 4, 1), contact="fax 03-0000-0000")
    session.resolve(flags[0].id, note="done")
    session.reopen(flags[0].id)
    session.resolve(flags[1].id, note="patient's own card after all")
    assert len(cache.flags.find()) == 2
    entries = cache.audit.entries()
    assert len(entries) == rows_before + 4
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    with pytest.raises(Exception, match="never deleted"), cache._unit.mutex:
        cache._unit.conn.execute("DELETE FROM mismatch_flag")
    with pytest.raises(Exception, match="append-only"), cache._unit.mutex:
        cache._unit.conn.execute("DELETE FROM flag_history")


def test_entries_are_checked(cache: OfflineCache, clock: FakeClock) -> None:
    flag = raise_desk_flag(cache)
    session = open_session(cache, clock)
    with pytest.raises(ReviewInputError, match="contact"):
        session.mark_reported(flag.id, reported_on=date(2026, 4, 1), contact="  ")
    with pytest.raises(ReviewInputError, match="future"):
        session.mark_reported(flag.id, reported_on=date(2026, 4, 2), contact="fax")
    with pytest.raises(ReviewInputError, match="note is required"):
        session.resolve(flag.id, note=" ")
    with pytest.raises(InvalidTransition):
        session.reopen(flag.id)  # already open
    assert cache.flags.get(flag.id).status is FlagStatus.OPEN
    session.close("idle")
    with pytest.raises(ReviewInputError, match="locked"):
        session.flags()
    assert cache.audit.entries()[-1].action == "review.lock"


def test_filters_and_sorting(cache: OfflineCache, clock: FakeClock) -> None:
    reasons = ["name_mismatch", "birthdate_mismatch", "revoked_certificate", "name_mismatch"]
    ids = []
    for reason in reasons:
        clock.advance(minutes=1)
        ids.append(raise_desk_flag(cache, reason=reason).id)
    session = open_session(cache, clock)
    session.resolve(ids[0], note="ok")
    newest_first = [f.id for f in session.flags()]
    assert newest_first == ids[::-1]
    assert [f.id for f in session.flags(FlagFilter(reason="name_mismatch"))] == [ids[3], ids[0]]
    assert [f.id for f in session.flags(FlagFilter(status=FlagStatus.RESOLVED))] == [ids[0]]
    assert [f.reason for f in session.flags(sort="reason")] == sorted(reasons)
    assert [f.status for f in session.flags(sort="status")][-1] is FlagStatus.RESOLVED
    assert YAMADA.certificate_sha256 == cert("yamada")

"""Contents of the cache: snapshots, medications, offline visits, flags, expiry and purge."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from offline_cache import (
    CacheClosed,
    CacheFiles,
    CachePolicy,
    FlagStatus,
    GateOutcome,
    InvalidTransition,
    NotFound,
    OfflineCache,
    SnapshotUnavailable,
    VisitStatus,
)
from tests.cache.support import PASSPHRASE, FakeClock, cert, raw_connect

IDENTITY = {"name": "山田 太郎", "birthdate": "1980-04-01"}
COVERAGE = {"insurer": "06130001", "symbol": "1234", "number": "5678", "copay": 0.3}


def store(cache: OfflineCache, label: str = "yamada") -> str:
    key = cert(label)
    cache.snapshots.put_confirmed(
        key, identity=IDENTITY, coverage=COVERAGE, gate_outcome=GateOutcome.MATCH
    )
    return key


def test_snapshot_round_trips_and_upserts(cache: OfflineCache, clock: FakeClock) -> None:
    key = store(cache)
    got = cache.snapshots.get(key)
    assert got is not None
    assert got.identity == IDENTITY and got.coverage == COVERAGE
    assert got.fetched_at == clock.now
    assert got.expires_at == clock.now + cache.policy.eligibility_ttl

    clock.advance(hours=1)
    cache.snapshots.put_confirmed(
        key,
        identity=IDENTITY,
        coverage={**COVERAGE, "copay": 0.1},
        gate_outcome=GateOutcome.VARIANT_ACCEPTED,
    )
    again = cache.snapshots.get(key)
    assert again is not None
    assert again.coverage["copay"] == 0.1
    assert again.gate_outcome is GateOutcome.VARIANT_ACCEPTED
    assert cache.counts().snapshots == 1
    assert cache.snapshots.get(cert("nobody")) is None


def test_snapshot_expires_by_the_clock(cache: OfflineCache, clock: FakeClock) -> None:
    key = store(cache)
    clock.advance(days=30, seconds=-1)
    assert cache.snapshots.get(key) is not None
    clock.advance(seconds=1)
    assert cache.snapshots.get(key) is None
    expired = cache.snapshots.get(key, include_expired=True)
    assert expired is not None and not expired.is_current(clock.now)
    assert cache.counts().expired_snapshots == 1


def test_policy_sets_the_ttls(files: CacheFiles, clock: FakeClock) -> None:
    policy = CachePolicy(eligibility_ttl=timedelta(hours=2), medication_ttl=timedelta(hours=1))
    with OfflineCache.create(
        files.data_dir, files.config_dir, PASSPHRASE, now=clock, policy=policy, scrypt_n=2**14
    ) as cache:
        key = store(cache)
        snap = cache.snapshots.get(key)
        assert snap is not None and snap.expires_at == clock.now + timedelta(hours=2)


def test_cards_are_keyed_by_certificate_hash_only(cache: OfflineCache) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        cache.snapshots.put_confirmed(
            "123456789012", identity=IDENTITY, coverage=COVERAGE, gate_outcome=GateOutcome.MATCH
        )
    with pytest.raises(ValueError):
        cache.snapshots.put_confirmed(
            cert("x"),
            identity=IDENTITY,
            coverage=COVERAGE,
            gate_outcome="mismatch",  # type: ignore[arg-type]
        )
    assert cache.counts().snapshots == 0


def test_medications_need_a_snapshot_and_expire_sooner(
    cache: OfflineCache, clock: FakeClock
) -> None:
    with pytest.raises(SnapshotUnavailable):
        cache.medications.put(cert("yamada"), medications={"items": []}, consented_at=clock.now)
    key = store(cache)
    med = cache.medications.put(
        key, medications={"items": [{"drug": "ロキソニン"}]}, consented_at=clock.now
    )
    assert med.expires_at == clock.now + cache.policy.medication_ttl
    got = cache.medications.get(key)
    assert got is not None and got.medications["items"][0]["drug"] == "ロキソニン"
    clock.advance(hours=24, seconds=-1)
    assert cache.medications.get(key) is not None  # still inside the 24-hour consent window
    clock.advance(seconds=1)
    assert cache.medications.get(key) is None
    assert cache.snapshots.get(key) is not None


def test_medications_never_outlive_the_snapshot(cache: OfflineCache, clock: FakeClock) -> None:
    key = store(cache)
    clock.advance(days=29)
    med = cache.medications.put(key, medications={"items": []}, consented_at=clock.now)
    snap = cache.snapshots.get(key)
    assert snap is not None and med.expires_at == snap.expires_at


def test_offline_visit_queue_and_reverification(cache: OfflineCache, clock: FakeClock) -> None:
    with pytest.raises(SnapshotUnavailable):
        cache.visits.record_offline(cert("yamada"), desk_id="desk-1")
    key = store(cache)
    clock.advance(hours=1)
    visit = cache.visits.record_offline(key, desk_id="desk-1")
    assert visit.status is VisitStatus.PENDING
    assert visit.snapshot_fetched_at == clock.now - timedelta(hours=1)
    assert [v.id for v in cache.visits.pending()] == [visit.id]

    done = cache.visits.record_reverification(
        visit.id, status=VisitStatus.CHANGED, result={"copay": 0.2}
    )
    assert done.status is VisitStatus.CHANGED and done.reverification == {"copay": 0.2}
    assert done.reverified_at == clock.now
    assert cache.visits.pending() == []
    with pytest.raises(InvalidTransition):
        cache.visits.record_reverification(visit.id, status=VisitStatus.CONFIRMED, result={})
    with pytest.raises(NotFound):
        cache.visits.record_reverification("missing", status=VisitStatus.CONFIRMED, result={})
    with pytest.raises(InvalidTransition):
        cache.visits.record_reverification(visit.id, status=VisitStatus.PENDING, result={})


def test_flag_workflow_and_flags_are_never_deleted(cache: OfflineCache, clock: FakeClock) -> None:
    flag = cache.flags.raise_flag(
        desk_id="desk-2",
        reason="name_mismatch",
        card_identity=IDENTITY,
        insurer_reference="QUAL-0001",
    )
    assert [f.id for f in cache.flags.find(FlagStatus.OPEN)] == [flag.id]
    clock.advance(minutes=5)
    reported = cache.flags.mark_reported(flag.id, insurer_contact="insurer desk 03-0000-0000")
    assert reported.status is FlagStatus.REPORTED and reported.reported_at == clock.now
    resolved = cache.flags.resolve(flag.id, note="insurer corrected the link")
    assert resolved.status is FlagStatus.RESOLVED
    assert resolved.resolution_note == "insurer corrected the link"
    with pytest.raises(InvalidTransition):
        cache.flags.mark_reported(flag.id, insurer_contact="again")
    with pytest.raises(NotFound):
        cache.flags.get("missing")

    # Even someone with the key and plain SQL cannot delete a flag: a trigger refuses.
    cache.close()
    key = OfflineCache.unlock_key(cache.files.config_dir, PASSPHRASE)
    conn = raw_connect(cache.files, key)
    with pytest.raises(Exception, match="never deleted"):
        conn.execute("DELETE FROM mismatch_flag")
    conn.close()


def test_audit_names_no_people(cache: OfflineCache) -> None:
    with pytest.raises(ValueError, match="ASCII"):
        cache.audit.record("checkin.withheld", ("山田太郎",))
    with pytest.raises(ValueError, match="ASCII"):
        cache.flags.raise_flag(desk_id="受付", reason="x", card_identity={})
    with pytest.raises(ValueError, match="never personal data"):
        cache.audit.record("checkin.withheld", ("visit-1",), note="山田太郎 1980-04-01")
    entry = cache.audit.record("checkin.withheld", ("visit-1",), note="MISMATCH")
    assert entry.subject_ids == ("visit-1",) and entry.actor == "desk"


def test_every_change_is_audited(cache: OfflineCache) -> None:
    key = store(cache)
    visit = cache.visits.record_offline(key, desk_id="desk-1")
    flag = cache.flags.raise_flag(desk_id="desk-1", reason="several_matches", card_identity={})
    actions = [(e.action, e.subject_ids) for e in cache.audit.entries()]
    assert actions == [
        ("cache.create", ()),
        ("snapshot.store", (key,)),
        ("visit.offline", (visit.id, key)),
        ("flag.raise", (flag.id,)),
    ]
    assert [e.seq for e in cache.audit.entries(after_seq=2, limit=1)] == [3]


def test_purge_removes_only_what_expired(cache: OfflineCache, clock: FakeClock) -> None:
    old, busy, fresh = cert("old"), cert("busy"), cert("fresh")
    for key in (old, busy):
        cache.snapshots.put_confirmed(
            key, identity=IDENTITY, coverage=COVERAGE, gate_outcome=GateOutcome.MATCH
        )
    cache.medications.put(old, medications={"items": []}, consented_at=clock.now)
    visit = cache.visits.record_offline(busy, desk_id="desk-1")
    flag = cache.flags.raise_flag(desk_id="desk-1", reason="name_mismatch", card_identity={})
    clock.advance(days=31)
    cache.snapshots.put_confirmed(
        fresh, identity=IDENTITY, coverage=COVERAGE, gate_outcome=GateOutcome.MATCH
    )

    report = cache.purge()
    assert (report.snapshots, report.medications, report.kept_for_pending_visits) == (1, 1, 1)
    counts = cache.counts()
    assert counts.snapshots == 2  # busy (pending visit) and fresh
    assert cache.snapshots.get(fresh) is not None

    cache.visits.record_reverification(visit.id, status=VisitStatus.CONFIRMED, result={})
    clock.advance(days=91)
    report = cache.purge()
    assert report.visits == 1 and report.snapshots == 2
    assert cache.counts().visits == 0
    assert cache.flags.get(flag.id).status is FlagStatus.OPEN  # flags are never purged
    assert cache.verify().ok


def test_forget_card_removes_its_records(cache: OfflineCache, clock: FakeClock) -> None:
    key = store(cache)
    cache.medications.put(key, medications={"items": []}, consented_at=clock.now)
    assert cache.snapshots.forget_card(key) is True
    assert cache.snapshots.get(key) is None and cache.medications.get(key) is None
    assert cache.snapshots.forget_card(key) is False


def test_calls_from_many_threads_are_serialised(cache: OfflineCache) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                key = store(cache, f"t{n}-{i}")
                assert cache.snapshots.get(key) is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache.counts().snapshots == 120
    report = cache.verify()
    assert report.ok and report.audit_rows == 121


def test_closed_cache_refuses_calls(cache: OfflineCache) -> None:
    cache.close()
    with pytest.raises(CacheClosed):
        cache.snapshots.get(cert("x"))
    cache.close()  # closing twice is harmless


def test_batch_commits_together_and_rolls_back_together(cache: OfflineCache) -> None:
    with cache.batch():
        for n in range(10):
            store(cache, f"b{n}")
        # A failed write inside a batch leaves nothing of itself behind.
        with pytest.raises(SnapshotUnavailable):
            cache.visits.record_offline(cert("nobody"), desk_id="desk-1")
    assert cache.counts().snapshots == 10

    with pytest.raises(RuntimeError), cache.batch():
        store(cache, "lost")
        raise RuntimeError("stop")
    assert cache.snapshots.get(cert("lost")) is None
    report = cache.verify()
    assert report.ok and report.audit_rows == 11

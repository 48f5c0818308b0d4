"""The Reverifier against the embedded gateway (loopback HTTP) and a real SQLCipher cache."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clinic_desk.domain.coverage import CoverageStatus, EligibilityRecord, ValidityState
from clinic_desk.eligibility import EligibilityClient
from clinic_desk.gateway.dataset import Dataset
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.reverify import (
    MISLINK_FOUND,
    REVOKED_FOUND,
    SEVERAL_QUALIFICATIONS_FOUND,
    Reverifier,
)
from offline_cache import GateOutcome, OfflineCache, OfflineVisit, VisitStatus
from tests.cache.support import PASSPHRASE, TEST_SCRYPT_N
from tests.reverify.conftest import fingerprint
from tests.support.leaks import leaked

REVERIFY = frozenset({Route.REVERIFY})
# the record sato-ken's card is (wrongly) linked to: none of it may be stored
STRANGER = (
    *("鈴木", "スズキ", "1962-05-14", "19620514", "06400021", "3301", "md-suzuki"),
    *("アムロジピン", "ロスバスタチン", "メトホルミン", "ロキソプロフェン"),
)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[OfflineCache]:
    with OfflineCache.create(
        tmp_path / "data", tmp_path / "config", PASSPHRASE, scrypt_n=TEST_SCRYPT_N, actor="desk-1"
    ) as opened:
        yield opened


@pytest.fixture
def reverifier(cache: OfflineCache, client: EligibilityClient) -> Reverifier:
    return Reverifier(cache, client, desk_id="desk-1")


def own_record(dataset: Dataset, patient_id: str) -> EligibilityRecord:
    entry = dataset.patients[patient_id]
    return EligibilityRecord.from_coverages(patient_id, tuple(entry.coverages), datetime.now(UTC))


def offline_visit(
    cache: OfflineCache, profile_id: str, coverage: EligibilityRecord | None
) -> OfflineVisit:
    """What the desk leaves behind after an offline check-in: a snapshot the patient
    confirmed (the chip's identity, the coverage shown) and a pending visit."""
    profile = card_profile(profile_id)
    cert = fingerprint(profile_id)
    cache.snapshots.put_confirmed(
        cert,
        identity={
            "name": profile.name,
            "birthdate": profile.birthdate.isoformat(),
            "sex": profile.sex,
        },
        coverage=coverage.model_dump(mode="json") if coverage is not None else {},
        gate_outcome=GateOutcome.MATCH,
    )
    return cache.visits.record_offline(cert, desk_id="desk-1")


def cache_dump(cache: OfflineCache) -> str:
    rows: list[str] = []
    with cache._unit.mutex:  # raw rows: what someone holding the key would see
        tables = cache._unit.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in tables.fetchall():
            for row in cache._unit.conn.execute(f'SELECT * FROM "{table}"').fetchall():
                rows.append(repr(row))
    assert rows
    return "\n".join(rows)


async def test_same_coverage_is_confirmed(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    assert await reverifier.pending() == 1
    report = await reverifier.run_once()
    assert (report.checked, report.confirmed, report.pending) == (1, 1, 0)
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.CONFIRMED
    assert done.reverified_at is not None
    assert cache.flags.find() == []
    assert await reverifier.pending() == 0


async def test_a_dependent_and_a_variant_name_are_confirmed(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    # 髙橋 on the card, 高橋 in the record: a variant the receptionist accepted at the time
    visits = [
        offline_visit(cache, "nakamura-akemi", own_record(dataset, "p-nakamura-akemi")),
        offline_visit(cache, "takahashi-ichiro", own_record(dataset, "p-takahashi-ichiro")),
    ]
    report = await reverifier.run_once()
    assert report.confirmed == 2
    assert {cache.visits.get(v.id).status for v in visits} == {VisitStatus.CONFIRMED}


async def test_changed_coverage_names_the_fields_only(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    record = own_record(dataset, "p-yamada-taro")
    current = record.current
    assert current is not None
    shown = current.model_copy(update={"number": "999", "copay_ratio": 10, "branch": "01"})
    visit = offline_visit(cache, "yamada-taro", record.model_copy(update={"coverages": (shown,)}))
    report = await reverifier.run_once()
    assert report.changed == 1
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.CHANGED
    assert done.reverification == {"changed": ["number", "branch", "copay_ratio"]}
    for value in (current.number, "999", current.insurer_number):
        assert value not in repr(done.reverification)


async def test_coverage_no_longer_valid_is_rejected_with_its_state(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    # the offline visit was shown a valid coverage; today the gateway says it was lost
    lost = own_record(dataset, "p-kobayashi-sachiko")
    was_valid = lost.coverages[0].model_copy(
        update={
            "validity": ValidityState.VALID,
            "status": CoverageStatus.ACTIVE,
            "period_end": None,
        }
    )
    visit = offline_visit(
        cache,
        "kobayashi-sachiko",
        EligibilityRecord.from_coverages(lost.patient_id, (was_valid,), lost.checked_at),
    )
    report = await reverifier.run_once()
    assert report.rejected == 1 and report.flagged == 0
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.REJECTED
    assert done.reverification == {"state": 2}


async def test_several_qualifications_are_rejected_and_flagged(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    record = own_record(dataset, "p-kato-yuki")
    visit = offline_visit(
        cache, "kato-yuki", record.model_copy(update={"coverages": record.coverages[:1]})
    )
    report = await reverifier.run_once()
    assert (report.rejected, report.flagged) == (1, 1)
    assert cache.visits.get(visit.id).reverification == {"state": 5}
    assert [f.reason for f in cache.flags.find()] == [SEVERAL_QUALIFICATIONS_FOUND]


async def test_mislink_found_is_rejected_and_flagged_without_the_strangers_data(
    cache: OfflineCache,
    reverifier: Reverifier,
    dataset: Dataset,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # sato-ken was checked in offline with his own (earlier) confirmed coverage; today
    # the gateway links his card to Suzuki Ichiro's record
    own = own_record(dataset, "p-yamada-taro").model_copy(update={"patient_id": "p-sato-ken"})
    visit = offline_visit(cache, "sato-ken", own)
    caplog.set_level(logging.DEBUG)
    report = await reverifier.run_once()
    assert (report.rejected, report.flagged) == (1, 1)
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.REJECTED
    assert done.reverification == {"reason": "mislink_found"}
    [flag] = cache.flags.find()
    assert flag.reason == MISLINK_FOUND
    profile = card_profile("sato-ken")
    assert flag.card_identity["name"] == profile.name
    assert flag.card_identity["birthdate"] == profile.birthdate.isoformat()
    assert flag.card_identity["certificate_sha256"] == fingerprint("sato-ken")
    dump = cache_dump(cache)
    # whole tokens: a number inside a random seal or hash is chance, not a leak
    assert leaked(dump, STRANGER) == [], "in the cache"
    assert leaked(caplog.text, STRANGER) == [], "in the log"
    # the snapshot the patient confirmed is left as it was
    snapshot = cache.snapshots.get(fingerprint("sato-ken"))
    assert snapshot is not None and snapshot.identity["name"] == profile.name


async def test_mislink_fault_on_the_route_is_found_too(
    gateway: GatewayServer, cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    gateway.state.faults.add(
        Fault(kind=FaultKind.MISLINK, patient_id="p-suzuki-ichiro", routes=REVERIFY)
    )
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    await reverifier.run_once()
    assert cache.visits.get(visit.id).reverification == {"reason": "mislink_found"}
    assert [f.reason for f in cache.flags.find()] == [MISLINK_FOUND]
    dump = cache_dump(cache)
    assert leaked(dump, ("鈴木", "06400021")) == []


async def test_revoked_certificate_is_rejected_and_flagged(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "ito-makoto", own_record(dataset, "p-ito-makoto"))
    report = await reverifier.run_once()
    assert (report.rejected, report.flagged) == (1, 1)
    assert cache.visits.get(visit.id).reverification == {"reason": "certificate_revoked"}
    assert [f.reason for f in cache.flags.find()] == [REVOKED_FOUND]


async def test_gateway_down_leaves_visits_pending_then_confirms_them(
    gateway: GatewayServer, cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visits = [
        offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro")),
        offline_visit(cache, "nakamura-akemi", own_record(dataset, "p-nakamura-akemi")),
    ]
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN))
    served = gateway.state.requests_served
    report = await reverifier.run_once()
    assert report.gateway_unavailable
    assert (report.checked, report.pending) == (0, 2)
    # it stops at the first failure instead of asking again for every visit
    assert gateway.state.requests_served - served == 1 + reverifier.client.settings.get_retries
    assert all(cache.visits.get(v.id).status is VisitStatus.PENDING for v in visits)
    gateway.state.faults.clear()
    report = await reverifier.run_once()
    assert (report.confirmed, report.pending, report.gateway_unavailable) == (2, 0, False)
    assert all(cache.visits.get(v.id).status is VisitStatus.CONFIRMED for v in visits)


async def test_gateway_not_running_leaves_visits_pending(
    cache: OfflineCache, dataset: Dataset
) -> None:
    import socket

    from clinic_desk.eligibility import GatewaySettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    settings = GatewaySettings(base_url=f"http://127.0.0.1:{port}", backoff_initial=0.01)
    async with EligibilityClient(settings) as client:
        report = await Reverifier(cache, client, desk_id="desk-1").run_once()
    assert report.gateway_unavailable and report.pending == 1
    assert cache.visits.get(visit.id).status is VisitStatus.PENDING


async def test_an_unreadable_answer_leaves_the_visit_pending(
    gateway: GatewayServer, cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    gateway.state.faults.add(Fault(kind=FaultKind.GARBAGE, routes=REVERIFY, times=1))
    report = await reverifier.run_once()
    assert (report.failed, report.pending) == (1, 1)
    assert cache.visits.get(visit.id).status is VisitStatus.PENDING
    assert (await reverifier.run_once()).confirmed == 1


async def test_unlinked_card_is_rejected(
    gateway: GatewayServer, cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    gateway.state.dataset.links.pop(fingerprint("yamada-taro"))
    try:
        await reverifier.run_once()
    finally:
        gateway.state.dataset.links[fingerprint("yamada-taro")] = "p-yamada-taro"
    assert cache.visits.get(visit.id).reverification == {"reason": "certificate_unlinked"}
    assert cache.flags.find() == []


async def test_a_forgotten_card_cannot_be_confirmed(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    cache.snapshots.forget_card(visit.cert_sha256)
    await reverifier.run_once()
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.REJECTED and done.reverification == {"reason": "no_snapshot"}


async def test_a_snapshot_replaced_since_the_visit_is_said(
    cache: OfflineCache, reverifier: Reverifier, dataset: Dataset
) -> None:
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    # a later online check-in of the same card confirmed (and cached) its record again
    snapshot = cache.snapshots.get(visit.cert_sha256)
    assert snapshot is not None
    cache.snapshots.put_confirmed(
        visit.cert_sha256,
        identity=snapshot.identity,
        coverage=snapshot.coverage,
        gate_outcome=GateOutcome.MATCH,
        fetched_at=visit.snapshot_fetched_at + timedelta(minutes=5),
    )
    await reverifier.run_once()
    done = cache.visits.get(visit.id)
    assert done.status is VisitStatus.CONFIRMED
    assert done.reverification == {"snapshot_replaced": True}

"""`clinic-desk cache reverify` through the real entry point, a real cache file and the
embedded gateway on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.gateway.dataset import Dataset
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from offline_cache import GateOutcome, OfflineCache, VisitStatus
from tests.cache.support import PASSPHRASE
from tests.reverify.conftest import fingerprint

PASS_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"


@pytest.fixture
def visit_id(monkeypatch: pytest.MonkeyPatch, dataset: Dataset) -> Iterator[str]:
    """The desk's own cache (under CLINIC_DESK_HOME) with one offline visit waiting."""
    monkeypatch.setenv(PASS_ENV, PASSPHRASE)
    profile = card_profile("yamada-taro")
    entry = dataset.patients["p-yamada-taro"]
    record = EligibilityRecord.from_coverages(
        entry.record.id, tuple(entry.coverages), datetime.now(UTC)
    )
    with OfflineCache.create(paths.data_dir(), paths.config_dir(), PASSPHRASE) as cache:
        cache.snapshots.put_confirmed(
            fingerprint("yamada-taro"),
            identity={"name": profile.name, "birthdate": profile.birthdate.isoformat(), "sex": "1"},
            coverage=record.model_dump(mode="json"),
            gate_outcome=GateOutcome.MATCH,
        )
        visit = cache.visits.record_offline(fingerprint("yamada-taro"), desk_id="desk-1")
    yield visit.id


def _configure(url: str) -> None:
    paths.ensure_dir(paths.config_dir())
    paths.config_file().write_text(f'[gateway]\nbase_url = "{url}"\n', encoding="utf-8")


def _status(visit_id: str) -> VisitStatus:
    with OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE) as cache:
        return cache.visits.get(visit_id).status


def test_without_a_configured_gateway_it_says_so(
    visit_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "reverify"]) == 2
    err = capsys.readouterr().err
    assert "needs a configured gateway" in err and "gateway.base_url" in err
    assert _status(visit_id) is VisitStatus.PENDING


def test_it_re_checks_and_prints_counts(
    visit_id: str, gateway: GatewayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(gateway.url)
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN))
    assert main(["cache", "reverify"]) == 1
    out = capsys.readouterr().out
    assert "1 still waiting" in out and "not answering" in out
    assert _status(visit_id) is VisitStatus.PENDING

    gateway.state.faults.clear()
    assert main(["cache", "reverify"]) == 0
    out = capsys.readouterr().out
    assert "re-checked 1: 1 confirmed, 0 changed, 0 rejected" in out and "0 still waiting" in out
    assert _status(visit_id) is VisitStatus.CONFIRMED
    assert "山田" not in out

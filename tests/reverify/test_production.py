"""The production desk re-checks its offline visits through a TLS gateway that requires
the desk's client certificate (mTLS): the desk's own credential, no card."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from clinic_desk.config import load_settings
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.services.production import build_production_services, prepare_production
from offline_cache import GateOutcome, VisitStatus
from tests.production.conftest import PASSPHRASE, TlsGateway, write_config
from tests.reverify.conftest import fingerprint
from tests.support.pcscd import PcscService

ENV = {"CLINIC_DESK_CACHE_PASSPHRASE": PASSPHRASE}


async def test_production_desk_re_checks_pending_visits_over_mtls(
    pcscd: PcscService, tls_gateway: TlsGateway
) -> None:
    write_config(tls_gateway.config(gateway__reverify_interval_seconds="5"))
    settings = load_settings()
    assert settings.gateway.reverify_interval_seconds == 5
    prepared = prepare_production(settings, environ=ENV)
    entry = load_dataset().patients["p-yamada-taro"]
    profile = card_profile("yamada-taro")
    prepared.cache.snapshots.put_confirmed(
        fingerprint("yamada-taro"),
        identity={"name": profile.name, "birthdate": profile.birthdate.isoformat(), "sex": "1"},
        coverage=EligibilityRecord.from_coverages(
            entry.record.id, tuple(entry.coverages), datetime.now(UTC)
        ).model_dump(mode="json"),
        gate_outcome=GateOutcome.MATCH,
    )
    visit = prepared.cache.visits.record_offline(fingerprint("yamada-taro"), desk_id="desk-3")
    services = await build_production_services(settings, prepared=prepared)
    try:
        await services.start()  # visits are waiting: the first run starts at once
        deadline = time.monotonic() + 30
        while prepared.cache.visits.get(visit.id).status is VisitStatus.PENDING:
            assert time.monotonic() < deadline, "the visit was never re-checked"
            await asyncio.sleep(0.05)
        assert prepared.cache.visits.get(visit.id).status is VisitStatus.CONFIRMED
        deadline = time.monotonic() + 10
        while services.status().awaiting_reverify:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    finally:
        await services.stop()

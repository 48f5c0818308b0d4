"""The production desk re-checks its offline visits through a TLS gateway that requires
the desk's client certificate (mTLS): the desk's own credential, no card."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime

import pytest

from clinic_desk.app.app import DeskApp
from clinic_desk.config import load_settings
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services import production
from clinic_desk.services.production import (
    PreparedDesk,
    build_production_services,
    prepare_production,
)
from offline_cache import GateOutcome, VisitStatus
from tests.desk.conftest import SIZE
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
    services = await build_production_services(prepared)
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


def _pending_visit(prepared: PreparedDesk) -> int:
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
    return prepared.cache.visits.record_offline(fingerprint("yamada-taro"), desk_id="desk-3").id


async def test_production_desk_re_checks_when_the_gateway_comes_back(
    pcscd: PcscService, tls_gateway: TlsGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(production, "READINESS_REFRESH_SECONDS", 0.05)
    with socket.socket() as probe:  # a port nobody listens on, yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # a long interval: only the gateway's return can set the re-check off
    config = tls_gateway.config(gateway__reverify_interval_seconds="3600")
    write_config(config.replace(tls_gateway.url, f"https://127.0.0.1:{port}"))
    prepared = prepare_production(load_settings(), environ=ENV)
    visit = _pending_visit(prepared)
    services = await build_production_services(prepared)
    try:
        await services.start()
        assert services.status().gateway_online is False
        deadline = time.monotonic() + 30
        while services.status().awaiting_reverify != 1:
            assert time.monotonic() < deadline, "the visit was never counted"
            await asyncio.sleep(0.05)
        assert prepared.cache.visits.get(visit).status is VisitStatus.PENDING
        with GatewayServer(port=port, tls=tls_gateway.tls, max_seconds=60):
            while prepared.cache.visits.get(visit).status is VisitStatus.PENDING:
                assert time.monotonic() < deadline, "the visit was never re-checked"
                await asyncio.sleep(0.05)
            assert services.status().gateway_online is True
        assert prepared.cache.visits.get(visit).status is VisitStatus.CONFIRMED
    finally:
        await services.stop()


async def test_production_desk_idle_lock_is_the_configured_one(
    pcscd: PcscService, tls_gateway: TlsGateway
) -> None:
    write_config(tls_gateway.config(desk__idle_lock_seconds="45"))
    services = await build_production_services(prepare_production(load_settings(), environ=ENV))
    assert services.idle_lock_seconds == 45
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.idle is not None and app.idle.seconds == 45
    finally:
        await services.stop()

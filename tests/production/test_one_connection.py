"""`doctor` proves what the desk will use: one function builds every client of the gateway.

Real parts: the embedded gateway over HTTPS with mutual TLS and CAs made here, the
production configuration, a real SQLCipher cache.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from clinic_desk.checkin import events as ev
from clinic_desk.cli import main
from clinic_desk.config import load_settings
from clinic_desk.eligibility import EligibilityClient, GatewaySettings, connection
from clinic_desk.readiness import CheckStatus, run_checks
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.production import (
    StartupError,
    build_production_services,
    prepare_production,
)
from tests.production.conftest import PASSPHRASE, TlsGateway, write_config
from tests.support.tls import ThrowawayCA

ENV = {"CLINIC_DESK_CACHE_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[GatewaySettings]:
    """The settings of every httpx client built for the gateway, in order."""
    seen: list[GatewaySettings] = []
    real = connection.http_client

    def spy(settings: GatewaySettings, **kwargs: Any) -> httpx.AsyncClient:
        seen.append(settings)
        return real(settings, **kwargs)

    monkeypatch.setattr(connection, "http_client", spy)
    return seen


async def test_doctor_the_desk_and_reverify_build_their_client_with_one_function(
    tls_gateway: TlsGateway,
    built: list[GatewaySettings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(tls_gateway.config())
    settings = load_settings()

    readiness = await run_checks(settings, passphrase=PASSPHRASE)
    assert readiness.get("gateway").status is CheckStatus.OK
    assert built == [settings.gateway]  # doctor

    prepared = prepare_production(settings, environ=ENV)
    services = await build_production_services(prepared)
    await services.stop()
    assert built == [settings.gateway] * 2  # the desk (and its background re-verifier)

    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", PASSPHRASE)
    assert await asyncio.to_thread(main, ["cache", "reverify"]) == 0
    assert built == [load_settings().gateway] * 3  # cache reverify


async def test_a_wrong_ca_fails_doctor_and_the_desk_alike(
    tls_gateway: TlsGateway, tmp_path: Path
) -> None:
    other = ThrowawayCA("someone else").write(tmp_path / "other-ca.pem")
    write_config(tls_gateway.config().replace(str(tls_gateway.ca_bundle), str(other)))
    settings = load_settings()

    gateway = (await run_checks(settings, passphrase=PASSPHRASE)).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    assert "the gateway's certificate is not trusted" in gateway.detail

    client = EligibilityClient(settings.gateway)  # what the desk builds from the same settings
    try:
        answer = await ClientGatewayPort(client).challenge()
    finally:
        await client.aclose()
    assert isinstance(answer, ev.GatewayUnavailable)
    assert answer.reason == "tls-untrusted"

    # and with the right CA, both succeed
    write_config(tls_gateway.config())
    fixed = load_settings()
    assert (await run_checks(fixed, passphrase=PASSPHRASE)).get("gateway").status is (
        CheckStatus.OK
    )
    client = EligibilityClient(fixed.gateway)
    try:
        assert isinstance(await ClientGatewayPort(client).challenge(), bytes)
    finally:
        await client.aclose()


async def test_a_key_that_does_not_belong_stops_doctor_and_the_desk_in_the_same_words(
    tls_gateway: TlsGateway, tmp_path: Path
) -> None:
    _, wrong_key = ThrowawayCA("x").issue(tmp_path, "other", server=False)
    write_config(tls_gateway.config().replace(str(tls_gateway.desk_key), str(wrong_key)))
    settings = load_settings()
    gateway = (await run_checks(settings, passphrase=PASSPHRASE)).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    with pytest.raises(StartupError) as caught:
        prepare_production(settings, environ=ENV)
    assert caught.value.message == gateway.detail
    assert "(gateway.client_key)" in caught.value.message

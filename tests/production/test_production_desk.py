"""The production desk: refusals before the UI, the cache's first start, and a desk that
starts with what is ready and says what is not."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.app.app import DeskApp
from clinic_desk.cli import main
from clinic_desk.config import load_settings
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services import production
from clinic_desk.services.production import (
    StartupError,
    build_production_services,
    cache_policy,
    prepare_production,
)
from offline_cache import OfflineCache
from tests.desk.conftest import SIZE, screen_text
from tests.production.conftest import PASSPHRASE, TlsGateway, write_config
from tests.support.pcscd import PcscService

ENV = {"CLINIC_DESK_CACHE_PASSPHRASE": PASSPHRASE}
DB = "offline-cache.db"


def cache_file() -> Path:
    return paths.data_dir() / DB


def key_file() -> Path:
    return paths.config_dir() / "offline-cache.key"


# --- refusals ------------------------------------------------------------------------------


def test_refuses_a_virtual_reader(pcscd: PcscService, tls_gateway: TlsGateway) -> None:
    # "PCD 00 01" is not a virtual name by itself, but the reader it finds is vpcd's
    write_config(tls_gateway.config(reader="PCD 00 01"))
    with pytest.raises(StartupError) as caught:
        prepare_production(load_settings(), environ=ENV)
    message = caught.value.message
    assert "'Virtual PCD 00 01' is a virtual reader" in message
    assert "sudo apt-get remove vsmartcard-vpcd" in message
    assert not cache_file().exists()  # refused before anything was opened or created


def test_desk_refuses_a_virtual_reader_without_a_traceback(
    pcscd: PcscService, tls_gateway: TlsGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tls_gateway.config(reader="PCD 00 01"))
    os.environ["CLINIC_DESK_CACHE_PASSPHRASE"] = PASSPHRASE
    try:
        assert main([]) == 2
    finally:
        del os.environ["CLINIC_DESK_CACHE_PASSPHRASE"]
    err = capsys.readouterr().err
    assert err.startswith("clinic-desk: The reader 'Virtual PCD 00 01' is a virtual reader")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('"https://127.0.0.1', '"http://192.168.1.10'), "plain http is allowed only to this"),
        (("[desk]", "[gateway]\nverify_tls = false\n[desk]"), "'gateway.verify_tls'"),
        (("[desk]", '[cache]\npassphrase_source = "none"\n[desk]'), "must be encrypted"),
        (('name_pattern = "ACR39U"', 'name_pattern = "Virtual PCD 00 01"'), "virtual reader"),
    ],
)
def test_desk_refuses_unsafe_settings_plainly(
    tls_gateway: TlsGateway,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str],
    expected: str,
) -> None:
    text = tls_gateway.config()
    assert change[0] in text
    write_config(text.replace(change[0], change[1], 1).replace("[gateway]\nverify", "verify"))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_refuses_to_start_without_the_cache_passphrase(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    with pytest.raises(StartupError, match="CLINIC_DESK_CACHE_PASSPHRASE is not set"):
        prepare_production(load_settings(), environ={})
    write_config(tls_gateway.config(cache__passphrase_source='"prompt"'))
    with pytest.raises(StartupError, match="no terminal"):
        prepare_production(load_settings(), environ={})
    assert not cache_file().exists() and not key_file().exists()


# --- the cache -------------------------------------------------------------------------------


def test_first_start_creates_the_cache_then_opens_it(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config(cache__eligibility_ttl_days="7"))
    settings = load_settings()
    first = prepare_production(settings, environ=ENV)
    assert first.created_cache and cache_file().exists() and key_file().exists()
    assert first.cache.policy == cache_policy(settings)
    assert first.cache.policy.eligibility_ttl.days == 7
    first.cache.close()
    again = prepare_production(settings, environ=ENV)
    assert not again.created_cache
    again.cache.close()


def test_prompted_passphrase_is_asked_twice_on_first_start(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config(cache__passphrase_source='"prompt"'))
    answers = iter([PASSPHRASE, "something else"])
    with pytest.raises(StartupError, match="differ; nothing was created"):
        prepare_production(load_settings(), environ={}, prompt=lambda _: next(answers))
    assert not cache_file().exists()
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return PASSPHRASE

    prepare_production(load_settings(), environ={}, prompt=prompt).cache.close()
    assert asked == ["Offline cache passphrase: ", "Repeat the passphrase: "]
    asked.clear()
    prepare_production(load_settings(), environ={}, prompt=prompt).cache.close()
    assert asked == ["Offline cache passphrase: "]  # an existing cache: asked once


def test_wrong_passphrase_leaves_the_cache_untouched(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    OfflineCache.create(paths.data_dir(), paths.config_dir(), PASSPHRASE).close()
    before = (cache_file().read_bytes(), key_file().read_bytes())
    with pytest.raises(StartupError, match="does not unlock"):
        prepare_production(load_settings(), environ={"CLINIC_DESK_CACHE_PASSPHRASE": "x" * 12})
    assert (cache_file().read_bytes(), key_file().read_bytes()) == before


def test_half_a_cache_is_never_recreated(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    OfflineCache.create(paths.data_dir(), paths.config_dir(), PASSPHRASE).close()
    key_file().unlink()
    data = cache_file().read_bytes()
    with pytest.raises(StartupError, match="the offline cache cannot be opened"):
        prepare_production(load_settings(), environ=ENV)
    assert not key_file().exists() and cache_file().read_bytes() == data


# --- the running desk ------------------------------------------------------------------------


async def test_desk_starts_and_says_what_is_not_ready(
    pcscd: PcscService, tls_gateway: TlsGateway
) -> None:
    write_config(tls_gateway.config(reader="ACR39U"))  # no such reader is plugged in
    settings = load_settings()
    services = await build_production_services(prepare_production(settings, environ=ENV))
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(500):
                if services.status().gateway_online is not None:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            status = services.status()
            assert status.mode == "production" and status.cache == "unlocked"
            assert status.gateway_online is True  # TLS + client certificate accepted
            assert "No card reader matches 'ACR39U'" in status.notice
            text = screen_text(app)
            assert "NOT READY" in text and "No card reader matches" in text
            # the notice has the status line's second line; the gateway's state is asserted above
    finally:
        await services.stop()
    # the cache was closed with the desk: it opens again
    OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE).close()


async def test_desk_starts_with_the_gateway_down(
    pcscd: PcscService, tls_gateway: TlsGateway
) -> None:
    text = tls_gateway.config().replace(tls_gateway.url, "https://127.0.0.1:9")
    write_config(text)
    settings = load_settings()
    services = await build_production_services(prepare_production(settings, environ=ENV))
    try:
        await services.start()
        status = services.status()
        assert status.gateway_online is False
        assert "eligibility gateway: 127.0.0.1:9 cannot be reached" in status.notice
    finally:
        await services.stop()


async def test_status_line_follows_a_gateway_that_comes_back(
    pcscd: PcscService, tls_gateway: TlsGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(production, "READINESS_REFRESH_SECONDS", 0.05)
    with socket.socket() as probe:  # a port nobody listens on, yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_config(tls_gateway.config().replace(tls_gateway.url, f"https://127.0.0.1:{port}"))
    settings = load_settings()
    services = await build_production_services(prepare_production(settings, environ=ENV))
    try:
        await services.start()
        assert services.status().gateway_online is False
        with GatewayServer(port=port, tls=tls_gateway.tls, max_seconds=60):
            for _ in range(1000):
                if services.status().gateway_online:
                    break
                await asyncio.sleep(0.02)
            status = services.status()
            assert status.gateway_online is True
            assert "eligibility gateway" not in status.notice
    finally:
        await services.stop()

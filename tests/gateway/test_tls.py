"""HTTPS with a CA made in the test, and mutual TLS (client certificate)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from clinic_desk.eligibility import (
    EligibilityClient,
    GatewaySettings,
    GatewaySettingsError,
    GatewayUnavailable,
)
from clinic_desk.gateway.dataset import Dataset
from clinic_desk.gateway.server import GatewayServer, ServerTLS
from tests.gateway.conftest import KeySigner
from tests.support.tls import ThrowawayCA


async def _checkin(settings: GatewaySettings, signer: KeySigner) -> str:
    async with EligibilityClient(settings) as desk:
        session = await desk.open_session(signer)
        return (await desk.fetch_patient(session)).id


async def test_https_with_a_custom_ca(
    tmp_path: Path, dataset: Dataset, signer_for: Callable[[str], KeySigner]
) -> None:
    ca = ThrowawayCA("test server CA")
    cert, key = ca.issue(tmp_path, "gateway", server=True)
    bundle = ca.write(tmp_path / "ca.pem")
    with GatewayServer(dataset, tls=ServerTLS(cert, key), max_seconds=60) as server:
        assert server.url.startswith("https://127.0.0.1:")
        trusted = GatewaySettings(base_url=server.url, ca_bundle=bundle)
        assert await _checkin(trusted, signer_for("yamada-taro")) == "p-yamada-taro"

        untrusted = GatewaySettings(base_url=server.url)  # public CAs only
        with pytest.raises(GatewayUnavailable) as caught:
            await _checkin(untrusted, signer_for("yamada-taro"))
        assert caught.value.code == "tls-untrusted"
        assert "gateway.ca_bundle" in caught.value.support_hint
        assert "ca_bundle" in caught.value.support_hint


async def test_mutual_tls(
    tmp_path: Path, dataset: Dataset, signer_for: Callable[[str], KeySigner]
) -> None:
    server_ca = ThrowawayCA("test server CA")
    client_ca = ThrowawayCA("test desk CA")
    cert, key = server_ca.issue(tmp_path, "gateway", server=True)
    desk_cert, desk_key = client_ca.issue(tmp_path, "desk", server=False)
    bundle = server_ca.write(tmp_path / "server-ca.pem")
    client_bundle = client_ca.write(tmp_path / "client-ca.pem")
    tls = ServerTLS(cert, key, client_ca=client_bundle)
    with GatewayServer(dataset, tls=tls, max_seconds=60) as server:
        with_cert = GatewaySettings(
            base_url=server.url,
            ca_bundle=bundle,
            client_certificate=desk_cert,
            client_key=desk_key,
        )
        assert await _checkin(with_cert, signer_for("yamada-taro")) == "p-yamada-taro"

        without_cert = GatewaySettings(base_url=server.url, ca_bundle=bundle)
        with pytest.raises(GatewayUnavailable) as caught:
            await _checkin(without_cert, signer_for("yamada-taro"))
        assert caught.value.code in ("tls", "disconnected")


def test_plain_http_only_to_loopback() -> None:
    assert GatewaySettings(base_url="http://127.0.0.1:8470").base_url == "http://127.0.0.1:8470"
    assert GatewaySettings(base_url="http://localhost:8470/").base_url == "http://localhost:8470"
    assert GatewaySettings(base_url="http://[::1]:8470").base_url == "http://[::1]:8470"
    for url in ("http://gateway.example:8470", "http://192.168.1.10", "ftp://127.0.0.1"):
        with pytest.raises(ValidationError):
            GatewaySettings(base_url=url)
    with pytest.raises(ValidationError):
        GatewaySettings(base_url="https://gateway.example", verify_tls=False)


def test_unreadable_tls_files_are_a_plain_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(GatewaySettingsError, match="CA bundle"):
        EligibilityClient(GatewaySettings(base_url="https://gw.example", ca_bundle=missing))
    with pytest.raises(GatewaySettingsError, match="client certificate"):
        EligibilityClient(
            GatewaySettings(
                base_url="https://gw.example", client_certificate=missing, client_key=missing
            )
        )

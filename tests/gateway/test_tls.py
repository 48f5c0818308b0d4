"""HTTPS with a CA made in the test, and mutual TLS (client certificate)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
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


class ThrowawayCA:
    """A throw-away CA issuing server and client certificates (EC keys: fast)."""

    def __init__(self, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, folder: Path, stem: str, *, server: bool) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, stem)]))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        else:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False
            )
        certificate = builder.sign(self.key, hashes.SHA256())
        cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path

    def write(self, path: Path) -> Path:
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path


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
        assert caught.value.code == "tls"
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
            GatewaySettings(base_url="https://gw.example", client_certificate=missing)
        )

"""A production-like desk on one machine: a TLS + mTLS gateway on loopback with CAs made
here, the desk's certificate and key, a real SQLCipher cache and a production config."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from clinic_desk import paths
from clinic_desk.gateway.server import GatewayServer, ServerTLS

PASSPHRASE = "correct horse battery staple"


class ThrowawayCA:
    """A throw-away CA (EC keys: fast) issuing server and client certificates."""

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

    def write(self, path: Path) -> Path:
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path

    def issue(self, folder: Path, stem: str, *, server: bool) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, stem)]))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
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


@dataclass
class TlsGateway:
    url: str
    ca_bundle: Path
    desk_certificate: Path
    desk_key: Path
    folder: Path
    server: GatewayServer
    tls: ServerTLS

    def config(self, *, reader: str = "ACR39U", **extra: str) -> str:
        """A production config.toml for this gateway; ``section__key=value`` adds settings."""
        sections: dict[str, dict[str, str]] = {
            "reader": {"name_pattern": f'"{reader}"'},
            "gateway": {
                "base_url": f'"{self.url}"',
                "ca_bundle": f'"{self.ca_bundle}"',
                "client_certificate": f'"{self.desk_certificate}"',
                "client_key": f'"{self.desk_key}"',
            },
            "desk": {"clinic_id": '"clinic-0001"', "desk_id": '"desk-3"'},
        }
        for key, value in extra.items():
            section, name = key.split("__")
            sections.setdefault(section, {})[name] = value
        lines = ['mode = "production"']
        for section, values in sections.items():
            lines.append(f"[{section}]")
            lines += [f"{name} = {value}" for name, value in values.items()]
        return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tls_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsGateway]:
    """The embedded gateway over HTTPS, requiring the desk's client certificate."""
    folder = tmp_path_factory.mktemp("tls")
    server_ca, desk_ca = ThrowawayCA("gateway CA"), ThrowawayCA("desk CA")
    cert, key = server_ca.issue(folder, "gateway", server=True)
    desk_cert, desk_key = desk_ca.issue(folder, "desk", server=False)
    tls = ServerTLS(cert, key, client_ca=desk_ca.write(folder / "desk-ca.pem"))
    with GatewayServer(tls=tls, max_seconds=300) as server:
        yield TlsGateway(
            server.url,
            server_ca.write(folder / "gateway-ca.pem"),
            desk_cert,
            desk_key,
            folder,
            server,
            tls,
        )


def write_config(text: str) -> Path:
    path = paths.ensure_dir(paths.config_dir()) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path

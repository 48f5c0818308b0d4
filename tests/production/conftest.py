"""A production-like desk on one machine: a TLS + mTLS gateway on loopback with CAs made
here, the desk's certificate and key, a real SQLCipher cache and a production config."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.gateway.server import GatewayServer, ServerTLS
from tests.support.tls import ThrowawayCA

PASSPHRASE = "correct horse battery staple"


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

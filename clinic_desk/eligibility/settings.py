"""How the desk reaches its eligibility gateway (one section of the desk's configuration)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class GatewaySettings(BaseModel):
    """Timeouts, retries, budget, size cap and TLS for the eligibility client.

    Plain HTTP is accepted only for loopback addresses (the embedded gateway);
    anything else must be HTTPS with verification on.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(description="the gateway's root, e.g. https://gateway.example:8443")
    connect_timeout: float = Field(default=1.0, gt=0, le=60)
    read_timeout: float = Field(
        default=1.5,
        gt=0,
        le=300,
        description="longest wait for the next bytes of an answer; a gateway that accepts "
        "and never answers is reported unavailable after this long",
    )
    write_timeout: float = Field(default=2.0, gt=0, le=300)
    pool_timeout: float = Field(default=1.0, gt=0, le=60)
    checkin_budget: float = Field(
        default=8.0, gt=0, le=600, description="total seconds one call may take, retries included"
    )
    get_retries: int = Field(default=2, ge=0, le=10, description="extra tries for GETs only")
    backoff_initial: float = Field(default=0.1, ge=0, le=10)
    backoff_max: float = Field(default=1.0, ge=0, le=60)
    processing_poll_interval: float = Field(
        default=2.0, gt=0, le=60, description="wait between polls when the check is processing"
    )
    max_response_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_pages: int = Field(default=40, ge=1, le=1000)
    page_size: int | None = Field(default=None, ge=1, le=100, description="None: the gateway's")
    max_connections: int = Field(default=4, ge=1, le=64)
    verify_tls: bool = True
    ca_bundle: Path | None = Field(default=None, description="PEM file of CAs to trust instead")
    client_certificate: Path | None = Field(default=None, description="PEM, for mTLS")
    client_key: Path | None = Field(default=None, description="PEM key of client_certificate")
    client_key_password: SecretStr | None = None
    insurer_padding: Literal["space", "zero"] = Field(
        default="space",
        description="how a 6-digit insurer number is padded to the 8 characters the national "
        "system's field takes, in a lookup by number (implementations disagree)",
    )

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise ValueError("plain http is allowed only to this computer (127.0.0.1); use https")
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query or a fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check_tls(self) -> GatewaySettings:
        host = urlsplit(self.base_url).hostname or ""
        if not self.verify_tls and not is_loopback_host(host):
            raise ValueError("verify_tls may be turned off only for a gateway on this computer")
        if self.client_key is not None and self.client_certificate is None:
            raise ValueError("client_key needs client_certificate")
        return self

"""How the desk reaches its eligibility gateway: the ``[gateway]`` section of the desk's
configuration, and the only settings the eligibility client takes.

One model for the configuration file, the environment, ``doctor``, ``cache reverify``,
``gateway check`` and the desk, so what ``doctor`` proves is what the desk uses.
The defaults are chosen for a desk on a clinic's LAN whose gateway asks the national
system behind it (see docs/gateway-api.md, "Settings"):

- ``connect_timeout`` 1 s: a gateway on the LAN accepts in milliseconds; one that does
  not within a second is down, and the desk goes to its cache at once.
- ``read_timeout`` 5 s: the gateway waits on the national system, which takes seconds
  on a busy morning; a shorter wait would call a working gateway down.
- ``checkin_budget`` 10 s: the time one check-in may spend waiting on the gateway, all
  its calls together (challenge, card authentication, Patient, Coverage, medications,
  retries and polls included); time spent at the card or with the patient is not
  counted. Past it the desk takes its offline path.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redact_url(url: str) -> str:
    """``url`` with any user name or password replaced by ``***`` (for messages and logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_LABEL.match(label) for label in labels)


def check_base_url(value: str) -> str:
    """The gateway's root URL, or ValueError saying in one sentence what is wrong with it."""
    if any(c.isspace() or ord(c) < 0x20 for c in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an https:// URL with a host name")
    if "@" in parts.netloc:
        raise ValueError(
            "must not carry a user name or password: the desk proves itself with its client "
            "certificate (gateway.client_certificate), and a password in a URL ends up in "
            "logs and screenshots"
        )
    host = parts.hostname
    if not host:
        raise ValueError("must be an https:// URL with a host name")
    if not _valid_host(host):
        raise ValueError(f"has a host name that is not valid: {host!r}")
    if port is not None and not 1 <= port <= 65535:
        raise ValueError("has a port that is not a number from 1 to 65535")
    if parts.netloc.endswith(":"):
        raise ValueError("has a port that is not a number from 1 to 65535")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ValueError(
            "plain http is allowed only to this computer (127.0.0.1 or localhost); "
            "patient data to another computer must go over https"
        )
    if parts.query or parts.fragment:
        raise ValueError("must not carry a query (?…) or a fragment (#…)")
    return value.rstrip("/")


def settings_rule(problems: list[tuple[str, str]]) -> PydanticCustomError:
    """A rule across settings, as (key, why) pairs the configuration names one by one."""
    text = "; ".join(f"{key}: {why}" for key, why in problems)
    return PydanticCustomError("desk_rule", text, {"problems": problems})


class GatewaySettings(BaseModel):
    """Where the gateway is, how the desk proves itself to it, and how long it waits.

    Plain HTTP is accepted only for loopback addresses (the embedded gateway); anything
    else must be HTTPS with verification on. ``base_url`` unset means no gateway is
    configured (the demo brings its own).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = Field(
        default=None,
        description="https://… of the clinic's eligibility gateway (production: required; "
        "plain http only to this computer; no user name or password in it)",
    )
    ca_bundle: Path | None = Field(
        default=None,
        description="PEM file of the CAs that sign the gateway's certificate "
        "(default: the public CAs)",
    )
    client_certificate: Path | None = Field(
        default=None, description="PEM certificate of this desk, for mutual TLS"
    )
    client_key: Path | None = Field(
        default=None, description="PEM private key of client_certificate"
    )
    client_key_password: SecretStr | None = Field(
        default=None, description="password of client_key, if it is encrypted"
    )
    verify_tls: bool = Field(
        default=True, description="never false in production; false only for a loopback gateway"
    )
    connect_timeout: float = Field(
        default=1.0, gt=0, le=60, description="seconds to open a connection (TCP and TLS)"
    )
    read_timeout: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="seconds to wait for the next bytes of an answer; a gateway that "
        "accepts and never answers is reported unavailable after this long",
    )
    write_timeout: float = Field(default=2.0, gt=0, le=300, description="seconds to send")
    pool_timeout: float = Field(
        default=1.0, gt=0, le=60, description="seconds to wait for a free pooled connection"
    )
    checkin_budget: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="seconds one check-in may wait on the gateway, all its calls together",
    )
    get_retries: int = Field(
        default=2, ge=0, le=10, description="extra tries for reads that change nothing"
    )
    backoff_initial: float = Field(
        default=0.1, ge=0, le=10, description="seconds before the first retry"
    )
    backoff_max: float = Field(default=1.0, ge=0, le=60, description="longest wait between tries")
    processing_poll_interval: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="seconds between polls while the national check is processing "
        "(when the gateway gives no Retry-After)",
    )
    max_response_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        le=64 * 1024 * 1024,
        description="larger answers are refused",
    )
    max_pages: int = Field(
        default=40, ge=1, le=1000, description="most pages of medication history followed"
    )
    page_size: int | None = Field(
        default=None, ge=1, le=100, description="medications per page (default: the gateway's)"
    )
    max_connections: int = Field(
        default=4, ge=1, le=64, description="pooled connections kept to the gateway"
    )
    reverify_interval_seconds: float = Field(
        default=60.0,
        ge=5,
        le=24 * 3600,
        description="how often visits checked in from the offline cache are re-checked "
        "while any wait (also at once after an online check-in)",
    )
    insurer_padding: Literal["space", "zero"] = Field(
        default="space",
        description="how a 6-digit insurer number is padded to the 8 characters the national "
        "system's field takes, in a lookup by number (implementations disagree)",
    )

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return None if value is None else check_base_url(value)

    def rule_problems(self) -> list[tuple[str, str]]:
        """(key, why) for each rule across settings this section breaks."""
        problems: list[tuple[str, str]] = []
        for key in ("ca_bundle", "client_certificate", "client_key"):
            path: Path | None = getattr(self, key)
            if path is not None and not path.is_absolute():
                problems.append((key, f"{str(path)!r} must be an absolute path"))
        if self.client_key is not None and self.client_certificate is None:
            problems.append(("client_key", "is set without gateway.client_certificate"))
        if self.client_certificate is not None and self.client_key is None:
            problems.append(("client_certificate", "is set without gateway.client_key"))
        host = urlsplit(self.base_url or "").hostname
        if not self.verify_tls and host and not is_loopback_host(host):
            problems.append(("verify_tls", "may be false only for a gateway on this computer"))
        return problems

    @model_validator(mode="after")
    def _check_rules(self) -> GatewaySettings:
        problems = self.rule_problems()
        if problems:
            raise settings_rule(problems)
        return self

    @property
    def display_url(self) -> str:
        """``base_url`` fit for messages and logs (never a password; "(not set)")."""
        return redact_url(self.base_url) if self.base_url else "(not set)"


class GatewaySection(GatewaySettings):
    """``GatewaySettings`` as the ``[gateway]`` section of the desk's configuration.

    The same model and fields; only its rules across settings are checked by the
    configuration together with the desk's other rules, so that every problem of a
    file is reported at once instead of the first one only.
    """

    @model_validator(mode="after")
    def _check_rules(self) -> GatewaySection:
        return self

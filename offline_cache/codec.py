"""How values are stored: the clock, timestamps as text, payloads as canonical JSON, and
the checks that keep names out of ids and codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], datetime]

TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Audit actors and subject ids are codes, never names: ASCII only keeps names out.
_CODE = re.compile(r"^[A-Za-z0-9_.:@/-]{1,128}$")
_NOTE = re.compile(r"^[\x20-\x7e]{0,200}$")


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """``value`` in UTC; a naive datetime is refused."""
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value.astimezone(UTC)


def ts(value: datetime) -> str:
    """A timestamp as stored: UTC, microseconds, sortable as text."""
    return aware(value).strftime(TS_FORMAT)


def dt(text: str) -> datetime:
    return datetime.strptime(text, TS_FORMAT).replace(tzinfo=UTC)


def maybe_dt(text: str | None) -> datetime | None:
    return dt(text) if text else None


def json_text(value: Any) -> str:
    """A caller's payload as canonical JSON (sorted keys): the same object, the same text."""
    if not isinstance(value, dict):
        raise TypeError("payloads are JSON objects")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def cert(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError("cards are keyed by the SHA-256 (64 lowercase hex) of their certificate")
    return value


def code(value: str, what: str) -> str:
    if not _CODE.match(value):
        raise ValueError(f"{what} must be a short ASCII code (letters, digits, . _ : @ / -)")
    return value


def note(value: str) -> str:
    if not _NOTE.match(value):
        raise ValueError("an audit note is a short ASCII code or count, never personal data")
    return value

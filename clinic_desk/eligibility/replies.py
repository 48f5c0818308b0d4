"""What the gateway answered, and the typed errors the desk makes of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.eligibility.errors import (
    PAPER_PATH,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.jsonfiles import parse_json

T = TypeVar("T")


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any
    headers: httpx.Headers
    request_id: str
    elapsed_ms: float = 0.0


class Unauthorized(Exception):
    """A 401 on a read: the token expired (the client may re-authenticate once)."""

    def __init__(self, error: GatewayRejected) -> None:
        super().__init__("unauthorized")
        self.error = error


class Retryable(Exception):
    """An attempt failed in a way a safe call may retry; ``error`` is what to raise last."""

    def __init__(self, error: GatewayError) -> None:
        super().__init__(error.message)
        self.error = error


class BodyError(ValueError):
    """A body that is not JSON the desk can read (raised by ``parse_json``)."""


def unavailable(
    message: str,
    support: str,
    code: str,
    request_id: str | None,
    status: int | None = None,
    cause: str = "",
) -> GatewayUnavailable:
    return GatewayUnavailable(
        message,
        desk_action=PAPER_PATH,
        support_hint=support,
        code=code,
        status=status,
        request_id=request_id,
        cause=cause,
    )


def protocol_error(
    message: str, support: str, code: str, request_id: str | None, status: int | None
) -> GatewayProtocolError:
    return GatewayProtocolError(
        message,
        desk_action=PAPER_PATH,
        support_hint=support,
        code=code,
        status=status,
        request_id=request_id,
    )


def wrong_shape(message: str, route: str, reply: Reply) -> GatewayProtocolError:
    return protocol_error(
        message,
        f"{message} (route {route}, HTTP {reply.status}, request id {reply.request_id}).",
        "wrong-shape",
        reply.request_id,
        reply.status,
    )


def parse(reply: Reply, route: str, reader: Callable[[Any], T]) -> T:
    """``reader(payload)``, a FHIR format error turned into GatewayProtocolError."""
    try:
        return reader(reply.payload)
    except FhirFormatError as exc:
        raise protocol_error(
            "The gateway's answer is not in the expected form.",
            f"{exc} (route {route}, HTTP {reply.status}, request id {reply.request_id}).",
            "wrong-shape",
            reply.request_id,
            reply.status,
        ) from None


def outcome_of(raw: bytes) -> GatewayOutcome | None:
    try:
        return GatewayOutcome.from_fhir(parse_json(raw, "OperationOutcome", BodyError))
    except (ValueError, UnicodeDecodeError):
        return None

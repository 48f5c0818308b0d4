"""One request to the gateway and its answer: retries, deadlines, bounded reads, typed errors.

Every failure becomes one of the typed errors in ``errors``. Logs carry request ids,
routes, status codes and timings only — never URLs (they hold Patient ids), tokens or
payloads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
import time
import uuid
from typing import Any, TypeVar

import httpx

from clinic_desk.domain.fhir import FHIR_JSON
from clinic_desk.eligibility import connection
from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.errors import (
    DEFAULT_REJECTION,
    REJECTION_TEXTS,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
)
from clinic_desk.eligibility.replies import (
    BodyError,
    Reply,
    Retryable,
    Unauthorized,
    outcome_of,
    protocol_error,
    unavailable,
)
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.jsonfiles import parse_json

log = logging.getLogger("clinic_desk.eligibility")
# httpx logs every URL at INFO and httpcore traces at DEBUG; URLs carry Patient ids,
# so those loggers are held at WARNING whatever level the desk's logging uses.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

_RETRY_STATUSES = frozenset({500, 502, 503, 504})
# routes where a 401 is a refusal of the card or the desk, not an expired token
_NOT_TOKEN_ROUTES = frozenset({"challenge", "card-auth", "reverify"})
T = TypeVar("T")


class Exchange:
    """Sends requests over the desk's one ``httpx.AsyncClient`` (``connection.http_client``)."""

    def __init__(
        self, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.http = connection.http_client(settings, transport=transport)
        assert settings.base_url is not None
        self.origin = connection.origin_of(settings.base_url)
        self.origin_text = connection.origin_text(settings.base_url)
        self.requests_sent = 0

    async def send(
        self,
        method: str,
        url: str,
        route: str,
        budget: Budget,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
        retry: bool = False,
    ) -> Reply:
        """One request; GETs, and calls marked ``retry`` (safe to repeat), are retried."""
        s = self.settings
        attempts = 1 + (s.get_retries if method == "GET" or retry else 0)
        last: GatewayError | None = None
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                delay = min(s.backoff_max, s.backoff_initial * 2 ** (attempt - 2))
                delay *= random.uniform(0.5, 1.0)
                if delay >= budget.remaining():
                    break
                await asyncio.sleep(delay)
            try:
                return await self._attempt(method, url, route, params, body, token, budget, attempt)
            except Retryable as retryable:
                last = retryable.error
        assert last is not None
        raise last

    async def _attempt(
        self,
        method: str,
        url: str,
        route: str,
        params: dict[str, str] | None,
        body: dict[str, Any] | None,
        token: str | None,
        budget: Budget,
        attempt: int,
    ) -> Reply:
        remaining = budget.remaining()
        request_id = uuid.uuid4().hex[:16]
        if remaining <= 0:
            raise unavailable(
                f"The check took longer than its budget of {budget.seconds:g} s.",
                f"The check-in's gateway budget was spent before {route} (request id "
                f"{request_id}); check the gateway's response times or raise "
                "gateway.checkin_budget.",
                "budget",
                request_id,
            )
        headers = {"X-Request-Id": request_id}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        content = None
        if body is not None:
            headers["Content-Type"] = FHIR_JSON
            content = json.dumps(body, separators=(",", ":")).encode("utf-8")
        request = self.http.build_request(
            method,
            url,
            params=params,
            content=content,
            headers=headers,
            timeout=connection.timeout(self.settings, remaining),
        )
        started = time.perf_counter()
        self.requests_sent += 1
        got_headers = False
        status = 0
        try:
            # the whole exchange, headers and a dripping body alike, ends with the budget
            async with asyncio.timeout(remaining):
                response = await self.http.send(request, stream=True)
                got_headers = True
                status = response.status_code
                try:
                    raw = await self._read_capped(response, route, request_id)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException) as exc:
            self._log(request_id, route, "timeout", attempt, started)
            raise self._timed_out(exc, route, request_id, started, budget) from None
        except httpx.TransportError as exc:
            self._log(request_id, route, "transport-error", attempt, started)
            raise self._transport_failed(exc, route, request_id, got_headers, status) from None
        ms = (time.perf_counter() - started) * 1000
        self._log(request_id, route, str(status), attempt, started)
        return self._interpret(status, raw, response.headers, route, request_id, ms)

    def _timed_out(
        self,
        exc: Exception,
        route: str,
        request_id: str,
        started: float,
        budget: Budget,
    ) -> Exception:
        connect = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        seconds = time.perf_counter() - started
        if budget.remaining() <= 0:
            return unavailable(
                f"The check took longer than its budget of {budget.seconds:g} s.",
                f"The check-in's gateway budget ran out during {route} after {seconds:.2f} s "
                f"(request id {request_id}); check the gateway's response times or raise "
                "gateway.checkin_budget.",
                "budget",
                request_id,
            )
        what = "did not accept the connection" if connect else "did not answer"
        error = unavailable(
            f"The gateway {what} in time.",
            f"{type(exc).__name__} on {route} after {seconds:.2f} s (request id {request_id}); "
            "check the gateway and the network.",
            "timeout",
            request_id,
        )
        return Retryable(error) if connect else error

    def _transport_failed(
        self, exc: httpx.TransportError, route: str, request_id: str, got_headers: bool, status: int
    ) -> Exception:
        tls = connection.ssl_cause(exc)
        if isinstance(tls, ssl.SSLCertVerificationError):
            why = tls.verify_message or connection.ssl_reason(tls)
            return unavailable(
                "The gateway's certificate is not trusted.",
                f"TLS verification failed on {route} (request id {request_id}): {why}. Set "
                "gateway.ca_bundle to the CA that signs the gateway's certificate and check "
                "that gateway.base_url uses the name the certificate is issued for.",
                "tls-untrusted",
                request_id,
                cause=why,
            )
        if tls is not None:
            why = connection.ssl_reason(tls)
            return unavailable(
                "The TLS handshake with the gateway failed.",
                f"TLS failure on {route} (request id {request_id}): {why}. Check "
                "gateway.ca_bundle, the gateway's certificate and, for mutual TLS, "
                "gateway.client_certificate and gateway.client_key.",
                "tls",
                request_id,
                cause=why,
            )
        if got_headers:
            return Retryable(
                protocol_error(
                    "The gateway's answer was cut off.",
                    f"{type(exc).__name__} while reading {route} (request id {request_id}); "
                    "check proxies and the gateway's logs.",
                    "truncated",
                    request_id,
                    status,
                )
            )
        if isinstance(exc, httpx.ConnectError):
            error = unavailable(
                "The gateway cannot be reached.",
                f"The connection to {self.origin_text} was refused or failed on {route} "
                f"(request id {request_id}); check that the gateway is running there and "
                "that gateway.base_url names it.",
                "refused",
                request_id,
            )
        else:
            hint = (
                " Right after a TLS handshake this often means the gateway refuses this "
                "desk's client certificate (gateway.client_certificate)."
                if self.origin[0] == "https"
                else ""
            )
            error = unavailable(
                "The gateway closed the connection.",
                f"{self.origin_text} closed the connection without answering on {route} "
                f"(request id {request_id}); check the gateway's logs.{hint}",
                "disconnected",
                request_id,
            )
        return Retryable(error)

    def _interpret(
        self,
        status: int,
        raw: bytes,
        headers: httpx.Headers,
        route: str,
        request_id: str,
        ms: float,
    ) -> Reply:
        if 200 <= status < 300:
            try:
                payload = parse_json(raw, f"answer on {route}", BodyError)
            except BodyError as exc:
                raise protocol_error(
                    "The gateway's answer is not JSON the desk can read.",
                    f"{exc} (HTTP {status}, request id {request_id}, {len(raw)} bytes).",
                    "not-json",
                    request_id,
                    status,
                ) from None
            return Reply(status, payload, headers, request_id, ms)
        outcome = outcome_of(raw)
        if status >= 500:
            text = outcome.text if outcome else "no OperationOutcome"
            error = unavailable(
                "The gateway cannot answer right now.",
                f"HTTP {status} on {route} (request id {request_id}): {text}.",
                f"http-{status}",
                request_id,
                status,
            )
            if status in _RETRY_STATUSES:
                raise Retryable(error)
            raise error
        if 300 <= status < 400:
            raise protocol_error(
                "The gateway redirected the desk elsewhere.",
                f"HTTP {status} on {route} (request id {request_id}); set gateway.base_url to "
                "the gateway's final address.",
                "redirect",
                request_id,
                status,
            )
        reason = outcome.reason if outcome else None
        text = outcome.text if outcome else f"HTTP {status} without an OperationOutcome"
        desk_action, support = REJECTION_TEXTS.get(reason or "", DEFAULT_REJECTION)
        rejected = GatewayRejected(
            f"The gateway refused: {text}",
            reason=reason,
            outcome_text=text,
            desk_action=desk_action,
            support_hint=f"{support} (HTTP {status} on {route}, reason {reason or '-'}, "
            f"request id {request_id})",
            status=status,
            request_id=request_id,
        )
        if status == 401 and route not in _NOT_TOKEN_ROUTES:
            raise Unauthorized(rejected)
        raise rejected

    async def _read_capped(self, response: httpx.Response, route: str, request_id: str) -> bytes:
        cap = self.settings.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise self._too_large(route, request_id, response.status_code)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise self._too_large(route, request_id, response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, route: str, request_id: str, status: int) -> GatewayProtocolError:
        return protocol_error(
            "The gateway's answer is too large.",
            f"Body over gateway.max_response_bytes={self.settings.max_response_bytes} on "
            f"{route} (request id {request_id}).",
            "too-large",
            request_id,
            status,
        )

    def retry_after(self, headers: httpx.Headers) -> float:
        """Seconds to wait before polling again (``Retry-After``, else the setting)."""
        text = headers.get("retry-after", "")
        try:
            value = float(text)
        except ValueError:
            return self.settings.processing_poll_interval
        if value != value:  # NaN
            return self.settings.processing_poll_interval
        return min(max(value, 0.0), 60.0)

    @staticmethod
    def _log(request_id: str, route: str, outcome: str, attempt: int, started: float) -> None:
        log.info(
            "request_id=%s route=%s status=%s attempt=%d ms=%.1f",
            request_id,
            route,
            outcome,
            attempt,
            (time.perf_counter() - started) * 1000,
        )

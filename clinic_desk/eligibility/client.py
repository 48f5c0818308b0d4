"""The eligibility client: card-presence authentication, then FHIR reads, over one pooled
``httpx.AsyncClient`` per desk.

Every answer is validated into domain models; every failure becomes one of the
typed errors in ``errors``. Logs carry request ids, routes, status codes and
timings only — never URLs (they hold Patient ids), tokens or payloads.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import certifi
import httpx

from clinic_desk import __version__
from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest, ChallengeGrant
from clinic_desk.domain.bundle import next_link
from clinic_desk.domain.certificate import CertificateStatus, certificate_status
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.fhir import FHIR_JSON, FhirFormatError
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.outcome import GatewayOutcome
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.domain.reverification import REVERIFY_PATH, Reverification, ReverifyRequest
from clinic_desk.eligibility.errors import (
    DEFAULT_REJECTION,
    PAPER_PATH,
    REJECTION_TEXTS,
    EligibilityPending,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.eligibility.signer import CardSigner

log = logging.getLogger("clinic_desk.eligibility")
# httpx logs every URL at INFO and httpcore traces at DEBUG; URLs carry Patient ids,
# so those loggers are held at WARNING whatever level the desk's logging uses.
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

_RETRY_STATUSES = frozenset({500, 502, 503, 504})
T = TypeVar("T")


class GatewaySettingsError(ValueError):
    """The TLS files named in the settings cannot be used (plain message)."""


class Budget:
    """A deadline shared by the requests of one call (or one whole check-in)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class CardSession:
    """A card-bound session: the bearer token and the Patient the gateway links the card to.

    The gateway's link is exactly what the identity gate must check: ``patient_ref``
    may name someone else (a mislink). Holding the signer lets the client
    re-authenticate once when the token expires mid-check-in.
    """

    token: str = field(repr=False)
    patient_id: str
    expires_at: datetime
    certificate_sha256: str
    signer: CardSigner | None = field(default=None, repr=False)
    # the card certificate's expiry (when the gateway says it) and whether the gateway
    # answers eligibility only (the certificate expired less than three months ago)
    certificate_not_after: datetime | None = None
    eligibility_only: bool = False

    def certificate_status(self, today: date) -> CertificateStatus | None:
        """What the card's certificate allows on ``today`` (none when its expiry is unknown)."""
        if self.certificate_not_after is None:
            return None
        return certificate_status(date.min, self.certificate_not_after, today)

    @property
    def patient_ref(self) -> str:
        return f"Patient/{self.patient_id}"


@dataclass(frozen=True)
class _Reply:
    status: int
    payload: Any
    headers: httpx.Headers
    request_id: str


class _Unauthorized(Exception):
    def __init__(self, reply_error: GatewayRejected) -> None:
        super().__init__("unauthorized")
        self.error = reply_error


def ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind ``exc`` (httpx wraps it a few levels down), if any."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class EligibilityClient:
    """Talks to one eligibility gateway. Create one per desk; ``aclose()`` at shutdown.

    ``transport`` replaces the network (unit tests only).
    """

    def __init__(
        self, settings: GatewaySettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._origin = self._origin_of(settings.base_url)
        self.requests_sent = 0
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            verify=self._tls_context(settings),
            timeout=self._timeout(settings.checkin_budget),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
                keepalive_expiry=5.0,
            ),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment must not see patient traffic
            headers={"Accept": FHIR_JSON, "User-Agent": f"clinic-desk/{__version__}"},
            transport=transport,
        )

    # --- lifecycle ---------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> EligibilityClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def budget(self, seconds: float | None = None) -> Budget:
        """A fresh deadline (``checkin_budget`` by default) to share across calls."""
        return Budget(self.settings.checkin_budget if seconds is None else seconds)

    # --- authentication ----------------------------------------------------------------
    async def challenge(self, budget: Budget | None = None) -> ChallengeGrant:
        """``POST /auth/challenge``: a single-use nonce for the card to sign."""
        reply = await self._send("POST", "/auth/challenge", "challenge", budget=budget)
        return self._parse(reply, "challenge", ChallengeGrant.from_fhir)

    async def authenticate(
        self,
        certificate_der: bytes,
        signature: bytes,
        nonce: str,
        budget: Budget | None = None,
    ) -> CardSession:
        """``POST /auth/card``: trade the card's signature for a token and its Patient link."""
        body = CardAuthRequest(
            certificate_der=certificate_der, signature=signature, nonce=nonce
        ).to_fhir()
        reply = await self._send("POST", "/auth/card", "card-auth", body=body, budget=budget)
        grant = self._parse(reply, "card-auth", CardAuthGrant.from_fhir)
        return CardSession(
            token=grant.token,
            patient_id=grant.patient_id,
            expires_at=grant.expires_at,
            certificate_sha256=hashlib.sha256(certificate_der).hexdigest(),
            certificate_not_after=grant.certificate_not_after,
            eligibility_only=grant.eligibility_only,
        )

    async def open_session(self, signer: CardSigner, budget: Budget | None = None) -> CardSession:
        """Challenge, let the card sign, authenticate: the whole card-presence proof."""
        budget = budget or self.budget()
        grant = await self.challenge(budget)
        certificate = await asyncio.to_thread(signer.certificate_der)
        signature = await asyncio.to_thread(signer.sign, grant.signed_bytes)
        session = await self.authenticate(certificate, signature, grant.nonce, budget)
        session.signer = signer
        return session

    # --- FHIR reads --------------------------------------------------------------------
    async def fetch_patient(
        self, session: CardSession, budget: Budget | None = None
    ) -> PatientRecord:
        """``GET /fhir/Patient/{id}``: the record's name and birthdate (for the identity gate)."""
        budget = budget or self.budget()
        reply = await self._authorized_get(
            session, f"/fhir/Patient/{session.patient_id}", "patient", None, budget
        )
        patient = self._parse(reply, "patient", PatientRecord.from_fhir)
        if patient.id != session.patient_id:
            raise self._protocol(
                "The gateway answered with another Patient than the one asked for.",
                "patient",
                reply,
            )
        return patient

    async def fetch_eligibility(
        self, session: CardSession, budget: Budget | None = None
    ) -> EligibilityRecord:
        """``GET /fhir/Coverage?beneficiary=…``; polls while the national check is processing."""
        budget = budget or self.budget()
        params = {"beneficiary": session.patient_ref}
        while True:
            reply = await self._authorized_get(
                session, "/fhir/Coverage", "coverage", params, budget
            )
            if reply.status != 202:
                break
            await self._wait_while_processing(reply, budget)
        checked_at = datetime.now(UTC)
        pages = await self._all_pages(
            session,
            "coverage",
            reply,
            budget,
            lambda p: EligibilityRecord.from_fhir_bundle(p, session.patient_id, checked_at),
        )
        return self._parse(
            reply,
            "coverage",
            lambda _: EligibilityRecord.from_fhir_bundles(pages, session.patient_id, checked_at),
        )

    async def reverify(
        self, certificate_sha256: str, checked_in_at: datetime, budget: Budget | None = None
    ) -> Reverification:
        """``POST /fhir/Coverage/$reverify``: what the card is linked to today, without the card.

        For re-checking a visit checked in from the offline cache. The desk's own
        credential (mTLS in production) authenticates it. It changes nothing at the
        gateway, so unlike other POSTs it is retried like a GET.
        """
        budget = budget or self.budget()
        body = ReverifyRequest(
            certificate_sha256=certificate_sha256, checked_in_at=checked_in_at
        ).to_fhir()
        while True:
            reply = await self._send(
                "POST", REVERIFY_PATH, "reverify", body=body, budget=budget, retry=True
            )
            if reply.status != 202:
                break
            await self._wait_while_processing(reply, budget)
        if reply.status != 200:
            raise self._protocol(f"Unexpected status {reply.status}.", "reverify", reply)
        checked_at = datetime.now(UTC)
        return self._parse(
            reply, "reverify", lambda p: Reverification.from_fhir_bundle(p, checked_at)
        )

    async def _wait_while_processing(self, reply: _Reply, budget: Budget) -> None:
        """Wait out a 202 "still processing", or raise EligibilityPending past the budget."""
        wait = self._retry_after(reply.headers)
        if wait >= budget.remaining():
            raise EligibilityPending(
                "The national eligibility check is still processing.",
                desk_action="Retry the check in a minute, or continue on paper now; "
                "the check is queued.",
                support_hint=f"The gateway answered 202 until the budget of "
                f"{budget.seconds:g} s ran out (request id {reply.request_id}).",
                code="processing",
                status=202,
                request_id=reply.request_id,
            )
        await asyncio.sleep(wait)

    async def fetch_medications(
        self, session: CardSession, budget: Budget | None = None
    ) -> MedicationHistory:
        """``GET /fhir/MedicationDispense?subject=…``, following ``link[next]``.

        Call it only after the patient consented at the desk.
        """
        budget = budget or self.budget()
        params = {"subject": session.patient_ref}
        if self.settings.page_size is not None:
            params["_count"] = str(self.settings.page_size)
        first = await self._authorized_get(
            session, "/fhir/MedicationDispense", "medications", params, budget
        )
        pages = await self._all_pages(
            session,
            "medications",
            first,
            budget,
            lambda p: MedicationHistory.dispenses_from_page(p, session.patient_id),
        )
        return self._parse(
            first,
            "medications",
            lambda _: MedicationHistory.from_fhir_pages(
                pages, session.patient_id, datetime.now(UTC)
            ),
        )

    async def _all_pages(
        self,
        session: CardSession,
        route: str,
        reply: _Reply,
        budget: Budget,
        check_page: Callable[[Any], object],
    ) -> list[Any]:
        """This search page and every ``link[next]`` after it, each checked on arrival."""
        pages: list[Any] = []
        while True:
            if reply.status != 200:
                raise self._protocol(
                    f"Unexpected status {reply.status} for a search.", route, reply
                )
            # validate this page now so a bad page fails before more are fetched
            self._parse(reply, route, check_page)
            pages.append(reply.payload)
            following = self._parse(reply, route, next_link)
            if following is None:
                return pages
            if self._origin_of(following) != self._origin:
                raise self._protocol("The next-page link leaves the gateway.", route, reply)
            if len(pages) >= self.settings.max_pages:
                raise self._protocol(
                    f"The search has more than {self.settings.max_pages} pages.", route, reply
                )
            reply = await self._authorized_get(session, following, route, None, budget)

    # --- plumbing ----------------------------------------------------------------------
    async def _authorized_get(
        self,
        session: CardSession,
        url: str,
        route: str,
        params: dict[str, str] | None,
        budget: Budget,
    ) -> _Reply:
        try:
            return await self._send(
                "GET", url, route, params=params, token=session.token, budget=budget
            )
        except _Unauthorized as first:
            if session.signer is None:
                raise first.error from None
        # the token expired: prove card presence once more, then retry once
        log.info("route=%s token refused; re-authenticating once", route)
        fresh = await self.open_session(session.signer, budget)
        if fresh.patient_id != session.patient_id:
            raise GatewayProtocolError(
                "The card's link changed while the check-in was running.",
                desk_action=PAPER_PATH,
                support_hint="After re-authentication the gateway linked the card to another "
                "Patient; report it to the gateway's operator.",
                code="link-changed",
            )
        session.token, session.expires_at = fresh.token, fresh.expires_at
        session.certificate_not_after = fresh.certificate_not_after
        session.eligibility_only = fresh.eligibility_only
        try:
            return await self._send(
                "GET", url, route, params=params, token=session.token, budget=budget
            )
        except _Unauthorized as second:
            raise second.error from None

    async def _send(
        self,
        method: str,
        url: str,
        route: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        token: str | None = None,
        budget: Budget | None = None,
        retry: bool = False,
    ) -> _Reply:
        """One request; GETs, and calls marked ``retry`` (safe to repeat), are retried."""
        budget = budget or self.budget()
        attempts = 1 + (self.settings.get_retries if method == "GET" or retry else 0)
        last: GatewayError | None = None
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                delay = min(
                    self.settings.backoff_max, self.settings.backoff_initial * 2 ** (attempt - 2)
                ) * random.uniform(0.5, 1.0)
                if delay >= budget.remaining():
                    break
                await asyncio.sleep(delay)
            try:
                return await self._attempt(method, url, route, params, body, token, budget, attempt)
            except _Retryable as retry:
                last = retry.error
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
    ) -> _Reply:
        remaining = budget.remaining()
        request_id = uuid.uuid4().hex[:16]
        if remaining <= 0:
            raise self._unavailable(
                f"The check took longer than its budget of {budget.seconds:g} s.",
                f"Budget exhausted before {route} (request id {request_id}); "
                "check the gateway's response times or raise checkin_budget.",
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
        request = self._http.build_request(
            method,
            url,
            params=params,
            content=content,
            headers=headers,
            timeout=self._timeout(remaining),
        )
        started = time.perf_counter()
        self.requests_sent += 1
        got_headers = False
        status = 0
        try:
            async with asyncio.timeout(remaining):
                response = await self._http.send(request, stream=True)
                got_headers = True
                status = response.status_code
                try:
                    raw = await self._read_capped(response, route, request_id)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException) as exc:
            connect = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            what = "did not accept the connection" if connect else "did not answer"
            timed_out = self._unavailable(
                f"The gateway {what} in time.",
                f"{type(exc).__name__} on {route} after {time.perf_counter() - started:.2f} s "
                f"(request id {request_id}); check the gateway and the network.",
                "timeout",
                request_id,
            )
            self._log(request_id, route, "timeout", attempt, started)
            if connect:
                raise _Retryable(timed_out) from None
            raise timed_out from None
        except httpx.TransportError as exc:
            self._log(request_id, route, "transport-error", attempt, started)
            if ssl_cause(exc) is not None:
                raise self._unavailable(
                    "The gateway's TLS connection could not be verified.",
                    f"TLS failure on {route} (request id {request_id}): check ca_bundle, the "
                    "gateway's certificate and, for mTLS, client_certificate/client_key.",
                    "tls",
                    request_id,
                ) from None
            if got_headers:
                error: GatewayError = self._protocol_error(
                    "The gateway's answer was cut off.",
                    f"{type(exc).__name__} while reading {route} (request id {request_id}); "
                    "check proxies and the gateway's logs.",
                    "truncated",
                    request_id,
                    status,
                )
            else:
                refused = isinstance(exc, httpx.ConnectError)
                error = self._unavailable(
                    "The gateway cannot be reached."
                    if refused
                    else "The gateway closed the connection.",
                    f"{type(exc).__name__} on {route} (request id {request_id}); "
                    f"check that the gateway at {self._origin} is running.",
                    "refused" if refused else "disconnected",
                    request_id,
                )
            raise _Retryable(error) from None
        self._log(request_id, route, str(status), attempt, started)
        return self._interpret(status, raw, response.headers, route, request_id, method)

    def _interpret(
        self,
        status: int,
        raw: bytes,
        headers: httpx.Headers,
        route: str,
        request_id: str,
        method: str,
    ) -> _Reply:
        if 200 <= status < 300:
            try:
                payload = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise self._protocol_error(
                    "The gateway's answer is not JSON.",
                    f"Non-JSON body on {route} (HTTP {status}, request id {request_id}, "
                    f"{len(raw)} bytes).",
                    "not-json",
                    request_id,
                    status,
                ) from None
            return _Reply(status, payload, headers, request_id)
        outcome = self._outcome(raw)
        if status >= 500:
            text = outcome.text if outcome else "no OperationOutcome"
            error = self._unavailable(
                "The gateway cannot answer right now.",
                f"HTTP {status} on {route} (request id {request_id}): {text}.",
                f"http-{status}",
                request_id,
                status,
            )
            if status in _RETRY_STATUSES:
                raise _Retryable(error)
            raise error
        if 300 <= status < 400:
            raise self._protocol_error(
                "The gateway redirected the desk elsewhere.",
                f"HTTP {status} on {route} (request id {request_id}); set base_url to the "
                "gateway's final address.",
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
        if status == 401 and route not in ("challenge", "card-auth", "reverify"):
            raise _Unauthorized(rejected)
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
        return self._protocol_error(
            "The gateway's answer is too large.",
            f"Body over max_response_bytes={self.settings.max_response_bytes} on {route} "
            f"(request id {request_id}).",
            "too-large",
            request_id,
            status,
        )

    @staticmethod
    def _outcome(raw: bytes) -> GatewayOutcome | None:
        try:
            return GatewayOutcome.from_fhir(json.loads(raw))
        except (ValueError, UnicodeDecodeError):
            return None

    def _parse(self, reply: _Reply, route: str, parse: Callable[[Any], T]) -> T:
        try:
            return parse(reply.payload)
        except FhirFormatError as exc:
            raise self._protocol_error(
                "The gateway's answer is not in the expected form.",
                f"{exc} (route {route}, HTTP {reply.status}, request id {reply.request_id}).",
                "wrong-shape",
                reply.request_id,
                reply.status,
            ) from None

    def _protocol(self, message: str, route: str, reply: _Reply) -> GatewayProtocolError:
        return self._protocol_error(
            message,
            f"{message} (route {route}, HTTP {reply.status}, request id {reply.request_id}).",
            "wrong-shape",
            reply.request_id,
            reply.status,
        )

    @staticmethod
    def _protocol_error(
        message: str, support: str, code: str, request_id: str, status: int | None
    ) -> GatewayProtocolError:
        return GatewayProtocolError(
            message,
            desk_action=PAPER_PATH,
            support_hint=support,
            code=code,
            status=status,
            request_id=request_id,
        )

    @staticmethod
    def _unavailable(
        message: str, support: str, code: str, request_id: str, status: int | None = None
    ) -> GatewayUnavailable:
        return GatewayUnavailable(
            message,
            desk_action=PAPER_PATH,
            support_hint=support,
            code=code,
            status=status,
            request_id=request_id,
        )

    def _retry_after(self, headers: httpx.Headers) -> float:
        text = headers.get("retry-after", "")
        try:
            value = float(text)
        except ValueError:
            return self.settings.processing_poll_interval
        return min(max(value, 0.0), 60.0)

    def _timeout(self, remaining: float) -> httpx.Timeout:
        s = self.settings
        return httpx.Timeout(
            connect=min(s.connect_timeout, remaining),
            read=min(s.read_timeout, remaining),
            write=min(s.write_timeout, remaining),
            pool=min(s.pool_timeout, remaining),
        )

    @staticmethod
    def _origin_of(url: str) -> tuple[str, str, int | None]:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return (parts.scheme, (parts.hostname or "").lower(), port)

    @staticmethod
    def _tls_context(settings: GatewaySettings) -> ssl.SSLContext:
        try:
            context = ssl.create_default_context(
                cafile=str(settings.ca_bundle) if settings.ca_bundle else certifi.where()
            )
        except (OSError, ssl.SSLError) as exc:
            raise GatewaySettingsError(
                f"The CA bundle {settings.ca_bundle} cannot be used: {exc}."
            ) from None
        if not settings.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if settings.client_certificate is not None:
            password = (
                settings.client_key_password.get_secret_value()
                if settings.client_key_password
                else None
            )
            try:
                context.load_cert_chain(
                    str(settings.client_certificate),
                    str(settings.client_key) if settings.client_key else None,
                    password,
                )
            except (OSError, ssl.SSLError) as exc:
                raise GatewaySettingsError(
                    f"The client certificate {settings.client_certificate} cannot be used: {exc}."
                ) from None
        return context

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


class _Retryable(Exception):
    """An attempt failed in a way a GET may retry; ``error`` is what to raise at the end."""

    def __init__(self, error: GatewayError) -> None:
        super().__init__(error.message)
        self.error = error

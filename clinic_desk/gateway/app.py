"""The gateway's HTTP routes (Starlette): card authentication and FHIR reads."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as HttpRoute
from starlette.types import Receive, Scope, Send

from clinic_desk.domain.auth import CardAuthRequest
from clinic_desk.domain.coverage import Coverage, EligibilityRecord
from clinic_desk.domain.fhir import FHIR_JSON, FhirFormatError
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.outcome import GatewayOutcome, OutcomeReason
from clinic_desk.domain.reverification import REVERIFY_PATH, Reverification, ReverifyRequest
from clinic_desk.gateway.card_record import coverage_bundle, with_record
from clinic_desk.gateway.dataset import PatientEntry
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.state import GatewayState, Refusal, mislink_target
from clinic_desk.jsonfiles import parse_json

log = logging.getLogger("clinic_desk.gateway")

MAX_REQUEST_BYTES = 64 * 1024
MAX_PAGE_SIZE = 100
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
GARBAGE_BODY = b"\x00\xff<html><body>Gateway error \xe3\x81</body>"
WRONG_SHAPE = {"resourceType": "Basic", "id": "wrong-shape", "code": {"text": "unexpected"}}


class Answer:
    """A status and a FHIR payload, before faults are applied."""

    def __init__(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None):
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _body(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _outcome(status: int, reason: OutcomeReason, text: str, code: str) -> Answer:
    severity = "information" if status == 202 else "error"
    outcome = GatewayOutcome(severity=severity, code=code, reason=reason.value, text=text)
    return Answer(status, outcome.to_fhir())


class _TruncatedResponse(Response):
    """Declares the whole body, sends half of it, then gives up on the connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send(
            {
                "type": "http.response.body",
                "body": self.body[: len(self.body) // 2],
                "more_body": True,
            }
        )
        # returning without finishing makes the server close the connection


def _respond(answer: Answer, faults: list[Fault], request_id: str) -> Response:
    headers = {"X-Request-Id": request_id, **answer.headers}
    kinds = {f.kind for f in faults}
    if FaultKind.ERROR_500 in kinds:
        return Response(b"Internal Server Error", 500, headers=headers, media_type="text/plain")
    if FaultKind.GARBAGE in kinds:
        return Response(GARBAGE_BODY, 200, headers=headers, media_type=FHIR_JSON)
    if FaultKind.WRONG_SHAPE in kinds:
        return Response(_body(WRONG_SHAPE), 200, headers=headers, media_type=FHIR_JSON)
    body = _body(answer.payload)
    if FaultKind.TRUNCATED in kinds:
        return _TruncatedResponse(body, answer.status, headers=headers, media_type=FHIR_JSON)
    return Response(body, answer.status, headers=headers, media_type=FHIR_JSON)


def _fhir_base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


Handler = Callable[[Request, GatewayState], Awaitable[tuple[Answer, list[Fault]]]]


def _endpoint(
    route: Route, handler: Handler, state: GatewayState
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        given = request.headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        faults: list[Fault] = []
        try:
            answer, faults = await handler(request, state)
        except FhirFormatError as exc:  # a request body in the wrong shape
            answer = _outcome(400, OutcomeReason.BAD_REQUEST, str(exc), "structure")
        except Refusal as refusal:
            answer = _outcome(refusal.status, refusal.reason, refusal.text, refusal.code)
            if refusal.status == 401:
                answer.headers["WWW-Authenticate"] = 'Bearer realm="clinic-desk gateway"'
        except _Early as early:
            answer, faults = early.answer, early.faults
        except Exception:  # an unexpected failure must still answer in FHIR
            log.exception("request_id=%s route=%s failed", request_id, route.value)
            answer = Answer(
                500,
                GatewayOutcome(code="exception", text="The gateway failed to answer.").to_fhir(),
            )
        response = _respond(answer, faults, request_id)
        state.requests_served += 1
        log.info(
            "request_id=%s route=%s status=%d faults=%s ms=%.1f",
            request_id,
            route.value,
            response.status_code,
            ",".join(sorted(f.kind.value for f in faults)) or "-",
            (time.perf_counter() - started) * 1000,
        )
        return response

    return endpoint


class _Early(Exception):
    """A fault that answers before the request is handled (down, 500)."""

    def __init__(self, answer: Answer, faults: list[Fault]) -> None:
        super().__init__("fault")
        self.answer = answer
        self.faults = faults


async def _apply_early_faults(faults: list[Fault], state: GatewayState) -> None:
    for fault in faults:
        if fault.kind is FaultKind.SLOW:
            # in short steps, so a stopping server is not held up by a long delay
            until = time.monotonic() + fault.delay_seconds
            while (left := until - time.monotonic()) > 0:
                if state.stopping:
                    answer = _outcome(
                        503, OutcomeReason.UPSTREAM_DOWN, "The gateway is stopping.", "transient"
                    )
                    raise _Early(answer, faults)
                await asyncio.sleep(min(left, 0.05))
    kinds = {f.kind for f in faults}
    if FaultKind.DOWN in kinds:
        answer = _outcome(
            503,
            OutcomeReason.UPSTREAM_DOWN,
            "The national eligibility system cannot be reached.",
            "transient",
        )
        answer.headers["Retry-After"] = "5"
        raise _Early(answer, faults)
    if FaultKind.ERROR_500 in kinds:
        raise _Early(Answer(500, {}), faults)


async def _read_json(request: Request) -> Any:
    too_large = Refusal(413, OutcomeReason.BAD_REQUEST, "The request is too large.", "too-costly")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():  # counted as it arrives: never buffered whole
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise too_large
    if not body:
        return {}

    def not_json(_why: str) -> Refusal:
        return Refusal(
            400, OutcomeReason.BAD_REQUEST, "The request is not JSON it can read.", "structure"
        )

    return parse_json(bytes(body), "request", not_json)  # nesting bounded too


def _param_patient(request: Request, *names: str) -> str:
    for name in names:
        value = request.query_params.get(name)
        if value:
            return value.removeprefix("Patient/")
    raise Refusal(
        400, OutcomeReason.BAD_REQUEST, f"The search needs {names[0]}=Patient/<id>.", "required"
    )


def _own_patient(
    state: GatewayState, request: Request, asked: str, route: Route, *, clinical: bool = False
) -> Any:
    if state.faults.take(route, FaultKind.EXPIRE_TOKEN):
        state.expire_tokens()  # as if the token ran out just now
    entry = state.patient_for_token(request.headers.get("authorization"), clinical=clinical)
    if asked != entry.record.id:
        raise Refusal(
            403, OutcomeReason.FORBIDDEN, "The token does not cover this Patient.", "forbidden"
        )
    return entry


async def _challenge(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    faults = state.faults_for(Route.CHALLENGE)
    await _apply_early_faults(faults, state)
    return Answer(201, state.issue_challenge().to_fhir()), faults


async def _card_auth(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    faults = state.faults_for(Route.CARD_AUTH)
    await _apply_early_faults(faults, state)
    try:
        auth = CardAuthRequest.from_fhir(await _read_json(request))
    except FhirFormatError as exc:
        raise Refusal(400, OutcomeReason.BAD_REQUEST, str(exc), "structure") from None
    grant = state.authenticate(auth, mislink_to=mislink_target(faults))
    if auth.include_record:
        grant = with_record(state, grant, _fhir_base(request))
    return Answer(200, grant.to_fhir()), faults


async def _patient(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    entry = _own_patient(state, request, request.path_params["patient_id"], Route.PATIENT)
    faults = state.faults_for(Route.PATIENT, entry.record.id)
    await _apply_early_faults(faults, state)
    return Answer(200, entry.record.to_fhir()), faults


def _still_processing(state: GatewayState) -> Answer:
    """202: the national check is asynchronous; the desk polls after Retry-After."""
    answer = _outcome(
        202,
        OutcomeReason.PROCESSING,
        "The national eligibility check is still processing.",
        "informational",
    )
    answer.headers["Retry-After"] = f"{state.processing_retry_after:g}"
    return answer


def _unknown_validity_codes(bundle: dict[str, Any]) -> None:
    """The UNKNOWN_CODE fault: a validity state the desk does not know."""
    for item in bundle["entry"]:
        for ext in item["resource"].get("extension", []):
            if "valueCoding" in ext:
                ext["valueCoding"]["code"] = "9"


async def _coverage(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    entry = _own_patient(
        state, request, _param_patient(request, "beneficiary", "patient"), Route.COVERAGE
    )
    faults = state.faults_for(Route.COVERAGE, entry.record.id)
    await _apply_early_faults(faults, state)
    if any(f.kind is FaultKind.PROCESSING for f in faults):
        return _still_processing(state), faults
    bundle = coverage_bundle(state, entry, _fhir_base(request))
    if any(f.kind is FaultKind.UNKNOWN_CODE for f in faults):
        _unknown_validity_codes(bundle)
    return Answer(200, bundle), faults


# a desk's clock may run a little ahead of the gateway's
_CLOCK_SKEW = timedelta(minutes=5)


async def _reverify(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    faults = state.faults_for(Route.REVERIFY)
    await _apply_early_faults(faults, state)
    asked = ReverifyRequest.from_fhir(await _read_json(request))
    if asked.checked_in_at > state.clock() + _CLOCK_SKEW:
        raise Refusal(400, OutcomeReason.BAD_REQUEST, "checkedInAt is in the future.", "value")
    entry = state.reverify(asked.certificate_sha256, mislink_to=mislink_target(faults))
    # The embedded gateway answers today's eligibility; a gateway that can ask the
    # national system about a past date asks about checkedInAt.
    return await _linked(request, state, Route.REVERIFY, entry, entry.coverages, faults)


async def _linked(
    request: Request,
    state: GatewayState,
    route: Route,
    entry: PatientEntry,
    coverages: list[Coverage],
    faults: list[Fault],
) -> tuple[Answer, list[Fault]]:
    """A Patient and its Coverage as one collection Bundle (re-verification, numbers)."""
    own = state.patient_faults_for(route, entry.record.id)
    await _apply_early_faults(own, state)
    faults += own
    if any(f.kind is FaultKind.PROCESSING for f in faults):
        return _still_processing(state), faults
    record = EligibilityRecord.from_coverages(entry.record.id, tuple(coverages), state.clock())
    bundle = Reverification(patient=entry.record, eligibility=record).to_fhir_bundle(
        _fhir_base(request)
    )
    if any(f.kind is FaultKind.UNKNOWN_CODE for f in faults):
        _unknown_validity_codes(bundle)
    return Answer(200, bundle), faults


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Refusal(400, OutcomeReason.BAD_REQUEST, f"{name} must be {low}–{high}.", "value")
    return int(text)


async def _medications(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    entry = _own_patient(
        state,
        request,
        _param_patient(request, "subject", "patient"),
        Route.MEDICATIONS,
        clinical=True,
    )
    faults = state.faults_for(Route.MEDICATIONS, entry.record.id)
    await _apply_early_faults(faults, state)
    count = _int_param(request, "_count", state.page_size, 1, MAX_PAGE_SIZE)
    offset = _int_param(request, "_offset", 0, 0, 1_000_000)
    ordered = sorted(entry.medications, key=lambda d: (d.dispensed_on, d.id), reverse=True)
    history = MedicationHistory(
        patient_id=entry.record.id, dispenses=tuple(ordered), fetched_at=state.clock()
    )
    base = _fhir_base(request)
    query = f"{base}/MedicationDispense?subject=Patient/{quote(entry.record.id)}&_count={count}"
    next_url = f"{query}&_offset={offset + count}" if offset + count < len(ordered) else None
    page = history.to_fhir_page(
        base_url=base,
        self_url=f"{query}&_offset={offset}",
        offset=offset,
        count=count,
        next_url=next_url,
    )
    if any(f.kind is FaultKind.UNKNOWN_CODE for f in faults):
        for item in page["entry"]:
            item["resource"]["status"] = "teleported"
    return Answer(200, page), faults


async def _not_found(request: Request, exc: Exception) -> Response:
    answer = _outcome(404, OutcomeReason.NOT_FOUND, "The gateway has no such route.", "not-found")
    return _respond(answer, [], uuid.uuid4().hex[:16])


async def _not_allowed(request: Request, exc: Exception) -> Response:
    answer = _outcome(
        405, OutcomeReason.BAD_REQUEST, "The route does not take this method.", "not-supported"
    )
    return _respond(answer, [], uuid.uuid4().hex[:16])


def build_app(state: GatewayState) -> Starlette:
    """The ASGI app serving ``state``."""
    routes = [
        HttpRoute(
            "/auth/challenge", _endpoint(Route.CHALLENGE, _challenge, state), methods=["POST"]
        ),
        HttpRoute("/auth/card", _endpoint(Route.CARD_AUTH, _card_auth, state), methods=["POST"]),
        HttpRoute(
            "/fhir/Patient/{patient_id}", _endpoint(Route.PATIENT, _patient, state), methods=["GET"]
        ),
        HttpRoute("/fhir/Coverage", _endpoint(Route.COVERAGE, _coverage, state), methods=["GET"]),
        HttpRoute(REVERIFY_PATH, _endpoint(Route.REVERIFY, _reverify, state), methods=["POST"]),
        HttpRoute(
            "/fhir/MedicationDispense",
            _endpoint(Route.MEDICATIONS, _medications, state),
            methods=["GET"],
        ),
    ]
    from clinic_desk.gateway.desk_routes import desk_routes  # it uses this module's helpers

    routes += desk_routes(state)
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed})
    app.state.gateway = state
    return app

"""Fault knobs: ways the embedded gateway can misbehave, per run or per patient."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.gateway.firing import FiringPlan, split_spec


class Route(StrEnum):
    """The gateway's routes, as faults and logs name them (never with ids in them)."""

    CHALLENGE = "challenge"
    CARD_AUTH = "card-auth"
    PATIENT = "patient"
    COVERAGE = "coverage"
    MEDICATIONS = "medications"
    REVERIFY = "reverify"  # desk-to-gateway re-check of an offline visit (no card)
    VISUAL_AUTH = "visual-auth"  # a card checked by its photo (目視): no card signature
    NUMBER_LOOKUP = "number-lookup"  # desk-to-gateway lookup by 資格確認書 numbers (no card)


ALL_ROUTES = frozenset(Route)


class FaultKind(StrEnum):
    DOWN = "down"  # 503: the national system behind the gateway cannot be reached
    SLOW = "slow"  # wait delay_seconds before answering
    ERROR_500 = "error-500"  # 500 with a plain-text body
    GARBAGE = "garbage"  # 200 with bytes that are not JSON
    WRONG_SHAPE = "wrong-shape"  # 200 with valid JSON that is not what was asked for
    TRUNCATED = "truncated"  # the body stops half-way and the connection closes
    PROCESSING = "processing"  # 202 "still processing" (the national check is asynchronous)
    UNKNOWN_CODE = "unknown-code"  # a validity state / status code the desk does not know
    MISLINK = "mislink"  # the card authenticates as another person's Patient (patient_id)
    # the gateway forgets its tokens just before a FHIR read: the token expired mid-check-in
    EXPIRE_TOKEN = "expire-token"


class Fault(BaseModel):
    """One knob. It fires on ``routes`` for ``times`` requests (every request if None)."""

    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    routes: frozenset[Route] = ALL_ROUTES
    delay_seconds: float = Field(default=0.0, ge=0, le=3600)
    times: int | None = Field(default=None, ge=0)
    patient_id: str | None = Field(default=None, description="MISLINK: the Patient to link to")

    def model_post_init(self, __context: object) -> None:
        if self.kind is FaultKind.MISLINK and not self.patient_id:
            raise ValueError("a mislink fault needs patient_id")


class FaultPlan(FiringPlan[Fault]):
    """The faults in force, with how often each has fired (``gateway.firing``)."""

    def pending(self, route: Route) -> bool:
        """Whether any fault would fire for a request on ``route`` (none is counted)."""
        return self.any_left(lambda fault: route in fault.routes)

    def take(self, route: Route, kind: FaultKind | None = None) -> list[Fault]:
        """The faults that fire for this request (counted as fired).

        ``kind`` given: only faults of that kind; otherwise every kind but
        EXPIRE_TOKEN, which fires before the token is checked (``take(route, kind)``).
        """

        def admits(fault: Fault) -> bool:
            if route not in fault.routes:
                return False
            return fault.kind is kind if kind else fault.kind is not FaultKind.EXPIRE_TOKEN

        return self.fire(admits)


def parse_fault(spec: str) -> Fault:
    """``KIND[:VALUE][@ROUTE,ROUTE][*TIMES]`` → Fault, e.g. ``slow:2.5@coverage`` or
    ``error-500*1`` or ``mislink:p-suzuki-ichiro``. Raises ValueError with a plain message."""
    parts = split_spec(spec, "fault")
    routes = ALL_ROUTES
    if parts.scopes is not None:
        try:
            routes = frozenset(Route(r) for r in parts.scopes)
        except ValueError:
            known = ", ".join(r.value for r in Route)
            raise parts.problem(f"unknown route (known: {known})") from None
    kind = parts.kind_of(FaultKind)
    delay = 0.0
    patient_id: str | None = None
    if kind is FaultKind.SLOW:
        delay = parts.seconds(2.0, "the delay")
    elif kind is FaultKind.MISLINK:
        patient_id = parts.value or None
    elif parts.value:
        raise parts.problem(f"{kind.value} takes no value")
    return Fault(
        kind=kind, routes=routes, delay_seconds=delay, times=parts.times, patient_id=patient_id
    )

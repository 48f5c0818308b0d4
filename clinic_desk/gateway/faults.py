"""Fault knobs: ways the embedded gateway can misbehave, per run or per patient."""

from __future__ import annotations

import threading
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class FaultPlan:
    """The faults in force, with how often each has fired.

    The server's loop reads it while tests and the demo change it from other
    threads, hence the lock.
    """

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._faults: list[Fault] = list(faults or [])
        self._fired: dict[int, int] = {}
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._fired.clear()

    def __len__(self) -> int:
        return len(self._faults)

    def pending(self, route: Route) -> bool:
        """Whether any fault would fire for a request on ``route`` (none is counted)."""
        with self._lock:
            return any(
                route in fault.routes
                and (fault.times is None or self._fired.get(index, 0) < fault.times)
                for index, fault in enumerate(self._faults)
            )

    def take(self, route: Route, kind: FaultKind | None = None) -> list[Fault]:
        """The faults that fire for this request (counted as fired).

        ``kind`` given: only faults of that kind; otherwise every kind but
        EXPIRE_TOKEN, which fires before the token is checked (``take(route, kind)``).
        """
        fired: list[Fault] = []
        with self._lock:
            for index, fault in enumerate(self._faults):
                if route not in fault.routes:
                    continue
                if (fault.kind is not kind) if kind else fault.kind is FaultKind.EXPIRE_TOKEN:
                    continue
                count = self._fired.get(index, 0)
                if fault.times is not None and count >= fault.times:
                    continue
                self._fired[index] = count + 1
                fired.append(fault)
        return fired


def parse_fault(spec: str) -> Fault:
    """``KIND[:VALUE][@ROUTE,ROUTE][*TIMES]`` → Fault, e.g. ``slow:2.5@coverage`` or
    ``error-500*1`` or ``mislink:p-suzuki-ichiro``. Raises ValueError with a plain message."""
    rest = spec.strip()
    times: int | None = None
    if "*" in rest:
        rest, _, times_text = rest.rpartition("*")
        if not times_text.isdigit():
            raise ValueError(f"fault {spec!r}: the count after * must be a number")
        times = int(times_text)
    routes = ALL_ROUTES
    if "@" in rest:
        rest, _, route_text = rest.partition("@")
        try:
            routes = frozenset(Route(r.strip()) for r in route_text.split(",") if r.strip())
        except ValueError:
            known = ", ".join(r.value for r in Route)
            raise ValueError(f"fault {spec!r}: unknown route (known: {known})") from None
    kind_text, _, value = rest.partition(":")
    try:
        kind = FaultKind(kind_text.strip())
    except ValueError:
        known = ", ".join(k.value for k in FaultKind)
        raise ValueError(f"fault {spec!r}: unknown kind (known: {known})") from None
    delay = 0.0
    patient_id: str | None = None
    if kind is FaultKind.SLOW:
        try:
            delay = float(value) if value else 2.0
        except ValueError:
            raise ValueError(f"fault {spec!r}: the delay must be seconds") from None
    elif kind is FaultKind.MISLINK:
        patient_id = value or None
    elif value:
        raise ValueError(f"fault {spec!r}: {kind.value} takes no value")
    return Fault(kind=kind, routes=routes, delay_seconds=delay, times=times, patient_id=patient_id)

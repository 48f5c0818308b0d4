"""Fault knobs of the terminal simulator: ways a real terminal has been seen to, or
could, misbehave."""

from __future__ import annotations

import threading
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.oqs.fields import Exchange


class KnobKind(StrEnum):
    SLOW = "slow"  # answer after VALUE seconds (default 2)
    NEVER = "never"  # take the request, never answer
    ERR = "err"  # answer with an .err file
    PARTIAL = "partial"  # write half the answer, pause VALUE seconds (default 0.5), finish
    PROCESSING = "processing"  # SegmentOfResult 2 first, the answer VALUE seconds later
    SHIFT_JIS = "shift-jis"  # answer in Shift_JIS (declared, CharacterCodeIdentifier 1)
    MALFORMED = "malformed"  # an answer that is not well-formed XML
    ENTITY_BOMB = "entity-bomb"  # an answer with a billion-laughs DTD
    OTHER_REQUEST = "other-request"  # this request's file name, another request's answer
    MISLINK = "mislink"  # answer with Patient VALUE's record; no value: 複数該当 (5)


_VALUED = {KnobKind.SLOW: 2.0, KnobKind.PARTIAL: 0.5, KnobKind.PROCESSING: 0.5}
ALL_EXCHANGES = frozenset({Exchange.QUALIFICATION, Exchange.MEDICATION})


class Knob(BaseModel):
    """One knob, firing on ``exchanges`` for ``times`` requests (every one if None)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: KnobKind
    seconds: float = Field(default=0.0, ge=0, le=3600)
    patient_id: str | None = None
    exchanges: frozenset[Exchange] = ALL_EXCHANGES
    times: int | None = Field(default=None, ge=0)


class KnobPlan:
    """The knobs in force and how often each fired (changed from other threads)."""

    def __init__(self, knobs: list[Knob] | None = None) -> None:
        self._knobs = list(knobs or [])
        self._fired: dict[int, int] = {}
        self._lock = threading.Lock()

    def add(self, knob: Knob) -> None:
        with self._lock:
            self._knobs.append(knob)

    def take(self, exchange: Exchange) -> list[Knob]:
        fired: list[Knob] = []
        with self._lock:
            for index, knob in enumerate(self._knobs):
                count = self._fired.get(index, 0)
                if exchange not in knob.exchanges:
                    continue
                if knob.times is not None and count >= knob.times:
                    continue
                self._fired[index] = count + 1
                fired.append(knob)
        return fired


_EXCHANGE_NAMES = {"qualification": Exchange.QUALIFICATION, "medication": Exchange.MEDICATION}


def parse_knob(spec: str) -> Knob:
    """``KIND[:VALUE][@qualification|medication][*TIMES]``, e.g. ``slow:3``,
    ``processing:0.2*1``, ``err@medication``, ``mislink:p-suzuki-ichiro``.
    Raises ValueError with a plain message."""
    rest = spec.strip()
    times: int | None = None
    if "*" in rest:
        rest, _, count = rest.rpartition("*")
        if not count.isdigit():
            raise ValueError(f"knob {spec!r}: the count after * must be a number")
        times = int(count)
    exchanges = ALL_EXCHANGES
    if "@" in rest:
        rest, _, scope = rest.partition("@")
        try:
            exchanges = frozenset(_EXCHANGE_NAMES[s.strip()] for s in scope.split(",") if s)
        except KeyError:
            raise ValueError(f"knob {spec!r}: scope must be qualification or medication") from None
    name, _, value = rest.partition(":")
    try:
        kind = KnobKind(name.strip())
    except ValueError:
        known = ", ".join(k.value for k in KnobKind)
        raise ValueError(f"knob {spec!r}: unknown kind (known: {known})") from None
    seconds, patient_id = 0.0, None
    if kind in _VALUED:
        try:
            seconds = float(value) if value else _VALUED[kind]
        except ValueError:
            raise ValueError(f"knob {spec!r}: the value must be seconds") from None
    elif kind is KnobKind.MISLINK:
        patient_id = value or None
    elif value:
        raise ValueError(f"knob {spec!r}: {kind.value} takes no value")
    return Knob(kind=kind, seconds=seconds, patient_id=patient_id, exchanges=exchanges, times=times)

"""Fault knobs of the terminal simulator: ways a real terminal has been seen to, or
could, misbehave."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.gateway.firing import FiringPlan, split_spec
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


class KnobPlan(FiringPlan[Knob]):
    """The knobs in force and how often each fired (``gateway.firing``)."""

    def take(self, exchange: Exchange) -> list[Knob]:
        return self.fire(lambda knob: exchange in knob.exchanges)


_EXCHANGE_NAMES = {"qualification": Exchange.QUALIFICATION, "medication": Exchange.MEDICATION}


def parse_knob(spec: str) -> Knob:
    """``KIND[:VALUE][@qualification|medication][*TIMES]``, e.g. ``slow:3``,
    ``processing:0.2*1``, ``err@medication``, ``mislink:p-suzuki-ichiro``.
    Raises ValueError with a plain message."""
    parts = split_spec(spec, "knob")
    exchanges = ALL_EXCHANGES
    if parts.scopes is not None:
        try:
            exchanges = frozenset(_EXCHANGE_NAMES[s] for s in parts.scopes)
        except KeyError:
            raise parts.problem("scope must be qualification or medication") from None
    kind = parts.kind_of(KnobKind)
    seconds, patient_id = 0.0, None
    if kind in _VALUED:
        seconds = parts.seconds(_VALUED[kind])
    elif kind is KnobKind.MISLINK:
        patient_id = parts.value or None
    elif parts.value:
        raise parts.problem(f"{kind.value} takes no value")
    return Knob(
        kind=kind, seconds=seconds, patient_id=patient_id, exchanges=exchanges, times=parts.times
    )

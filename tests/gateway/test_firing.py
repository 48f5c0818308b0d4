"""Misbehaviour on request: one grammar and one counted plan for the embedded gateway's
faults and the simulated terminal's knobs."""

from __future__ import annotations

import re

import pytest

from clinic_desk.gateway.faults import FaultKind, FaultPlan, Route, parse_fault
from clinic_desk.oqs.fields import Exchange
from clinic_desk.oqs.simulator.knobs import KnobKind, KnobPlan, parse_knob


def test_both_grammars_read_kind_value_scope_and_times() -> None:
    fault = parse_fault("slow:2.5@coverage,patient*3")
    assert fault.kind is FaultKind.SLOW and fault.delay_seconds == 2.5 and fault.times == 3
    assert fault.routes == {Route.COVERAGE, Route.PATIENT}
    knob = parse_knob("processing:0.2@medication*1")
    assert knob.kind is KnobKind.PROCESSING and knob.seconds == 0.2 and knob.times == 1
    assert knob.exchanges == {Exchange.MEDICATION}


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("slow*x", "fault 'slow*x': the count after * must be a number"),
        ("nope", "fault 'nope': unknown kind"),
        ("down@nowhere", "fault 'down@nowhere': unknown route"),
        ("down:3", "fault 'down:3': down takes no value"),
        ("slow:soon", "fault 'slow:soon': the delay must be seconds"),
    ],
)
def test_a_bad_fault_is_named_in_plain_words(spec: str, words: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(words)):
        parse_fault(spec)


def test_a_bad_knob_is_named_in_plain_words() -> None:
    with pytest.raises(ValueError, match=r"^knob 'err@face': scope must be qualification"):
        parse_knob("err@face")
    with pytest.raises(ValueError, match=r"^knob 'slow:x': the value must be seconds"):
        parse_knob("slow:x")


def test_a_plan_fires_each_knob_its_times_and_says_what_is_left() -> None:
    faults = FaultPlan([parse_fault("error-500@coverage*2"), parse_fault("expire-token")])
    assert faults.pending(Route.COVERAGE)
    assert [f.kind for f in faults.take(Route.COVERAGE)] == [FaultKind.ERROR_500]
    assert [f.kind for f in faults.take(Route.COVERAGE)] == [FaultKind.ERROR_500]
    assert faults.take(Route.COVERAGE) == []  # spent; the token fault fires only when asked
    assert [f.kind for f in faults.take(Route.PATIENT, FaultKind.EXPIRE_TOKEN)] == [
        FaultKind.EXPIRE_TOKEN
    ]
    knobs = KnobPlan([parse_knob("err@qualification*1")])
    assert knobs.take(Exchange.MEDICATION) == []
    assert len(knobs.take(Exchange.QUALIFICATION)) == 1
    assert knobs.take(Exchange.QUALIFICATION) == []

"""Fuzzing the parsers: whatever the bytes, OqsFormatError is the only error."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.mapping import to_lookup
from clinic_desk.oqs.medication import parse_medication
from clinic_desk.oqs.qualification import parse_qualification
from tests.oqs import samples

NOW = datetime(2026, 4, 1, tzinfo=UTC)
SEEDS = [
    samples.qualification().encode(),
    samples.qualification(results=2, validity="5").encode(),
    samples.qualification(declaration='<?xml version="1.0" encoding="Shift_JIS"?>').encode("cp932"),
    samples.medication().encode(),
]


def read_all(data: bytes) -> None:
    with contextlib.suppress(OqsFormatError):
        to_lookup(parse_qualification(data), "fuzz", NOW)
    with contextlib.suppress(OqsFormatError):
        parse_medication(data, "fuzz", NOW)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(
                st.sampled_from([b"<", b">", b"&", b"&amp;", b"<!DOCTYPE x>", b"\xff", b"</a>"])
                | st.binary(max_size=8)
            )
        elif at < len(data):
            del data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


@st.composite
def text_swapped(draw: st.DrawFn) -> bytes:
    """Valid XML whose item texts are replaced by arbitrary text (codes, dates, numbers)."""
    seed = samples.qualification()
    for item in ("1", "030", "A03", "19500105", "  138149", "01", "ｼﾝﾘｮｳ ﾀﾛｳ", "0042"):
        replacement = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
        escaped = replacement.replace("&", "&amp;").replace("<", "&lt;")
        seed = seed.replace(f">{item}<", f">{escaped}<", 1)
    return seed.encode("utf-8", errors="replace")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_random_bytes(data: bytes) -> None:
    read_all(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_answers(data: bytes) -> None:
    read_all(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_swapped())
def test_arbitrary_item_texts(data: bytes) -> None:
    read_all(data)

"""Every fault knob on the 薬剤情報 exchange (``KNOB@medication``), through the desk's
own call (``services.terminal.medications_answer``) against the simulator in another
process: what arrives is read as the qualification answers are, and whatever goes
wrong becomes "medications unavailable" for the check-in — never an exception, never
someone else's drugs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_desk.checkin import events as ev
from clinic_desk.oqs import OqsClient
from clinic_desk.oqs.requests import InsuredNumbers
from clinic_desk.services.terminal import medications_answer
from tests.oqs.conftest import Terminal, make_settings

YAMADA = InsuredNumbers("01130012", "1234", "567", "00")
DRUGS = 25  # Yamada's dispensings in the shipped dataset


@pytest.mark.parametrize(
    "knob", ["slow:0.2", "partial:0.3", "processing:0.2", "shift-jis", "mislink:p-suzuki-ichiro"]
)
async def test_answers_that_arrive_are_read(
    root: Path, terminal: Callable[..., Terminal], knob: str
) -> None:
    terminal(f"{knob}@medication")
    got = await medications_answer(OqsClient(make_settings(root)), YAMADA)
    assert isinstance(got, ev.MedicationsFetched)
    assert got.person is not None
    if knob.startswith("mislink"):  # someone else's: the machine withholds it (its job)
        assert got.person.name == "鈴木　一郎"
    else:
        assert got.person.name == "山田　太郎" and len(got.history.dispenses) == DRUGS


@pytest.mark.parametrize(
    ("knob", "reason"),
    [
        ("err", "terminal-terminal-error"),
        ("malformed", "terminal-format"),
        ("entity-bomb", "terminal-format"),
        ("other-request", "terminal-mismatch"),
        ("never", "terminal-timeout"),
    ],
)
async def test_answers_that_fail_leave_the_record_without_medications(
    root: Path, terminal: Callable[..., Terminal], knob: str, reason: str
) -> None:
    terminal(f"{knob}@medication")
    # an unreadable answer is given a second to change (a writer may have paused)
    wait = 1.0 if knob == "never" else 5.0
    client = OqsClient(make_settings(root, medication_timeout=wait))
    got = await medications_answer(client, YAMADA)
    assert isinstance(got, ev.MedicationsUnavailable)
    assert got.reason == reason

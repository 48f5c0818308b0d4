"""Logs of a whole check-in carry ids, routes, status codes and timings — no personal data."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from clinic_desk.eligibility import EligibilityClient, GatewayRejected
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import KeySigner
from tests.support.leaks import leaked


async def test_logs_hold_no_personal_data(
    gateway: GatewayServer,
    client: EligibilityClient,
    signer_for: Callable[[str], KeySigner],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes={Route.COVERAGE}, times=1))
    session = await client.open_session(signer_for("sato-ken"))
    await client.fetch_patient(session)
    await client.fetch_eligibility(session)
    await client.fetch_medications(session)
    with pytest.raises(GatewayRejected):
        await client.open_session(signer_for("ito-makoto"))

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "route=coverage status=500" in text  # the logs are there …
    assert "request_id=" in text
    forbidden = [
        session.token,
        session.patient_id,
        "suzuki",
        "鈴木",
        "佐藤",
        "1962-05-14",
        "06400021",
        "3301",
        "博多",
    ]
    assert not leaked(text, forbidden)  # … and none of the record is

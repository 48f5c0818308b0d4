"""Every fault knob of the embedded gateway → the typed error or state the desk expects."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.eligibility import (
    EligibilityClient,
    EligibilityPending,
    GatewayProtocolError,
    GatewayUnavailable,
)
from clinic_desk.gateway.dataset import Dataset, PatientEntry
from clinic_desk.gateway.faults import Fault, FaultKind, Route, parse_fault
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import KeySigner, settings_for

COVERAGE = frozenset({Route.COVERAGE})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_port_closed_is_unavailable(signer_for: Callable[[str], KeySigner]) -> None:
    from clinic_desk.eligibility import GatewaySettings

    settings = GatewaySettings(base_url=f"http://127.0.0.1:{_closed_port()}")
    async with EligibilityClient(settings) as desk:
        with pytest.raises(GatewayUnavailable) as caught:
            await desk.open_session(signer_for("yamada-taro"))
    assert caught.value.code == "refused"
    assert "paper" in caught.value.desk_action
    assert "running" in caught.value.support_hint


async def test_gateway_stopped_mid_checkin_is_unavailable(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(settings_for(gateway)) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
        gateway.stop()
        with pytest.raises(GatewayUnavailable):
            await desk.fetch_eligibility(session)


async def test_down_is_unavailable_with_the_outcome_text(
    gateway: GatewayServer, client: EligibilityClient
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN))
    with pytest.raises(GatewayUnavailable) as caught:
        await client.challenge()
    assert caught.value.status == 503
    assert "national eligibility system" in caught.value.support_hint


async def test_slow_beyond_the_read_timeout_is_unavailable(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.SLOW, delay_seconds=600, routes=COVERAGE))
    async with EligibilityClient(settings_for(gateway, read_timeout=0.2, get_retries=0)) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
        with pytest.raises(GatewayUnavailable) as caught:
            await desk.fetch_eligibility(session)
    assert caught.value.code == "timeout"


async def test_slow_within_the_read_timeout_answers(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.SLOW, delay_seconds=0.05))
    session = await client.open_session(signer_for("yamada-taro"))
    assert (await client.fetch_eligibility(session)).state is ValidityState.VALID


async def test_budget_spent_is_unavailable(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.SLOW, delay_seconds=600, routes=COVERAGE))
    async with EligibilityClient(settings_for(gateway, read_timeout=60)) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
        with pytest.raises(GatewayUnavailable) as caught:
            await desk.fetch_eligibility(session, desk.budget(0.3))
    assert caught.value.code in ("timeout", "budget")


async def test_500_is_unavailable_after_get_retries(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes=COVERAGE))
    before = client.requests_sent
    with pytest.raises(GatewayUnavailable) as caught:
        await client.fetch_eligibility(session)
    assert caught.value.status == 500
    assert client.requests_sent - before == 1 + client.settings.get_retries


async def test_one_500_is_absorbed_by_a_get_retry(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes=COVERAGE, times=1))
    assert (await client.fetch_eligibility(session)).state is ValidityState.VALID


async def test_post_is_never_retried(gateway: GatewayServer, client: EligibilityClient) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.ERROR_500, routes={Route.CHALLENGE}, times=1))
    with pytest.raises(GatewayUnavailable):
        await client.challenge()
    assert client.requests_sent == 1


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (FaultKind.GARBAGE, "not-json"),
        (FaultKind.WRONG_SHAPE, "wrong-shape"),
        (FaultKind.TRUNCATED, "truncated"),
        (FaultKind.UNKNOWN_CODE, "wrong-shape"),
    ],
)
async def test_unreadable_coverage_is_a_protocol_error(
    gateway: GatewayServer,
    client: EligibilityClient,
    signer_for: Callable[[str], KeySigner],
    kind: FaultKind,
    code: str,
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.faults.add(Fault(kind=kind, routes=COVERAGE))
    with pytest.raises(GatewayProtocolError) as caught:
        await client.fetch_eligibility(session)
    assert caught.value.code == code
    assert "paper" in caught.value.desk_action


@pytest.mark.parametrize("route", [Route.CHALLENGE, Route.CARD_AUTH])
@pytest.mark.parametrize("kind", [FaultKind.GARBAGE, FaultKind.WRONG_SHAPE, FaultKind.TRUNCATED])
async def test_unreadable_auth_answers_are_protocol_errors(
    gateway: GatewayServer,
    client: EligibilityClient,
    signer_for: Callable[[str], KeySigner],
    kind: FaultKind,
    route: Route,
) -> None:
    gateway.state.faults.add(Fault(kind=kind, routes={route}))
    with pytest.raises(GatewayProtocolError):
        await client.open_session(signer_for("yamada-taro"))


@pytest.mark.parametrize("kind", [FaultKind.WRONG_SHAPE, FaultKind.UNKNOWN_CODE])
async def test_unreadable_medication_page_is_a_protocol_error(
    gateway: GatewayServer,
    client: EligibilityClient,
    signer_for: Callable[[str], KeySigner],
    kind: FaultKind,
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.faults.add(Fault(kind=kind, routes={Route.MEDICATIONS}))
    with pytest.raises(GatewayProtocolError):
        await client.fetch_medications(session)


async def test_truncated_page_after_the_first_is_a_protocol_error(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    await client.fetch_medications(session)  # all pages fine once
    gateway.state.faults.add(Fault(kind=FaultKind.TRUNCATED, routes={Route.MEDICATIONS}))
    with pytest.raises(GatewayProtocolError) as caught:
        await client.fetch_medications(session)
    assert caught.value.code == "truncated"


async def test_processing_then_answer(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes=COVERAGE, times=2))
    before = client.requests_sent
    assert (await client.fetch_eligibility(session)).state is ValidityState.VALID
    assert client.requests_sent - before == 3


async def test_still_processing_when_the_budget_ends(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    gateway.state.processing_retry_after = 5.0
    gateway.state.faults.add(Fault(kind=FaultKind.PROCESSING, routes=COVERAGE))
    with pytest.raises(EligibilityPending) as caught:
        await client.fetch_eligibility(session, client.budget(1.0))
    assert caught.value.code == "processing"
    assert "Retry the check" in caught.value.desk_action


async def test_run_level_mislink(
    gateway: GatewayServer, client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    gateway.state.faults.add(parse_fault("mislink:p-suzuki-ichiro"))
    session = await client.open_session(signer_for("nakamura-akemi"))
    assert session.patient_ref == "Patient/p-suzuki-ichiro"
    assert (await client.fetch_patient(session)).name == "鈴木　一郎"


async def test_patient_entry_faults_apply_to_that_patient_only(
    dataset: Dataset, signer_for: Callable[[str], KeySigner]
) -> None:
    entry = dataset.patients["p-yamada-taro"]
    faulty = PatientEntry.model_validate(
        {**entry.model_dump(), "faults": [{"kind": "garbage", "routes": ["patient"]}]}
    )
    patched = Dataset(
        patients={**dataset.patients, "p-yamada-taro": faulty},
        links=dataset.links,
        trust_anchor=dataset.trust_anchor,
        revoked_serials=dataset.revoked_serials,
    )
    with GatewayServer(patched, max_seconds=60) as server:
        async with EligibilityClient(settings_for(server)) as desk:
            yamada = await desk.open_session(signer_for("yamada-taro"))
            with pytest.raises(GatewayProtocolError):
                await desk.fetch_patient(yamada)
            nakamura = await desk.open_session(signer_for("nakamura-akemi"))
            assert (await desk.fetch_patient(nakamura)).id == "p-nakamura-akemi"


async def test_response_size_cap(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(
        settings_for(gateway, max_response_bytes=1024, page_size=50)
    ) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
        with pytest.raises(GatewayProtocolError) as caught:
            await desk.fetch_medications(session)
    assert caught.value.code == "too-large"


def test_fault_specs_parse() -> None:
    slow = parse_fault("slow:2.5@coverage,medications*3")
    assert slow.kind is FaultKind.SLOW and slow.delay_seconds == 2.5 and slow.times == 3
    assert slow.routes == frozenset({Route.COVERAGE, Route.MEDICATIONS})
    assert parse_fault("error-500").routes == frozenset(Route)
    for bad in ("melt", "slow:soon", "garbage@nowhere", "down:1", "truncated*x", "mislink"):
        with pytest.raises(ValueError):
            parse_fault(bad)

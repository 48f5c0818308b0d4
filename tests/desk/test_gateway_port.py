"""The desk's gateway port over real HTTP on loopback: answers become check-in events,
and the status line hears whether the gateway answered."""

from __future__ import annotations

import socket

from clinic_desk.checkin import events as ev
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.gateway import ClientGatewayPort


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_reachability_follows_the_gateway() -> None:
    heard: list[bool] = []
    with GatewayServer(max_seconds=60) as server:
        client = EligibilityClient(GatewaySettings(base_url=server.url))
        port = ClientGatewayPort(client, on_reachability=heard.append)
        try:
            assert isinstance(await port.challenge(), bytes)
            server.state.faults.add(Fault(kind=FaultKind.DOWN))
            down = await port.challenge()
            assert isinstance(down, ev.GatewayUnavailable)
            server.state.faults.clear()
            assert isinstance(await port.challenge(), bytes)
        finally:
            await client.aclose()
    assert heard == [True, False, True]


async def test_a_closed_port_is_unavailable_not_an_error() -> None:
    heard: list[bool] = []
    client = EligibilityClient(GatewaySettings(base_url=f"http://127.0.0.1:{closed_port()}"))
    port = ClientGatewayPort(client, on_reachability=heard.append)
    try:
        answer = await port.challenge()
    finally:
        await client.aclose()
    assert isinstance(answer, ev.GatewayUnavailable)
    assert heard == [False]


async def test_a_refusal_means_the_gateway_is_there() -> None:
    heard: list[bool] = []
    with GatewayServer(max_seconds=60) as server:
        client = EligibilityClient(GatewaySettings(base_url=server.url))
        port = ClientGatewayPort(client, on_reachability=heard.append)
        try:
            challenge = await port.challenge()
            assert isinstance(challenge, bytes)
            refused = await port.authenticate(b"not a certificate", b"x" * 256, challenge)
        finally:
            await client.aclose()
    assert isinstance(refused, ev.GatewayRejected)
    assert heard == [True, True]

"""A token that expires mid-check-in: the desk proves card presence once more, without the PIN.

Real parts: the embedded gateway over HTTP on loopback (its ``expire-token`` fault forgets
the token between card authentication and a read), the virtual card behind the reader
transport, the desk's card and gateway ports, the check-in runner and a real SQLCipher
cache. The PIN is typed once; the card signs the second challenge on its verified state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.eligibility import EligibilityClient, GatewayRejected, GatewaySettings
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.card import ReaderCardPort
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.store import CacheStorePort
from offline_cache import OfflineCache
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from reader.virtual_card.card import VirtualCard
from tests.gateway.conftest import KeySigner, credentials_for, settings_for

PROFILE = "yamada-taro"


@dataclass
class Desk:
    runner: CheckInRunner
    card: VirtualCard
    port: ReaderCardPort
    transcript: Transcript
    server: GatewayServer

    async def until(self, *stages: Stage) -> Stage:
        deadline = time.monotonic() + 30
        while self.runner.machine.stage not in stages:
            assert time.monotonic() < deadline, f"stuck in {self.runner.machine.stage}"
            await asyncio.sleep(0.01)
        await self.runner.settle()
        return self.runner.machine.stage

    def steps(self, name: str) -> int:
        return sum(1 for exchange in self.transcript if exchange.step == name)

    async def check_in_to_consent(self) -> None:
        await self.runner.dispatch(ev.CardInserted(reader="in-process"))
        await self.until(Stage.PIN_ENTRY)
        await self.runner.dispatch(
            ev.PinEntered(pin=SecretStr(card_profile(PROFILE).pins.auth_pin))
        )
        assert await self.until(Stage.CONFIRMING_NAME, Stage.ERROR) is Stage.CONFIRMING_NAME
        await self.runner.dispatch(ev.NameAnswered(is_me=True))
        await self.runner.dispatch(ev.BirthdateTyped(birthdate=date(1980, 4, 1)))
        await self.until(Stage.CONSENT)


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    card = VirtualCard(card_profile(PROFILE))
    transcript = Transcript()
    port = ReaderCardPort(InProcessTransport(card), transcript)
    cache = OfflineCache.create(tmp_path / "data", tmp_path / "config", "x" * 16, actor="t")
    with GatewayServer(max_seconds=120) as server:
        client = EligibilityClient(GatewaySettings(base_url=server.url))
        runner = CheckInRunner(
            CheckInMachine(), port, ClientGatewayPort(client), CacheStorePort(cache, desk_id="t")
        )
        try:
            yield Desk(runner, card, port, transcript, server)
        finally:
            await runner.settle()
            runner.close()
            await client.aclose()
            cache.close()


async def test_token_expired_before_coverage_is_renewed_without_the_pin(desk: Desk) -> None:
    desk.server.state.faults.add(
        Fault(kind=FaultKind.EXPIRE_TOKEN, routes=frozenset({Route.COVERAGE}), times=1)
    )
    await desk.check_in_to_consent()
    # the PIN was verified once; the card signed twice (the second on its verified state)
    assert desk.steps("verify auth PIN") == 1
    assert desk.steps("sign challenge") == 2
    await desk.runner.dispatch(ev.ConsentAnswered(consent=True))
    assert await desk.until(Stage.SHOWN) is Stage.SHOWN
    shown = desk.runner.view().result
    assert shown is not None and shown.eligibility is not None
    assert shown.medications is not None


async def test_the_card_is_reset_when_the_check_in_ends(desk: Desk) -> None:
    await desk.check_in_to_consent()
    await desk.runner.dispatch(ev.ConsentAnswered(consent=False))
    await desk.until(Stage.SHOWN)
    # released: no verified PIN outlives the check-in, so signing without it fails now
    assert isinstance(await asyncio.to_thread(desk.port.sign_again, b"n" * 43), ev.Failed)


async def test_a_card_reset_meanwhile_means_asking_the_holder_again(desk: Desk) -> None:
    await desk.check_in_to_consent()
    desk.card.reset()  # removed and put back, or reset by another program
    desk.server.state.faults.add(
        Fault(kind=FaultKind.EXPIRE_TOKEN, routes=frozenset({Route.MEDICATIONS}), times=1)
    )
    await desk.runner.dispatch(ev.ConsentAnswered(consent=True))
    assert await desk.until(Stage.SHOWN) is Stage.SHOWN
    assert desk.runner.view().result is not None
    assert desk.runner.view().result.medications_note == "medications_unavailable"
    assert desk.steps("verify auth PIN") == 1  # never a PIN the holder did not type


async def test_the_client_asks_again_when_the_card_cannot_sign(gateway: GatewayServer) -> None:
    async with EligibilityClient(settings_for(gateway)) as client:
        signer = KeySigner(credentials_for(PROFILE))
        grant = await client.challenge()
        signature = await asyncio.to_thread(signer.sign, grant.signed_bytes)

        async def card_gone(challenge: bytes) -> bytes | None:
            return None

        session = await client.authenticate(
            signer.certificate_der(), signature, grant.nonce, resign=card_gone
        )
        gateway.state.expire_tokens()
        with pytest.raises(GatewayRejected) as caught:
            await client.fetch_eligibility(session)
    assert caught.value.reason == "token-expired"
    assert "place the card again" in caught.value.desk_action


async def test_one_budget_for_every_gateway_call_of_a_check_in() -> None:
    """A slow gateway cannot hold a patient for checkin_budget × the number of calls."""
    slow = Fault(
        kind=FaultKind.SLOW,
        delay_seconds=0.5,
        routes=frozenset({Route.CHALLENGE, Route.CARD_AUTH, Route.PATIENT, Route.COVERAGE}),
    )
    signer = KeySigner(credentials_for(PROFILE))
    with GatewayServer(faults=[slow], max_seconds=60) as server:
        # each call alone fits the budget; all of them together do not
        settings = settings_for(server, checkin_budget=1.2, read_timeout=5.0)
        async with EligibilityClient(settings) as client:
            port = ClientGatewayPort(client)
            challenge = await port.challenge()
            assert isinstance(challenge, bytes)
            session = await port.authenticate(
                signer.certificate_der(), signer.sign(challenge), challenge
            )
            assert not isinstance(session, ev.GatewayUnavailable | ev.Failed)
            answer = await port.fetch_record(session)
    assert isinstance(answer, ev.GatewayUnavailable)
    assert answer.reason == "budget"

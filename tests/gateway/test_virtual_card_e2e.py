"""End to end: a virtual My Number card signs the gateway's challenge on the chip
(in-process transport), and the client completes the check-in over real HTTP."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.eligibility import (
    CardSigner,
    EligibilityClient,
    GatewayRejected,
    MyNumberCardSigner,
)
from clinic_desk.gateway.fixture_pki import card_profile, certificate_sha256
from clinic_desk.gateway.server import GatewayServer
from reader.mynumber.card import MyNumberCard
from reader.transport import InProcessTransport
from reader.virtual_card.card import VirtualCard
from tests.gateway.conftest import settings_for


def _card(profile_id: str) -> tuple[VirtualCard, MyNumberCard]:
    virtual = VirtualCard(card_profile(profile_id))
    return virtual, MyNumberCard(InProcessTransport(virtual))


async def test_checkin_with_a_virtual_card(gateway: GatewayServer) -> None:
    profile = card_profile("yamada-taro")
    virtual, card = _card("yamada-taro")
    with card:
        signer = MyNumberCardSigner(card, profile.pins.auth_pin)
        assert isinstance(signer, CardSigner)
        async with EligibilityClient(settings_for(gateway)) as desk:
            session = await desk.open_session(signer)
            assert session.certificate_sha256 == certificate_sha256(profile)
            patient = await desk.fetch_patient(session)
            eligibility = await desk.fetch_eligibility(session)
            history = await desk.fetch_medications(session)
        assert card.auth_pin_tries_left() == 3
    assert (patient.name, patient.birthdate) == ("山田　太郎", date(1980, 4, 1))
    assert eligibility.state is ValidityState.VALID
    assert len(history.dispenses) == 25
    assert virtual.apdu_count > 0


async def test_mislinked_card_through_the_chip(gateway: GatewayServer) -> None:
    profile = card_profile("sato-ken")
    _, card = _card("sato-ken")
    with card:
        async with EligibilityClient(settings_for(gateway)) as desk:
            session = await desk.open_session(MyNumberCardSigner(card, profile.pins.auth_pin))
            patient = await desk.fetch_patient(session)
    # the card says 佐藤　健 1990-07-07: the identity gate must withhold this record
    assert (patient.name, patient.birthdate) != (profile.name, profile.birthdate)


async def test_revoked_card_through_the_chip(gateway: GatewayServer) -> None:
    profile = card_profile("ito-makoto")
    _, card = _card("ito-makoto")
    with card:
        async with EligibilityClient(settings_for(gateway)) as desk:
            with pytest.raises(GatewayRejected) as caught:
                await desk.open_session(MyNumberCardSigner(card, profile.pins.auth_pin))
    assert caught.value.reason == "certificate-revoked"

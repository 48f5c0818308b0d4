"""Check-ins through the real parts, into a cache the test keeps.

The card is a virtual My Number card called in-process through the real reader code,
the gateway is the embedded one on 127.0.0.1 (real HTTP, the real client), and the store
is the desk's own port over a real SQLCipher cache: what a desk raises, a test can then
review and export.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from pydantic import SecretStr

from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import ENDINGS, Stage
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.card import ReaderCardPort
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.store import CacheStorePort
from clinic_desk.services.virtual_cards import CardSlot
from offline_cache import OfflineCache
from reader.transport import InProcessTransport
from reader.virtual_card.card import VirtualCard
from reader.virtual_card.profile import CardProfile

READER = "hardening virtual card"


async def check_in_with_pin(
    cards: Iterable[CardProfile], cache: OfflineCache, *, desk_id: str = "desk-h"
) -> list[Stage]:
    """Each card in turn: put on the reader, right PIN whenever asked, then taken away.

    Returns the stage each check-in ended in (bounded: 30 s per card).
    """
    ended: list[Stage] = []
    with GatewayServer(load_dataset(), max_seconds=300) as server:
        settings = GatewaySettings(base_url=server.url, checkin_budget=30.0, read_timeout=10.0)
        async with EligibilityClient(settings) as client:
            slot = CardSlot()
            runner = CheckInRunner(
                CheckInMachine(),
                ReaderCardPort(InProcessTransport(slot, reader_name=READER)),
                ClientGatewayPort(client),
                CacheStorePort(cache, desk_id=desk_id),
            )
            try:
                for profile in cards:
                    ended.append(await _one(runner, slot, profile))
            finally:
                runner.close()
    return ended


async def _one(runner: CheckInRunner, slot: CardSlot, profile: CardProfile) -> Stage:
    card = VirtualCard(profile)
    slot.card = card
    await runner.dispatch(ev.CardInserted(reader=READER))
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        await runner.settle()
        view = runner.view()
        if view.stage in ENDINGS:
            break
        if view.stage is not Stage.PIN_ENTRY:
            raise AssertionError(f"the check-in waits at {view.stage.value}, not for a PIN")
        pin = profile.pins.auth_pin if view.pin_kind == "auth" else profile.pins.text_pin
        await runner.dispatch(ev.PinEntered(pin=SecretStr(pin)))
    stage = runner.machine.stage
    await runner.dispatch(ev.Done())
    card.remove()
    slot.card = None
    await runner.dispatch(ev.CardRemoved())
    await runner.settle()
    return stage

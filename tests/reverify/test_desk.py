"""The desk re-checks offline visits by itself once the gateway is back (Pilot, the demo's
embedded gateway on loopback, the in-process virtual card, a real SQLCipher cache)."""

from __future__ import annotations

import time

from clinic_desk.checkin import Stage
from clinic_desk.services.embedded_gateway import GatewaySwitch
from clinic_desk.services.virtual_cards import VirtualCardPanel
from offline_cache import VisitStatus
from tests.desk.conftest import Desk

YAMADA_BIRTHDATE = "19800401"


async def _until(desk: Desk, condition: str, check: object, timeout: float = 30.0) -> str:
    """Wait (bounded) until ``check(screen text)`` holds; returns that screen."""
    assert callable(check)
    deadline = time.monotonic() + timeout
    while True:
        await desk.pilot.pause(0.05)
        text = " ".join(desk.capture().split())
        if check(text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"never {condition}: {text[-300:]}")


async def _online_then_offline_check_in(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity(YAMADA_BIRTHDATE)
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await desk.press("d")
    assert desk.services.demo is not None
    assert await desk.services.demo.toggle_gateway() is True
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity(YAMADA_BIRTHDATE)
    await desk.wait_for(Stage.OFFLINE_SHOWN)
    await desk.services.demo.remove()
    await desk.wait_for(Stage.WAITING_FOR_CARD)


async def test_gateway_back_up_confirms_the_offline_visit_without_the_card(desk: Desk) -> None:
    await _online_then_offline_check_in(desk)
    await _until(desk, "shows the count", lambda text: "1 awaiting re-check" in text)
    [visit] = desk.store().cache.visits.pending()
    assert desk.services.status().awaiting_reverify == 1
    assert desk.services.demo is not None
    assert await desk.services.demo.toggle_gateway() is False  # back up; no card is tapped
    await _until(desk, "clears the count", lambda text: "awaiting re-check" not in text)
    done = desk.store().cache.visits.get(visit.id)
    assert done.status is VisitStatus.CONFIRMED
    assert desk.services.status().awaiting_reverify == 0
    assert desk.stage is Stage.WAITING_FOR_CARD
    assert desk.store().cache.flags.find() == []


async def test_an_online_check_in_sets_the_re_check_off(desk: Desk) -> None:
    await _online_then_offline_check_in(desk)
    await _until(desk, "shows the count", lambda text: "1 awaiting re-check" in text)
    [visit] = desk.store().cache.visits.pending()
    # the gateway recovers by itself (the demo's switch is not touched) ...
    panel = desk.services.demo
    assert isinstance(panel, VirtualCardPanel) and isinstance(panel.gateway, GatewaySwitch)
    panel.gateway.server.state.faults.clear()
    assert desk.store().cache.visits.get(visit.id).status is VisitStatus.PENDING
    # ... and the next patient's online check-in proves it
    await desk.tap("nakamura-akemi")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("c")
    await desk.type_pin()
    await desk.confirm_identity("20010303")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await _until(desk, "clears the count", lambda text: "awaiting re-check" not in text)
    assert desk.store().cache.visits.get(visit.id).status is VisitStatus.CONFIRMED


async def test_the_count_in_japanese(desk_ja: Desk) -> None:
    await _online_then_offline_check_in(desk_ja)
    await _until(desk_ja, "shows the count", lambda text: "再確認待ち 1件" in text)

"""Keys at the counter: nothing typed is lost, and only explicit keys start or end a
check-in (Pilot, the demo desk with the in-process card)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from clinic_desk.app.screens.desk import DeskScreen
from clinic_desk.app.widgets.demo_panel import DemoPanel
from clinic_desk.checkin import Stage
from tests.desk.conftest import Desk


def _screen(desk: Desk) -> DeskScreen:
    screen = desk.app.screen
    assert isinstance(screen, DeskScreen)
    return screen


async def _to_consent(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity("19800401")
    await desk.wait_for(Stage.CONSENT)


async def test_a_tap_says_reading_at_once_and_keeps_the_pin_typed_meanwhile(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = desk.services.demo
    assert demo is not None
    release = asyncio.Event()
    real_tap = demo.tap

    async def slow_tap(card_id: str) -> None:  # the first tap of a card derives its key
        await release.wait()
        await real_tap(card_id)

    monkeypatch.setattr(demo, "tap", slow_tap)
    await desk.press("enter")  # the panel's first card
    assert "Reading the card…" in desk.capture()
    assert desk.stage is Stage.WAITING_FOR_CARD
    await desk.press(*"1234", "enter")  # the patient does not wait
    release.set()
    await desk.wait_for(Stage.CONFIRMING_NAME)  # the PIN typed during the read was sent


async def test_keys_typed_while_the_card_is_read_reach_the_pin_field(desk: Desk) -> None:
    card_port: Any = desk.services.runner._card
    gate = threading.Event()
    real_read = card_port.read_tries

    def slow_read() -> object:
        gate.wait(10)
        return real_read()

    card_port.read_tries = slow_read
    await desk.tap("yamada-taro")
    for _ in range(500):  # not wait_for(): it waits for the read to finish
        if desk.stage is Stage.READING:
            break
        await desk.pilot.pause(0.01)
    await desk.pilot.pause()
    assert "Reading the card…" in desk.capture()
    await desk.press(*"1234", "enter")
    gate.set()
    await desk.wait_for(Stage.CONFIRMING_NAME)


async def test_enter_outside_the_idle_screen_starts_nothing(desk: Desk) -> None:
    await desk.tap("sato-ken")
    await desk.type_pin()
    await desk.confirm_identity("19900707")
    await desk.wait_for(Stage.WITHHELD)
    generation = desk.services.runner.machine.generation
    await desk.press("enter")
    assert desk.stage is Stage.WITHHELD
    # even with the demo panel chosen on purpose, Enter on a card is refused, in words
    await desk.press("tab")
    assert desk.app.focused is _screen(desk).query_one(DemoPanel).options
    await desk.press("enter")
    text = " ".join(desk.capture().split())
    assert "A check-in is under way: press D (next patient) or Esc (cancel) first." in text
    assert desk.stage is Stage.WITHHELD
    assert desk.services.runner.machine.generation == generation


@pytest.mark.parametrize("size", ["120x36", "80x24"])
async def test_after_d_the_arrow_keys_move_the_demo_panel(
    size: str, desk: Desk, desk_80: Desk
) -> None:
    # at 80 columns the result hides the panel: D brings it back with the focus
    desk = desk if size == "120x36" else desk_80
    await _to_consent(desk)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    options = _screen(desk).query_one(DemoPanel).options
    before = options.highlighted
    await desk.press("down")
    assert options.highlighted == (before or 0) + 1
    await desk.press("enter")  # and Enter taps the card chosen
    await desk.wait_for(Stage.PIN_ENTRY)


async def test_typed_ahead_answers_never_start_a_second_check_in(desk: Desk) -> None:
    await _to_consent(desk)
    generation = desk.services.runner.machine.generation
    # the patient answers consent and types a birthdate nobody asked for, with Enter
    await desk.press("y", *"19720819", "enter")
    await desk.wait_for(Stage.SHOWN)
    await desk.settled()
    assert desk.stage is Stage.SHOWN
    assert desk.services.runner.machine.generation == generation


async def test_the_review_key_during_a_check_in_says_why_not(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    assert "Manager review" not in desk.capture().splitlines()[-1]  # not offered now
    await desk.press("m")
    text = " ".join(desk.capture().split())
    assert "The manager review opens only while the desk waits for a card" in text
    await desk.press("f2")
    assert desk.stage is Stage.CONFIRMING_NAME


async def test_the_key_bar_offers_only_keys_that_work(desk: Desk) -> None:
    keys = desk.capture().splitlines()[-1]
    assert "Manager review" in keys and "Next patient" not in keys and "Cancel" not in keys
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    keys = desk.capture().splitlines()[-1]
    assert "Cancel" in keys and "Yes" not in keys and "Manager review" not in keys


async def test_a_short_pin_is_refused_in_words(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press(*"12", "enter")
    assert "The PIN has 4 digits." in desk.capture()
    assert desk.stage is Stage.PIN_ENTRY


async def test_keys_typed_in_the_instant_after_a_tap_reach_the_pin_field(desk: Desk) -> None:
    """The fourth card chosen and tapped, the PIN and Enter, in one burst: the digits
    arrive before the PIN field has the focus; the demo panel catches them for it, and
    the keys act in the order they were typed."""
    from textual import events

    driver = desk.app._driver
    assert driver is not None
    burst = [("down", None), ("down", None), ("down", None), ("enter", "\r")]
    for key, character in [*burst, *[(d, d) for d in "1234"], ("enter", "\r")]:
        event = events.Key(key, character)
        event.set_sender(desk.app)
        driver.send_message(event)  # as the terminal does: all queued before any is handled
    await desk.wait_for(Stage.CONFIRMING_NAME)
    assert "佐藤" in desk.capture()  # sato-ken, the fourth card


async def test_c_pressed_while_the_card_is_read_says_when_it_works(desk: Desk) -> None:
    # the last try is allowed only after the warning: an early C answers, and allows nothing
    card_port: Any = desk.services.runner._card
    gate = threading.Event()
    real_read = card_port.read_tries

    def slow_read() -> object:
        gate.wait(10)
        return real_read()

    card_port.read_tries = slow_read
    await desk.tap("nakamura-akemi")  # one PIN try left
    for _ in range(500):  # not wait_for(): it waits for the read to finish
        if desk.stage is Stage.READING:
            break
        await desk.pilot.pause(0.01)
    await desk.press("c")
    text = " ".join(desk.capture().split())
    assert "Reading the card…" in text
    assert "C works only while the last-try warning is shown." in text
    gate.set()
    await desk.wait_for(Stage.PIN_ENTRY)
    view = desk.services.runner.view()
    assert view.needs_last_try_confirmation  # the early C did not allow the last try
    text = " ".join(desk.capture().split())
    assert "one more wrong PIN locks the card" in text
    assert "C works only while" not in text
    await desk.press("c")
    assert "The receptionist allowed the last try" in " ".join(desk.capture().split())
    await desk.press(*"1234", "enter")
    await desk.wait_for(Stage.CONFIRMING_NAME)

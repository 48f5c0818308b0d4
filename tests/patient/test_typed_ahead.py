"""The patient display keeps the birthdate typed right after Y (the desk and the display
paired over a real socket, each through its own Pilot)."""

from __future__ import annotations

from textual import events

from clinic_desk.checkin import Stage
from clinic_desk.patient.view import PatientStage
from tests.patient.counter import Display, counter


def burst(display: Display, keys: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before any is handled."""
    driver = display.app._driver
    assert driver is not None
    for key, character in [*((k, k) for k in keys), ("enter", "\r")]:
        event = events.Key(key, character)
        event.set_sender(display.app)
        driver.send_message(event)


async def test_the_birthdate_typed_right_after_y_on_the_display_is_kept() -> None:
    async with counter() as c:
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)
        burst(c.display, "y19800401")  # before the birthdate question is on screen
        await c.until(lambda: c.stage in (Stage.CONSENT, Stage.WITHHELD), "consent")
        assert c.stage is Stage.CONSENT
        await c.shown(PatientStage.CONSENT)


async def test_digits_typed_after_no_are_not_kept_for_anyone() -> None:
    async with counter() as c:
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)
        burst(c.display, "n19800401")
        await c.until(lambda: c.stage is Stage.WITHHELD, "withheld")
        await c.shown(PatientStage.NOT_CONFIRMED)
        assert not c.display.app.query_one("#birthdate").display

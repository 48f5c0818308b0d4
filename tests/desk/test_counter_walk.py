"""The counter walked as a patient and a receptionist would, at 80×24 and 120×36 in both
languages: keys typed ahead, Japanese throughout, forms whose focused field stays in
sight, one next step per outcome (Pilot, the demo desk with the in-process card)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from textual import events

from clinic_desk.checkin import Stage
from tests.desk.conftest import Desk, _desk, screen_lines
from tests.desk.language import english_words


def burst(desk: Desk, keys: str, *, enter: bool = True) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before any is handled."""
    driver = desk.app._driver
    assert driver is not None
    typed = [(key, key) for key in keys] + ([("enter", "\r")] if enter else [])
    for key, character in typed:
        event = events.Key(key, character)
        event.set_sender(desk.app)
        driver.send_message(event)


@pytest.fixture(params=[("en", (80, 24)), ("ja", (80, 24)), ("en", (120, 36)), ("ja", (120, 36))])
async def any_desk(request: pytest.FixtureRequest) -> AsyncIterator[Desk]:
    lang, size = request.param
    async for built in _desk(lang, size):
        yield built


async def test_the_birthdate_typed_right_after_y_reaches_its_field(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    burst(desk, "y19800401")  # the patient confirms and types the birthdate at once
    await desk.wait_for(Stage.CONSENT, Stage.WITHHELD)
    assert desk.stage is Stage.CONSENT  # the right birthdate arrived, whole and once


async def test_keys_typed_ahead_are_dropped_when_the_name_is_not_theirs(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    burst(desk, "n19800401")
    await desk.wait_for(Stage.WITHHELD)
    await desk.settled()
    assert desk.stage is Stage.WITHHELD
    await desk.press("d")
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity("19800401")  # nothing of the last patient's keys is left
    await desk.wait_for(Stage.CONSENT)


async def test_the_birthdate_field_says_its_format_in_the_desks_language(any_desk: Desk) -> None:
    desk = any_desk
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    await desk.press("y")
    await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
    text = "\n".join(screen_lines(desk.app))
    assert "YYYYMMDD" not in text
    field = "例：19650308" if desk.app.lang == "ja" else "e.g. 19650308"
    assert any(field in line and "▊" in line for line in screen_lines(desk.app)), text
    if desk.app.lang == "ja":
        assert not english_words(text)


def _shows(desk: Desk, label: str, value: str) -> bool:
    """A line of the screen begins with ``label`` and shows ``value``."""
    return any(line.strip().startswith(label) and value in line for line in screen_lines(desk.app))


async def _type_each(desk: Desk, values: dict[str, str]) -> None:
    """Type into each field of the open form in turn: the focused field's line shows its
    label and what was typed, whatever the terminal's size."""
    from clinic_desk.app.screens.path_desk import PathDeskScreen
    from clinic_desk.app.widgets.path_forms import LABELS
    from clinic_desk.texts import t

    screen = desk.app.screen
    assert isinstance(screen, PathDeskScreen) and screen.forms is not None
    for name, value in values.items():
        field = screen.forms.field(name)
        field.value = ""
        field.focus()
        await desk.press(*value)
        label = t(LABELS[name], desk.app.lang)[:8]  # a long label wraps
        assert _shows(desk, label, value), (name, "\n".join(screen_lines(desk.app)))


async def test_the_number_form_shows_each_field_as_it_is_typed(any_desk: Desk) -> None:
    desk = any_desk
    await desk.press("b")
    await desk.wait_for(Stage.NUMBER_ENTRY)
    numbers = {"insurer": "06139992", "symbol": "12", "number": "3456", "branch": "01"}
    await _type_each(desk, {**numbers, "birthdate": "19900707"})
    await desk.press("f6")  # S would go into the field
    await desk.wait_for(Stage.DECLARATION)
    await _type_each(desk, {"copay": "20", "insurer": "01130012"})


async def test_the_visual_check_form_shows_each_field_as_it_is_typed(any_desk: Desk) -> None:
    desk = any_desk
    await desk.tap("mori-haruka")  # a face-authentication-only card: the PIN is locked
    await desk.wait_for(Stage.PIN_BLOCKED)
    await desk.press("v")
    await _type_each(desk, {"staff": "S001", "card_birthdate": "19510630"})


_MENTIONED = re.compile(r"[［\[]([A-Z][A-Za-z0-9+]*)[］\]]")


def keys_mentioned_and_offered(desk: Desk) -> tuple[set[str], set[str]]:
    """The keys the screen's text names ([D], ［V］…) and those its key bar offers."""
    lines = screen_lines(desk.app)
    bar = lines[-1]
    offered = {
        key for part in bar.split("  ") if part.strip() for key in part.split()[0].split("/")
    }
    text = "\n".join(line.split("│")[0] for line in lines[:-1])  # not the demo panel
    return set(_MENTIONED.findall(text)), offered


async def test_the_visual_check_of_a_face_only_card_offers_the_keys_it_names(
    any_desk: Desk,
) -> None:
    desk = any_desk
    await desk.tap("mori-haruka")  # face authentication only: the PIN is locked
    await desk.wait_for(Stage.PIN_BLOCKED)
    mentioned, offered = keys_mentioned_and_offered(desk)
    assert mentioned == {"D", "V"} and mentioned <= offered
    await desk.press("v")
    mentioned, offered = keys_mentioned_and_offered(desk)
    assert mentioned <= offered and "Esc" in offered, (mentioned, offered)
    await desk.press("escape")  # works with a field focused: the next patient
    await desk.wait_for(Stage.WAITING_FOR_CARD)


async def test_an_expired_certificate_asks_no_pointless_consent(any_desk: Desk) -> None:
    from clinic_desk.services.demo_counter import EXPIRED_CARD

    desk = any_desk
    await desk.tap(EXPIRED_CARD)
    await desk.type_pin()
    await desk.confirm_identity("19800401")
    await desk.wait_for(Stage.SHOWN, Stage.CONSENT)
    assert desk.stage is Stage.SHOWN  # eligibility only: no medication history to agree to
    text = "".join("".join(screen_lines(desk.app)).split())
    said = "薬剤情報は取得していません" if desk.app.lang == "ja" else "nomedicationhistory"
    assert text.count(said) == 1


def _flat_screen(desk: Desk) -> str:
    return "".join("".join(line.split("│")[0] for line in screen_lines(desk.app)).split())


def _next_steps(text: str) -> int:
    return text.count("次の対応") + text.count("Next:")


async def test_coverage_lost_charges_no_share_and_says_its_next_step_once(
    any_desk: Desk,
) -> None:
    desk = any_desk
    ja = desk.app.lang == "ja"
    await desk.tap("kobayashi-sachiko")  # validity 2: the insurance ended
    await desk.type_pin()
    await desk.confirm_identity("19551205")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    text = _flat_screen(desk)
    assert "20%" not in text and "2割" not in text  # the ended record's ratio is not charged
    assert ("本日の負担割合：未確定" if ja else "Sharetoday:notsettled") in text
    assert _next_steps(text) == 1
    assert text.count("被保険者資格申立書" if ja else "self-declaration") == 1
    assert "2026-02-20" in text  # the medication list shows its rows, not an empty frame


async def test_a_confirmed_result_and_a_withheld_one_say_one_next_step(any_desk: Desk) -> None:
    desk = any_desk
    await desk.tap("kato-yuki")  # validity 5: several qualifications match
    await desk.type_pin()
    await desk.wait_for(Stage.WITHHELD)
    text = _flat_screen(desk)
    assert _next_steps(text) == 1
    assert text.count("紙の様式" if desk.app.lang == "ja" else "paperform") == 1
    await desk.press("d")
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity("19800401")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    assert _next_steps(_flat_screen(desk)) == 1


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_no_qualification_found_says_its_next_step_once(lang: str) -> None:
    from tests.results.test_result_screens import ended

    text, _ = await ended("validity-4-on-the-qualification", lang, Stage.PAPER_FORM)  # type: ignore[arg-type]
    flat = "".join(text.split())
    assert _next_steps(flat) == 1
    assert flat.count("被保険者資格申立書" if lang == "ja" else "self-declaration") == 1

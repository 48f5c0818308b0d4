"""The desk with a PIN-pad reader (PC/SC part 10), against the byte-level test reader:
the desk finds the pad, the check-in asks for the PIN on the reader (never on the
keyboard), and the pad's timeout, cancel key and a wrong PIN end in clear words in
both languages; the configuration decides whether a keyboard may stand in."""

from __future__ import annotations

from typing import Any

import pytest

from clinic_desk.app.screens import desk_text
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import Stage
from clinic_desk.config import ReaderConfig
from clinic_desk.patient.view import PatientStage, patient_view
from clinic_desk.patient_app.words import words_for
from clinic_desk.services.card import PinPadPolicy, ReaderCardPort
from clinic_desk.services.pin_pad import PadEntry
from clinic_desk.texts.pinpad import padt
from reader.virtual_card.pin_pad import CANCEL, TIMEOUT, VirtualPinPadReader
from tests.reader.conftest import make_card


def port_for(
    keypad: list[str], *, pad: bool = True, policy: PinPadPolicy = "prefer", card: str = ""
) -> tuple[ReaderCardPort, VirtualPinPadReader]:
    reader = VirtualPinPadReader(make_card(card or "yamada-taro"), keypad, verify_pin_direct=pad)
    return ReaderCardPort(reader, pin_pad=policy), reader


def test_the_desk_finds_the_pad_when_it_reads_the_card() -> None:
    port, _ = port_for([])
    read = port.read_tries()
    assert isinstance(read, ev.CardRead) and read.pin_on_pad and port.pin_on_pad
    keyboard, _ = port_for([], pad=False)
    read = keyboard.read_tries()
    assert isinstance(read, ev.CardRead) and not read.pin_on_pad  # prefer: the keyboard


def test_the_pin_is_typed_on_the_pad_and_the_pc_never_has_it() -> None:
    port, reader = port_for(["1234", "1234"])
    assert isinstance(port.read_tries(), ev.CardRead)
    assert isinstance(port.read_certificate(), ev.CertificateRead)
    unlocked = port.unlock("", False, b"challenge", True)  # the desk passes no PIN
    read = unlocked.identity
    assert isinstance(read, ev.CardIdentityRead) and read.identity.name
    assert isinstance(unlocked.signature, bytes)
    assert len(reader.requests) == 2 and not reader.keypad
    assert b"1234" not in b"".join(reader.apdus_to_card)


@pytest.mark.parametrize(
    ("typed", "code"),
    [(TIMEOUT, "card_pin_pad_timeout"), (CANCEL, "card_pin_pad_cancelled")],
)
def test_the_pads_timeout_and_cancel_key_end_in_clear_words(typed: str, code: str) -> None:
    port, _ = port_for([typed])
    assert isinstance(port.read_tries(), ev.CardRead)
    failed = port.unlock("", False, None, True).identity
    assert isinstance(failed, ev.Failed) and failed.code == code
    view = CheckInMachine().view().model_copy(update={"stage": Stage.ERROR, "error_code": code})
    english = desk_text.prompt(view, "en")
    japanese = desk_text.prompt(view, "ja")
    assert "No try was used" in english and "入力回数は減っていません" in japanese
    assert not any("a" <= c.lower() <= "z" for c in japanese)  # no English on a Japanese desk
    again = port.read_tries()  # nothing was spent
    assert isinstance(again, ev.CardRead) and again.text_pin_tries == 3


def test_a_wrong_pin_on_the_pad_costs_a_try_like_the_keyboard() -> None:
    port, _ = port_for(["9999"])
    assert isinstance(port.read_tries(), ev.CardRead)
    assert port.unlock("", False, None, True).identity == ev.PinRejected(pin="text", tries_left=2)


def test_a_required_pad_refuses_a_reader_without_one_and_off_keeps_the_keyboard() -> None:
    required, _ = port_for([], pad=False, policy="require")
    failed = required.read_tries()
    assert isinstance(failed, ev.Failed) and failed.code == "card_pin_pad_unavailable"
    assert "configuration requires" in desk_text.error_words(failed.code, "en")
    assert "ボタン付き" in desk_text.error_words(failed.code, "ja")
    off, reader = port_for([], policy="off")
    read = off.read_tries()
    assert isinstance(read, ev.CardRead) and not read.pin_on_pad
    assert reader.requests == []
    assert ReaderConfig().pin_pad == "prefer"
    assert ReaderConfig(pin_pad="require").pin_pad == "require"


class _NoGateway:
    async def challenge(self) -> ev.GatewayUnavailable:
        return ev.GatewayUnavailable(reason="test")


class _NoCache:
    def lookup(self, certificate_sha256: str) -> ev.CacheMiss:
        return ev.CacheMiss()

    def audit(self, action: str, detail: str, certificate_sha256: str) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the test store has no {name}")


async def run(
    keypad: list[str], card: str = "yamada-taro", confirm: bool = False
) -> tuple[CheckInRunner, VirtualPinPadReader, list[Stage]]:
    port, reader = port_for(keypad, card=card)
    runner = CheckInRunner(CheckInMachine(), port, _NoGateway(), _NoCache())  # type: ignore[arg-type]
    runner.observers.append(PadEntry(runner).observe)
    views: list[Stage] = []
    runner.on_view = lambda view: views.append(view.stage)
    await runner.dispatch(ev.CardInserted(reader=reader.reader_name))
    await runner.settle()
    if confirm:
        assert runner.view().needs_last_try_confirmation
        assert reader.requests == []  # the pad waits for the receptionist
        await runner.dispatch(ev.LastTryConfirmed())
        await runner.settle()
    runner.close()
    return runner, reader, views


async def test_the_check_in_asks_the_pad_without_a_key_at_the_desk() -> None:
    runner, reader, stages = await run(["1234"])
    assert stages[:3] == [Stage.READING, Stage.PIN_ENTRY, Stage.AUTHENTICATING]
    assert len(reader.requests) == 1  # the card-info PIN, typed on the pad
    assert runner.view().stage is not Stage.ERROR  # the gateway is down: the cache is asked


async def test_a_wrong_pin_asks_the_pad_again_then_a_timeout_stops_plainly() -> None:
    runner, reader, stages = await run(["9999", TIMEOUT])
    assert stages.count(Stage.PIN_ENTRY) == 2 and len(reader.requests) == 2
    view = runner.view()
    assert view.stage is Stage.ERROR and view.error_code == "card_pin_pad_timeout"


async def test_the_last_try_on_the_pad_waits_for_the_receptionist() -> None:
    _, reader, _ = await run(["1234"], card="nakamura-akemi", confirm=True)
    assert len(reader.requests) == 1


def test_the_patient_is_asked_to_type_on_the_reader_in_both_languages() -> None:
    view = (
        CheckInMachine()
        .view()
        .model_copy(update={"stage": Stage.AUTHENTICATING, "pin_on_pad": True, "text_pin_tries": 3})
    )
    shown = patient_view(view)
    assert shown.stage is PatientStage.PIN and shown.on_pad
    assert words_for(shown, "en").prompt == padt("prompt", "en")
    assert "カードリーダーのボタン" in words_for(shown, "ja").prompt
    assert desk_text.prompt(view, "en", on_display=True) == padt("desk.on_display", "en")
    keyboard = view.model_copy(update={"stage": Stage.PIN_ENTRY, "pin_on_pad": False})
    assert not patient_view(keyboard).on_pad

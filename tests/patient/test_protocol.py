"""The line protocol: every message survives a round trip; anything else is one
ProtocolError whose text never repeats what was read."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from clinic_desk.patient import protocol as msg
from clinic_desk.patient.view import PatientStage, PatientView

MESSAGES: list[msg.FromDisplay | msg.FromDesk] = [
    msg.Hello(),
    msg.PinAnswer(seq=3, pin=SecretStr("0123")),
    msg.NameAnswer(seq=4, is_me=False),
    msg.BirthdateAnswer(seq=5, birthdate=date(1931, 12, 31)),
    msg.ConsentAnswer(seq=6, consent=True),
    msg.Goodbye(),
    msg.Welcome(),
    msg.Show(seq=7, view=PatientView(stage=PatientStage.NAME, own_name="髙橋　一郎")),
    msg.Show(seq=8, view=PatientView(stage=PatientStage.NOT_CONFIRMED, reference="K7QM-XR4D")),
    msg.Refused(code=msg.RefusalCode.ALREADY_PAIRED),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_a_round_trip_keeps_every_message(message: msg.FromDisplay | msg.FromDesk) -> None:
    line = msg.encode(message)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    decode = msg.decode_from_desk if isinstance(message, msg.FromDesk) else msg.decode_from_display
    decoded = decode(line)
    assert decoded == message or (
        isinstance(message, msg.PinAnswer)
        and isinstance(decoded, msg.PinAnswer)
        and decoded.pin.get_secret_value() == message.pin.get_secret_value()
    )


def test_a_pin_is_written_only_on_the_wire() -> None:
    answer = msg.PinAnswer(seq=1, pin=SecretStr("2468"))
    assert "2468" not in repr(answer) and "2468" not in str(answer)
    assert b'"pin":"2468"' in msg.encode(answer)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"", "incomplete"),
        (b'{"type":"hello"}', "incomplete"),
        (b"\xc3\x28\n", "not_utf8"),
        (b'{"type":"hello",\r"protocol":1}\n', "not_one_line"),
        (b"{\n", "not_json"),
        (b"[" * 3000 + b"\n", "not_json"),
        (b'{"type":"pin","seq":1,"pin":"98a6"}\n', "not_a_message"),
        ('{"type":"pin","seq":1,"pin":"９８７６"}\n'.encode(), "not_a_message"),
        (b'{"type":"pin","seq":-1,"pin":"9876"}\n', "not_a_message"),
        (b'{"type":"pin","seq":1,"pin":9876}\n', "not_a_message"),
        (b'{"type":"pin","seq":1,"pin":"9876","note":"x"}\n', "not_a_message"),
        (b'{"type":"name","seq":1,"is_me":1}\n', "not_a_message"),
        (b'{"type":"show","seq":1,"view":{"stage":"welcome"}}\n', "not_a_message"),
        (b'{"type":"launch"}\n', "not_a_message"),
        (b"x" * (msg.MAX_LINE + 1) + b"\n", "too_long"),
    ],
)
def test_what_is_not_a_message_is_one_error(line: bytes, code: str) -> None:
    with pytest.raises(msg.ProtocolError) as caught:
        msg.decode_from_display(line)
    assert caught.value.code == code
    assert "98a6" not in str(caught.value) and "9876" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_the_desk_may_not_send_a_display_message_or_more_than_a_patient_view() -> None:
    for line in (
        b'{"type":"hello","protocol":1}\n',
        b'{"type":"show","seq":1,"view":{"stage":"welcome","record":"x"}}\n',
        b'{"type":"show","seq":1,"view":{"stage":"not_confirmed","reference":"not-a-ref"}}\n',
    ):
        with pytest.raises(msg.ProtocolError):
            msg.decode_from_desk(line)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2 * msg.MAX_LINE))
def test_any_bytes_are_a_message_or_one_error(line: bytes) -> None:
    for decode in (msg.decode_from_display, msg.decode_from_desk):
        try:
            decode(line)
        except msg.ProtocolError as exc:
            assert exc.message and exc.code


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\n" not in s))
def test_an_error_never_repeats_what_was_sent(secret: str) -> None:
    import json

    line = json.dumps({"type": "pin", "seq": 1, "pin": secret + "x"}).encode() + b"\n"
    with pytest.raises(msg.ProtocolError) as caught:
        msg.decode_from_display(line)
    said = str(caught.value)
    assert secret + "x" not in said
    assert said in {
        "The message is not one the protocol knows.",
        "The message is not JSON.",
        "The message is not one line.",
    }

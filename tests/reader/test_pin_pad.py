"""PIN pads (PC/SC part 10): discovery, the PIN_VERIFY_STRUCTURE byte for byte, and the
pad's answers as typed errors, against a reader that implements the control codes."""

from __future__ import annotations

import struct
from datetime import date

import pytest

from reader.apdu import JPKI_AID, Response, select_aid, select_ef, verify
from reader.errors import (
    CardError,
    ForbiddenCommand,
    LastTryNeedsConfirmation,
    PinBlocked,
    PinPadCancelled,
    PinPadRefused,
    PinPadTimeout,
    PinPadUnavailable,
    UnexpectedStatus,
    WrongPin,
)
from reader.guard import CommandGuard
from reader.mynumber import MyNumberCard
from reader.pinpad import (
    FEATURE_MODIFY_PIN_DIRECT,
    FEATURE_VERIFY_PIN_DIRECT,
    ON_PIN_PAD,
    PIN_PLACEHOLDER,
    PinPad,
    PinPadEntry,
    parse_features,
    pin_verify_structure,
    raise_for_pad_status,
)
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from reader.virtual_card import VirtualCard
from reader.virtual_card.pin_pad import (
    CANCEL,
    TIMEOUT,
    VirtualPinPadReader,
    decode_pin_verify_structure,
)
from tests.reader.conftest import assert_transcript_clean, make_card

TEMPLATE = verify(PIN_PLACEHOLDER)


def pad_reader(
    keypad: list[str], card: VirtualCard | None = None, **options: bool
) -> VirtualPinPadReader:
    return VirtualPinPadReader(card or make_card(), keypad, **options)


def test_the_structure_for_the_my_number_pin_byte_for_byte() -> None:
    structure = pin_verify_structure(TEMPLATE, PinPadEntry(timeout_seconds=30))
    assert structure.hex(" ").upper() == (
        "1E 00 82 04 00 04 04 02 01 11 04 00 00 00 00 09 00 00 00 00 20 00 80 04 FF FF FF FF"
    )
    request = decode_pin_verify_structure(structure)
    assert request is not None
    assert (request.min_digits, request.max_digits, request.language_id) == (4, 4, 0x0411)
    assert request.apdu == TEMPLATE
    with pytest.raises(ValueError):
        pin_verify_structure(verify(b"12345"))


@pytest.mark.parametrize(
    ("answer", "features"),
    [
        (b"", {}),
        (bytes.fromhex("060442330006"), {FEATURE_VERIFY_PIN_DIRECT: 0x42330006}),
        (
            bytes.fromhex("06044233000607044233000712044233001200"),
            {},  # a trailing byte makes the list malformed: no features, not a guess
        ),
        (
            bytes.fromhex("060442330006070442330007"),
            {FEATURE_VERIFY_PIN_DIRECT: 0x42330006, FEATURE_MODIFY_PIN_DIRECT: 0x42330007},
        ),
        (bytes.fromhex("0602FFFF"), {}),  # a value that is not 4 bytes
        (bytes.fromhex("06"), {}),
        (b"\x06\x04" + b"\x00" * 4 + b"\x01" * 300, {}),  # longer than any feature list
    ],
)
def test_feature_lists(answer: bytes, features: dict[int, int]) -> None:
    assert parse_features(answer) == features


def test_discovery_through_the_control_codes() -> None:
    with pad_reader([]) as reader:
        pad = PinPad(reader)
        assert pad.features() == {FEATURE_VERIFY_PIN_DIRECT: 0x42330006}
        assert pad.can_verify
    with pad_reader([], verify_pin_direct=False) as reader:
        assert not PinPad(reader).can_verify


def test_the_pin_is_verified_on_the_pad_and_never_passes_through() -> None:
    card = make_card()
    reader = pad_reader(["1234", "1234"], card)
    transcript = Transcript()
    with MyNumberCard(reader, transcript) as mynumber:
        assert mynumber.has_pin_pad()
        result = mynumber.full_read(ON_PIN_PAD, b"nonce")
    assert result.four_items.birthdate == date(1980, 4, 1)
    assert len(reader.requests) == 2 and not reader.keypad
    assert all(r.apdu == TEMPLATE for r in reader.requests)
    pad_steps = [e for e in transcript if "on the PIN pad" in e.step]
    assert [e.step for e in pad_steps] == [
        "verify text PIN on the PIN pad",
        "verify auth PIN on the PIN pad",
    ]
    assert all(e.sw == 0x9000 and e.redacted for e in pad_steps)
    assert_transcript_clean(transcript)
    assert b"1234" not in b"".join(reader.apdus_to_card)


@pytest.mark.parametrize(
    ("typed", "error", "tries_after"),
    [
        (TIMEOUT, PinPadTimeout, 3),
        (CANCEL, PinPadCancelled, 3),
        ("9999", WrongPin, 2),
        ("12", PinPadTimeout, 3),  # too short: the pad never takes OK
    ],
)
def test_the_pads_answers_become_typed_errors(
    typed: str, error: type[CardError], tries_after: int
) -> None:
    card = make_card()
    with MyNumberCard(pad_reader([typed], card)) as mynumber, pytest.raises(error) as caught:
        mynumber.sign_challenge(b"n", ON_PIN_PAD)
    assert caught.value.message
    if isinstance(caught.value, WrongPin):
        assert caught.value.tries_left == 2
    assert card.tries_left(bytes.fromhex("D392F000260100000001"), 0x0018) == tries_after


def test_the_last_try_and_a_blocked_pin_behave_as_with_a_keyboard() -> None:
    card = make_card("nakamura-akemi")  # one try left
    reader = pad_reader(["9999"], card)
    with MyNumberCard(reader) as mynumber:
        with pytest.raises(LastTryNeedsConfirmation):
            mynumber.read_basic_four_items(ON_PIN_PAD)
        assert reader.requests == []  # nothing was asked on the pad
        with pytest.raises(PinBlocked):
            mynumber.read_basic_four_items(ON_PIN_PAD, confirm_last_try=True)
        with pytest.raises(PinBlocked):
            mynumber.read_basic_four_items(ON_PIN_PAD, confirm_last_try=True)
    assert len(reader.requests) == 1  # a blocked PIN gets no request at all


def test_a_reader_without_a_pad_says_so() -> None:
    with MyNumberCard(pad_reader([], verify_pin_direct=False)) as mynumber:
        assert not mynumber.has_pin_pad()
        with pytest.raises(PinPadUnavailable):
            mynumber.read_basic_four_items(ON_PIN_PAD)
    with MyNumberCard(InProcessTransport(make_card())) as mynumber:
        assert not mynumber.has_pin_pad()
        with pytest.raises(PinPadUnavailable):
            mynumber.sign_challenge(b"n", ON_PIN_PAD)


def test_a_malformed_structure_is_refused_by_the_reader() -> None:
    reader = pad_reader(["1234"])
    code = reader.control_code(0x330000 + FEATURE_VERIFY_PIN_DIRECT)
    good = pin_verify_structure(TEMPLATE)
    broken = [
        good[:10],  # cut short
        good[:15] + struct.pack("<I", 20) + TEMPLATE,  # ulDataLength disagrees
        good[:2] + b"\x02" + good[3:],  # PIN position in bits
        good[:2] + b"\x81" + good[3:],  # BCD
        good[:3] + b"\x08" + good[4:],  # an 8-byte block in a 4-byte PIN field
        good[:5] + b"\x04\x08" + good[7:],  # minimum (8) above maximum (4)
        good[:7] + b"\x00" + good[8:],  # no condition ends the entry
    ]
    for data in broken:
        assert reader.control(code, data) == b"\x6b\x80", data.hex()
    assert list(reader.keypad) == ["1234"]  # the patient was never asked
    with pytest.raises(PinPadRefused):
        raise_for_pad_status(0x6B80, "auth PIN")


@pytest.mark.parametrize(
    ("sw", "error"),
    [
        (0x6400, PinPadTimeout),
        (0x6401, PinPadCancelled),
        (0x6402, PinPadRefused),
        (0x63C2, WrongPin),
        (0x63C0, PinBlocked),
        (0x6984, PinBlocked),
        (0x6A82, UnexpectedStatus),
    ],
)
def test_status_words_of_the_pad(sw: int, error: type[CardError]) -> None:
    with pytest.raises(error):
        raise_for_pad_status(sw, "auth PIN")
    raise_for_pad_status(0x9000, "auth PIN")


def test_the_guard_lets_the_pad_verify_only_the_desks_pins() -> None:
    ok = Response(b"", 0x9000)
    guard = CommandGuard()
    with pytest.raises(ForbiddenCommand):
        guard.check_pin_pad_verify(TEMPLATE)  # nothing selected
    guard.observe(select_aid(JPKI_AID), ok)
    guard.observe(select_ef(0x0018), ok)
    guard.check_pin_pad_verify(TEMPLATE)
    with pytest.raises(ForbiddenCommand):
        guard.check_pin_pad_verify(verify(b"\xff" * 8))
    guard.observe(select_ef(0x000A), ok)
    with pytest.raises(ForbiddenCommand):
        guard.check_pin_pad_verify(TEMPLATE)

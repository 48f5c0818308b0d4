"""PIN pads: readers that take the PIN on their own keypad (PC/SC part 10), so the PC
never sees it.

The reader's features are discovered with ``SCardControl(CM_IOCTL_GET_FEATURE_REQUEST)``:
it answers a list of TLVs (tag = feature, length 4, value = the control code for it,
big-endian). With ``FEATURE_VERIFY_PIN_DIRECT`` the desk sends a PIN_VERIFY_STRUCTURE
(below) holding the VERIFY APDU without the PIN; the reader asks the patient for the
PIN on its keypad, puts the digits into the APDU, sends it to the card and answers the
card's status word, or its own: ``64 00`` timeout, ``64 01`` cancelled, ``6B 80`` bad
parameters.

PIN_VERIFY_STRUCTURE (packed, multi-byte fields little-endian):

| offset | field | value for a My Number card PIN |
|---|---|---|
| 0 | bTimerOut | seconds to wait for the patient (0: the reader's default) |
| 1 | bTimerOut2 | seconds after the first key (0: the reader's default) |
| 2 | bmFormatString | 0x82: units are bytes, PIN at offset 0 of the data, left-justified, ASCII |
| 3 | bmPINBlockString | 0x04: no PIN length field, a 4-byte PIN block |
| 4 | bmPINLengthFormat | 0x00: no PIN length field |
| 5 | wPINMaxExtraDigit | 0x0404: at least and at most 4 digits |
| 7 | bEntryValidationCondition | 0x02: the patient presses the OK key |
| 8 | bNumberMessage | 0x01: the reader shows its "enter PIN" message |
| 9 | wLangId | 0x0411: Japanese |
| 11 | bMsgIndex | 0x00 |
| 12 | bTeoPrologue[3] | 00 00 00 |
| 15 | ulDataLength | 9 |
| 19 | abData | 00 20 00 80 04 FF FF FF FF (VERIFY with a placeholder PIN block) |
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from reader.errors import (
    CardError,
    PinBlocked,
    PinPadCancelled,
    PinPadRefused,
    PinPadTimeout,
    UnexpectedStatus,
    WrongPin,
)

GET_FEATURE_REQUEST_FUNCTION = 3400  # CM_IOCTL_GET_FEATURE_REQUEST = SCARD_CTL_CODE(3400)

FEATURE_VERIFY_PIN_START = 0x01
FEATURE_VERIFY_PIN_FINISH = 0x02
FEATURE_MODIFY_PIN_START = 0x03
FEATURE_MODIFY_PIN_FINISH = 0x04
FEATURE_GET_KEY_PRESSED = 0x05
FEATURE_VERIFY_PIN_DIRECT = 0x06
FEATURE_MODIFY_PIN_DIRECT = 0x07
FEATURE_IFD_PIN_PROPERTIES = 0x0A
FEATURE_ABORT = 0x0B
FEATURE_GET_TLV_PROPERTIES = 0x12

# What the reader itself answers to a PIN-pad request.
SW_PAD_TIMEOUT = 0x6400
SW_PAD_CANCELLED = 0x6401
SW_PAD_PINS_DIFFER = 0x6402
SW_PAD_BAD_PARAMETERS = 0x6B80

JAPANESE = 0x0411
PIN_DIGITS = 4
PIN_PLACEHOLDER = b"\xff" * PIN_DIGITS  # not digits: never a PIN the card could accept
_MAX_FEATURE_LIST = 256
_HEADER = struct.Struct("<BBBBBHBBHB3sI")  # PIN_VERIFY_STRUCTURE up to abData (19 bytes)

FORMAT_ASCII_BYTES_AT_0 = 0x82
PIN_BLOCK_4_BYTES = 0x04
VALIDATE_ON_OK_KEY = 0x02


@runtime_checkable
class ReaderControl(Protocol):
    """A transport that can send control codes to its reader (``SCardControl``)."""

    @property
    def reader_name(self) -> str: ...

    def control_code(self, function: int) -> int:
        """``SCARD_CTL_CODE(function)`` as this platform's PC/SC defines it."""
        ...

    def control(self, code: int, data: bytes) -> bytes:
        """Send a control command to the reader (the card must be connected)."""
        ...


@dataclass(frozen=True)
class PinPadEntry:
    """Ask for the PIN on the reader's keypad instead of passing it (``MyNumberCard``
    methods take this wherever they take a PIN)."""

    timeout_seconds: int = 30
    language_id: int = JAPANESE

    def __post_init__(self) -> None:
        if not 0 <= self.timeout_seconds <= 255:
            raise ValueError("a PIN-pad timeout is 0..255 seconds")


ON_PIN_PAD = PinPadEntry()


def parse_features(answer: bytes) -> dict[int, int]:
    """The reader's features and their control codes from a GET_FEATURE_REQUEST answer.

    A malformed list is no list: the reader is treated as having no features."""
    features: dict[int, int] = {}
    if len(answer) > _MAX_FEATURE_LIST:
        return {}
    at = 0
    while at < len(answer):
        if at + 2 > len(answer):
            return {}
        tag, length = answer[at], answer[at + 1]
        value = answer[at + 2 : at + 2 + length]
        if length != 4 or len(value) != 4:
            return {}
        features[tag] = int.from_bytes(value, "big")
        at += 2 + length
    return features


def pin_verify_structure(verify_apdu: bytes, entry: PinPadEntry = ON_PIN_PAD) -> bytes:
    """The PIN_VERIFY_STRUCTURE for a 4-digit ASCII PIN in ``verify_apdu``'s data."""
    if len(verify_apdu) != 5 + PIN_DIGITS or verify_apdu[4] != PIN_DIGITS:
        raise ValueError("the VERIFY template must carry a 4-byte PIN block")
    header = _HEADER.pack(
        entry.timeout_seconds,
        0,
        FORMAT_ASCII_BYTES_AT_0,
        PIN_BLOCK_4_BYTES,
        0x00,
        (PIN_DIGITS << 8) | PIN_DIGITS,
        VALIDATE_ON_OK_KEY,
        0x01,
        entry.language_id,
        0x00,
        b"\x00\x00\x00",
        len(verify_apdu),
    )
    return header + verify_apdu


def status_of_pad_answer(answer: bytes) -> int:
    """The status word the reader answered (the card's, or the reader's own)."""
    if len(answer) != 2:
        raise PinPadRefused(f"it answered {len(answer)} bytes instead of a status word")
    return (answer[0] << 8) | answer[1]


def raise_for_pad_status(sw: int, label: str) -> None:
    """Nothing for 90 00; otherwise the typed error for what the pad or the card said."""
    if sw == 0x9000:
        return
    error: CardError
    if sw == SW_PAD_TIMEOUT:
        error = PinPadTimeout()
    elif sw == SW_PAD_CANCELLED:
        error = PinPadCancelled()
    elif sw in (0x6984, 0x63C0):
        error = PinBlocked()
    elif sw >> 4 == 0x63C:
        error = WrongPin(sw & 0x0F)
    elif sw in (SW_PAD_BAD_PARAMETERS, SW_PAD_PINS_DIFFER):
        error = PinPadRefused(f"it answered {sw >> 8:02X} {sw & 0xFF:02X}")
    else:
        error = UnexpectedStatus(sw, f"verifying the {label} on the PIN pad")
    raise error


class PinPad:
    """The PIN pad of the reader behind ``transport`` (found once, then remembered)."""

    def __init__(self, transport: ReaderControl) -> None:
        self.transport = transport
        self._features: dict[int, int] | None = None

    def features(self) -> dict[int, int]:
        """Feature tag → control code, as the reader lists them (empty: none)."""
        if self._features is None:
            code = self.transport.control_code(GET_FEATURE_REQUEST_FUNCTION)
            try:
                answer = self.transport.control(code, b"")
            except CardError:
                answer = b""  # a reader that knows no control codes has no PIN pad
            self._features = parse_features(answer)
        return self._features

    @property
    def can_verify(self) -> bool:
        return FEATURE_VERIFY_PIN_DIRECT in self.features()

    def verify(self, verify_apdu: bytes, entry: PinPadEntry = ON_PIN_PAD) -> int:
        """Have the patient type the PIN for ``verify_apdu`` on the pad; the status word."""
        code = self.features().get(FEATURE_VERIFY_PIN_DIRECT)
        if code is None:
            raise PinPadRefused("it has no FEATURE_VERIFY_PIN_DIRECT")
        return status_of_pad_answer(
            self.transport.control(code, pin_verify_structure(verify_apdu, entry))
        )

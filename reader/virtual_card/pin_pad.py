"""A virtual reader with a PIN pad: PC/SC part 10 byte for byte, around a card emulator.

vpcd cannot emulate a PIN pad (pcscd answers its control codes itself), so the PIN-pad
handling is exercised against this in-process reader instead. It answers
``CM_IOCTL_GET_FEATURE_REQUEST`` with its feature TLVs and takes
``FEATURE_VERIFY_PIN_DIRECT`` requests the way a CCID reader does: it checks the
PIN_VERIFY_STRUCTURE field by field (``6B 80`` when anything is off), waits for its
keypad, inserts the typed digits into the APDU and sends it to the card, answering the
card's status word, or ``64 00`` (timeout) / ``64 01`` (cancel key).
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from reader.errors import CardCommunicationError
from reader.pinpad import FEATURE_VERIFY_PIN_DIRECT, GET_FEATURE_REQUEST_FUNCTION
from reader.transport.in_process import ApduProcessor, InProcessTransport

PCSC_LITE_CONTROL_BASE = 0x42000000  # pcsc-lite's SCARD_CTL_CODE(code) = base + code
TIMEOUT = "timeout"  # the patient typed nothing in time
CANCEL = "cancel"  # the patient pressed the cancel key
_HEADER = struct.Struct("<BBBBBHBBHB3sI")
_CCID_IOCTL_MAGIC = 0x330000
_BAD_PARAMETERS = b"\x6b\x80"


@dataclass(frozen=True)
class PadRequest:
    """One PIN_VERIFY_STRUCTURE the reader received, decoded (for tests and support)."""

    timeout: int
    timeout_after_first_key: int
    format_string: int
    pin_block_string: int
    pin_length_format: int
    min_digits: int
    max_digits: int
    validation: int
    messages: int
    language_id: int
    message_index: int
    prologue: bytes
    apdu: bytes


def decode_pin_verify_structure(data: bytes) -> PadRequest | None:
    """The request in ``data``, or None when it is not a well-formed structure."""
    if len(data) < _HEADER.size:
        return None
    fields = _HEADER.unpack_from(data)
    apdu = data[_HEADER.size :]
    if fields[11] != len(apdu):
        return None
    digits = fields[5]
    return PadRequest(
        timeout=fields[0],
        timeout_after_first_key=fields[1],
        format_string=fields[2],
        pin_block_string=fields[3],
        pin_length_format=fields[4],
        min_digits=digits >> 8,
        max_digits=digits & 0xFF,
        validation=fields[6],
        messages=fields[7],
        language_id=fields[8],
        message_index=fields[9],
        prologue=fields[10],
        apdu=apdu,
    )


class VirtualPinPadReader:
    """A ``CardTransport`` and ``ReaderControl`` with a scripted keypad.

    ``keypad`` holds what the patient does at each PIN request, in order: the digits
    typed (then OK), ``TIMEOUT`` or ``CANCEL``. The digits go to the card only.
    """

    def __init__(
        self,
        card: ApduProcessor,
        keypad: Iterable[str] = (),
        *,
        verify_pin_direct: bool = True,
        reader_name: str = "virtual PIN-pad reader",
    ) -> None:
        self._inner = InProcessTransport(card, reader_name)
        self.keypad: deque[str] = deque(keypad)
        # libccid's codes: SCARD_CTL_CODE(0x330000 + feature)
        verify_code = self.control_code(_CCID_IOCTL_MAGIC + FEATURE_VERIFY_PIN_DIRECT)
        self._features = {FEATURE_VERIFY_PIN_DIRECT: verify_code} if verify_pin_direct else {}
        self.requests: list[PadRequest] = []
        self.apdus_to_card: list[bytes] = []  # the completed VERIFYs, PIN masked

    # --- CardTransport --------------------------------------------------------------------

    @property
    def reader_name(self) -> str:
        return self._inner.reader_name

    def connect(self) -> bytes:
        return self._inner.connect()

    def disconnect(self) -> None:
        self._inner.disconnect()

    def transmit(self, apdu: bytes) -> bytes:
        return self._inner.transmit(apdu)

    def transaction(self) -> AbstractContextManager[None]:
        return self._inner.transaction()

    # --- ReaderControl ----------------------------------------------------------------------

    def control_code(self, function: int) -> int:
        return PCSC_LITE_CONTROL_BASE + function

    def control(self, code: int, data: bytes) -> bytes:
        if code == self.control_code(GET_FEATURE_REQUEST_FUNCTION):
            return b"".join(
                bytes([tag, 4]) + value.to_bytes(4, "big") for tag, value in self._features.items()
            )
        if code == self._features.get(FEATURE_VERIFY_PIN_DIRECT):
            return self._verify_pin_direct(data)
        # pcsc-lite answers SCARD_E_UNSUPPORTED_FEATURE for a code the reader lacks
        raise CardCommunicationError("The card reader does not support this control code.")

    def _verify_pin_direct(self, data: bytes) -> bytes:
        request = decode_pin_verify_structure(data)
        if request is None:
            return _BAD_PARAMETERS
        self.requests.append(request)
        placed = _pin_placement(request)
        if placed is None:
            return _BAD_PARAMETERS
        position, block = placed
        action = self.keypad.popleft() if self.keypad else TIMEOUT
        if action == TIMEOUT:
            return b"\x64\x00"
        if action == CANCEL:
            return b"\x64\x01"
        if not (request.min_digits <= len(action) <= request.max_digits and action.isdigit()):
            return b"\x64\x00"  # the pad does not accept OK before a valid length
        apdu = bytearray(request.apdu)
        start = 5 + position
        apdu[start : start + block] = action.encode("ascii").ljust(block, b"\xff")
        self.apdus_to_card.append(bytes(apdu[:start]) + b"*" * block + bytes(apdu[start + block :]))
        response = self._inner.transmit(bytes(apdu))
        return response[-2:]

    def __enter__(self) -> VirtualPinPadReader:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def __iter__(self) -> Iterator[PadRequest]:
        return iter(self.requests)


def _pin_placement(request: PadRequest) -> tuple[int, int] | None:
    """Where the PIN goes in the APDU's data, as a CCID reader reads the structure:
    (byte offset, block size), or None for parameters it cannot honour."""
    fmt = request.format_string
    units_are_bytes, position, left, kind = fmt >> 7, (fmt >> 3) & 0x0F, not fmt & 0x04, fmt & 3
    block = request.pin_block_string & 0x0F
    apdu = request.apdu
    if not units_are_bytes or not left or kind != 0b10:  # this reader does ASCII in bytes
        return None
    if request.pin_block_string >> 4 or request.pin_length_format:  # no PIN length field
        return None
    if not 1 <= request.min_digits <= request.max_digits <= block or request.validation == 0:
        return None
    if len(apdu) < 5 or apdu[4] != len(apdu) - 5 or position + block > apdu[4]:
        return None
    return position, block

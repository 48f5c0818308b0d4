"""APDUs of the My Number card: the bytes and the status words (the guard: reader.guard).

Short APDUs only (extended length is not portable across readers).
"""

from __future__ import annotations

from typing import NamedTuple

JPKI_AID = bytes.fromhex("D392F000260100000001")
TEXT_AID = bytes.fromhex("D3921000310001010408")
VISUAL_AID = bytes.fromhex("D3921000310001010402")

# JPKI AP files
EF_JPKI_SIGN_CERT = 0x0001
EF_JPKI_SIGN_CA_CERT = 0x0002
EF_JPKI_TOKEN_INFO = 0x0006
EF_JPKI_AUTH_CERT = 0x000A
EF_JPKI_AUTH_CA_CERT = 0x000B
EF_JPKI_AUTH_KEY = 0x0017
EF_JPKI_AUTH_PIN = 0x0018
EF_JPKI_SIGN_KEY = 0x001A
EF_JPKI_SIGN_PIN = 0x001B
# text AP (券面事項入力補助AP) files
EF_TEXT_MY_NUMBER = 0x0001
EF_TEXT_FOUR_ITEMS = 0x0002
EF_TEXT_SIGNATURE = 0x0003
EF_TEXT_PIN = 0x0011

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_PIN_BLOCKED = 0x6984
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_FUNCTION_NOT_SUPPORTED = 0x6A81
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_OFFSET_OUTSIDE_FILE = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00

INS_SELECT = 0xA4
INS_VERIFY = 0x20
INS_READ_BINARY = 0xB0
INS_GET_RESPONSE = 0xC0
INS_COMPUTE_DIGITAL_SIGNATURE = 0x2A

MAX_SHORT_LE = 256

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")


class Response(NamedTuple):
    """A card's answer: the data and the status word."""

    data: bytes
    sw: int

    @classmethod
    def parse(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise ValueError("a response has at least the two status bytes")
        return cls(raw[:-2], (raw[-2] << 8) | raw[-1])

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    @property
    def sw_hex(self) -> str:
        return f"{self.sw:04X}"


def select_aid(aid: bytes) -> bytes:
    """SELECT by DF name, no response data (P2 = 0C)."""
    return bytes([0x00, INS_SELECT, 0x04, 0x0C, len(aid)]) + aid


def select_ef(file_id: int) -> bytes:
    """SELECT EF by file id under the current AP, no response data."""
    return bytes([0x00, INS_SELECT, 0x02, 0x0C, 0x02, file_id >> 8, file_id & 0xFF])


def verify(pin: bytes) -> bytes:
    """VERIFY the PIN of the currently selected PIN EF."""
    return bytes([0x00, INS_VERIFY, 0x00, 0x80, len(pin)]) + pin


def verify_status() -> bytes:
    """VERIFY without data: the card answers the tries left and spends none."""
    return bytes([0x00, INS_VERIFY, 0x00, 0x80])


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of ``length`` (1..256) bytes at a 15-bit ``offset``."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError("READ BINARY offset must fit in 15 bits")
    if not 1 <= length <= MAX_SHORT_LE:
        raise ValueError("READ BINARY length must be 1..256")
    return bytes([0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, length & 0xFF])


def get_response(length: int) -> bytes:
    return bytes([0x00, INS_GET_RESPONSE, 0x00, 0x00, length & 0xFF])


def compute_digital_signature(digest_info: bytes) -> bytes:
    """COMPUTE DIGITAL SIGNATURE over a caller-built DigestInfo (Le = 256)."""
    if not 1 <= len(digest_info) <= 255:
        raise ValueError("the DigestInfo must be 1..255 bytes")
    return bytes([0x80, INS_COMPUTE_DIGITAL_SIGNATURE, 0x00, 0x80, len(digest_info)]) + (
        digest_info + b"\x00"
    )


def is_verify_with_data(command: bytes) -> bool:
    """True for a VERIFY that carries a PIN (its data must never be recorded)."""
    return len(command) > 5 and command[1] == INS_VERIFY

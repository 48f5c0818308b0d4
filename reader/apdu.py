"""APDUs of the My Number card: the bytes, the status words, and the file guard.

Short APDUs only (extended length is not portable across readers).
"""

from __future__ import annotations

from typing import NamedTuple

from reader.errors import ForbiddenFile

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


# --- the guard --------------------------------------------------------------------------

# Files the desk must never reach, per application. The individual number (text AP
# 0001) and its signature file (0003 holds a hash of the number) are never selected;
# the JPKI signing side (0001/0002 certificates with name, birthdate and address,
# 001A/001B key and password) is not for a clinic.
_FORBIDDEN: dict[bytes, dict[int, str]] = {
    TEXT_AID: {
        EF_TEXT_MY_NUMBER: "the individual-number file (text AP EF 0001)",
        EF_TEXT_SIGNATURE: "the individual-number signature file (text AP EF 0003)",
    },
    JPKI_AID: {
        EF_JPKI_SIGN_CERT: "the signing certificate (JPKI EF 0001)",
        EF_JPKI_SIGN_CA_CERT: "the signing CA certificate (JPKI EF 0002)",
        EF_JPKI_SIGN_KEY: "the signing key (JPKI EF 001A)",
        EF_JPKI_SIGN_PIN: "the signing password (JPKI EF 001B)",
    },
}
# Until an application is known, refuse every id that is forbidden in any of them.
_FORBIDDEN_ANYWHERE = {fid: what for files in _FORBIDDEN.values() for fid, what in files.items()}


class FileGuard:
    """Tracks the selected application and refuses commands that reach forbidden files.

    It sits in the APDU layer so that no caller, however it builds its commands, can
    select the individual-number EF or the signing side of the card.
    """

    def __init__(self) -> None:
        self.application: bytes | None = None

    def reset(self) -> None:
        """Forget the selected application (after a reconnect or a card reset)."""
        self.application = None

    def check(self, command: bytes) -> None:
        """Raise ForbiddenFile if ``command`` must not be sent."""
        if len(command) < 4:
            return
        ins, p1 = command[1], command[2]
        if ins == INS_SELECT:
            self._check_select(command)
        elif ins in (INS_READ_BINARY, 0xB1, 0xD6, 0xD0) and p1 & 0x80:
            # A short EF identifier in P1 reaches a file without selecting it.
            raise ForbiddenFile("a file by short identifier (READ/UPDATE BINARY with SFI)")

    def _check_select(self, command: bytes) -> None:
        p1 = command[2]
        data = command[5 : 5 + command[4]] if len(command) > 5 else b""
        if p1 == 0x04:
            return
        if p1 in (0x00, 0x02) and len(data) == 2:
            file_id = int.from_bytes(data, "big")
            table = (
                _FORBIDDEN.get(self.application, {})
                if self.application in (TEXT_AID, JPKI_AID)
                else _FORBIDDEN_ANYWHERE
            )
            if file_id in table:
                raise ForbiddenFile(table[file_id])
            return
        # Select by path or by parent/child: could reach anything, so never.
        raise ForbiddenFile("a file selected by path")

    def observe(self, command: bytes, response: Response) -> None:
        """Follow successful application selections."""
        if len(command) > 5 and command[1] == INS_SELECT and command[2] == 0x04:
            aid = bytes(command[5 : 5 + command[4]])
            self.application = aid if response.ok else None

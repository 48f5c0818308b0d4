"""The card guard: only the commands and files a check-in needs reach the card.

It sits in the APDU layer, so no caller, however it builds its commands, can reach
the individual number, the signing side of the card, or anything else the desk does
not use. It is an allow-list, not a list of known-bad files: a command passes only
when it is one of these, in exactly the form the desk sends it.

- SELECT by AID (``00 A4 04 0C 0A <AID>``) of the JPKI AP or the text AP;
- SELECT EF (``00 A4 02 0C 02 <FID>``) of JPKI 000A (auth certificate), 0018 (auth
  PIN), 0017 (auth key), or text AP 0011 (PIN), 0002 (four items);
- VERIFY with a 4-digit PIN (``00 20 00 80 04 …``) and the tries-left query
  (``00 20 00 80``), when the selected EF is one of those two PINs;
- READ BINARY (``00 B0 P1 P2 Le``, P1 bit 8 clear: no short file id) of the selected
  auth certificate or four items;
- COMPUTE DIGITAL SIGNATURE (``80 2A 00 80 Lc <DigestInfo> 00``) with the selected
  auth key;
- GET RESPONSE (``00 C0 00 00 Le``) right after the card answered ``61 xx``.

Everything else is refused before a byte is sent: READ BINARY with a short file id
(`00 B1 …`, `00 B0 8x …`), READ RECORD, GET DATA, SEARCH BINARY, UPDATE/WRITE,
SELECT by path or of the MF, the visual AP, the individual-number EF and its
signature file, the signing certificate, key and password, and any other class byte.
"""

from __future__ import annotations

from reader.apdu import (
    EF_JPKI_AUTH_CERT,
    EF_JPKI_AUTH_KEY,
    EF_JPKI_AUTH_PIN,
    EF_TEXT_FOUR_ITEMS,
    EF_TEXT_MY_NUMBER,
    EF_TEXT_PIN,
    EF_TEXT_SIGNATURE,
    INS_COMPUTE_DIGITAL_SIGNATURE,
    INS_GET_RESPONSE,
    INS_READ_BINARY,
    INS_SELECT,
    INS_VERIFY,
    JPKI_AID,
    TEXT_AID,
    Response,
)
from reader.errors import ForbiddenCommand, ForbiddenFile

# The files the desk selects, per application, and what each one is for.
PIN_FILES = {JPKI_AID: {EF_JPKI_AUTH_PIN}, TEXT_AID: {EF_TEXT_PIN}}
READABLE_FILES = {JPKI_AID: {EF_JPKI_AUTH_CERT}, TEXT_AID: {EF_TEXT_FOUR_ITEMS}}
KEY_FILES = {JPKI_AID: {EF_JPKI_AUTH_KEY}, TEXT_AID: set[int]()}
ALLOWED_FILES = {
    aid: PIN_FILES[aid] | READABLE_FILES[aid] | KEY_FILES[aid] for aid in (JPKI_AID, TEXT_AID)
}

# Said by name when refused: the files the desk must never reach.
_NEVER: dict[bytes, dict[int, str]] = {
    TEXT_AID: {
        EF_TEXT_MY_NUMBER: "the individual-number file (text AP EF 0001)",
        EF_TEXT_SIGNATURE: "the individual-number signature file (text AP EF 0003)",
    },
    JPKI_AID: {
        0x0001: "the signing certificate (JPKI EF 0001)",
        0x0002: "the signing CA certificate (JPKI EF 0002)",
        0x001A: "the signing key (JPKI EF 001A)",
        0x001B: "the signing password (JPKI EF 001B)",
    },
}
_PIN_LENGTH = 4
_MAX_DIGEST_INFO = 255


class CommandGuard:
    """Follows the selected application and EF and refuses every command off the list."""

    def __init__(self) -> None:
        self.application: bytes | None = None
        self.file: int | None = None
        self._response_waiting = False

    def reset(self) -> None:
        """Forget the selection (after a reconnect, a card reset or a new transaction)."""
        self.application = None
        self.file = None
        self._response_waiting = False

    def check(self, command: bytes) -> None:
        """Raise ``ForbiddenCommand`` (``ForbiddenFile`` for a file) unless allowed."""
        if len(command) < 4:
            raise ForbiddenCommand("a command shorter than its header")
        cla, ins, p1, p2 = command[:4]
        if cla == 0x00 and ins == INS_SELECT:
            self._check_select(command)
        elif cla == 0x00 and ins == INS_VERIFY:
            self._check_verify(command)
        elif cla == 0x00 and ins == INS_READ_BINARY:
            self._check_read_binary(command)
        elif cla == 0x80 and ins == INS_COMPUTE_DIGITAL_SIGNATURE:
            self._check_signature(command)
        elif cla == 0x00 and ins == INS_GET_RESPONSE:
            if (p1, p2) != (0, 0) or len(command) != 5 or not self._response_waiting:
                raise ForbiddenCommand("a GET RESPONSE the card did not offer")
        else:
            raise ForbiddenCommand(f"CLA {cla:02X} INS {ins:02X}, which a check-in never sends")

    def check_pin_pad_verify(self, command: bytes) -> None:
        """The VERIFY a PIN pad completes: the same rules, with a placeholder PIN block."""
        if command[:4] != bytes([0x00, INS_VERIFY, 0x00, 0x80]) or len(command) != 9:
            raise ForbiddenCommand("a PIN-pad VERIFY of another form")
        if command[4] != _PIN_LENGTH or not self._selected_in(PIN_FILES):
            raise ForbiddenCommand("a VERIFY of a PIN the desk does not use")

    def observe(self, command: bytes, response: Response) -> None:
        """Follow what the card selected, and whether it holds an answer back (61 xx)."""
        self._response_waiting = response.sw >> 8 == 0x61
        if len(command) < 5 or command[:2] != bytes([0x00, INS_SELECT]):
            return
        data = bytes(command[5 : 5 + command[4]])
        if command[2] == 0x04:
            self.application = data if response.ok else None
            self.file = None
        else:
            self.file = int.from_bytes(data, "big") if response.ok else None

    # --- the commands ---------------------------------------------------------------------

    def _check_select(self, command: bytes) -> None:
        p1, p2 = command[2], command[3]
        data = _data_without_le(command)
        if p1 == 0x04:
            if p2 == 0x0C and data in ALLOWED_FILES:
                return
            raise ForbiddenCommand("an application the desk does not use, or in another form")
        if p1 == 0x02 and p2 == 0x0C and data is not None and len(data) == 2:
            file_id = int.from_bytes(data, "big")
            if self.application in ALLOWED_FILES and file_id in ALLOWED_FILES[self.application]:
                return
            raise ForbiddenFile(self._describe(file_id))
        raise ForbiddenFile("a file selected by path, by parent or with its control information")

    def _check_verify(self, command: bytes) -> None:
        if command[2:4] != b"\x00\x80":
            raise ForbiddenCommand("a VERIFY of a PIN the desk does not use")
        if len(command) != 4:
            data = _data_without_le(command)
            if data is None or len(data) != _PIN_LENGTH or not data.isdigit():
                raise ForbiddenCommand("a VERIFY that is not a 4-digit PIN")
        if not self._selected_in(PIN_FILES):
            raise ForbiddenCommand("a VERIFY of a PIN the desk does not use")

    def _check_read_binary(self, command: bytes) -> None:
        if command[2] & 0x80:
            # A short EF identifier in P1 reaches a file without a SELECT the guard sees.
            raise ForbiddenFile("a file by short identifier (READ BINARY with SFI)")
        if len(command) != 5:
            raise ForbiddenCommand("a READ BINARY with command data")
        if not self._selected_in(READABLE_FILES):
            raise ForbiddenFile("a file the desk does not read")

    def _check_signature(self, command: bytes) -> None:
        if command[2:4] != b"\x00\x80":
            raise ForbiddenCommand("a signature with another key or algorithm")
        lc = command[4] if len(command) > 5 else 0
        if not 1 <= lc <= _MAX_DIGEST_INFO or len(command) != 6 + lc or command[-1] != 0:
            raise ForbiddenCommand("a signature command of another form")
        if not self._selected_in(KEY_FILES):
            raise ForbiddenFile("a key other than the user-authentication key")

    # --- helpers ----------------------------------------------------------------------------

    def _selected_in(self, files: dict[bytes, set[int]]) -> bool:
        return (
            self.application in files
            and self.file is not None
            and self.file in files[self.application]
        )

    def _describe(self, file_id: int) -> str:
        if self.application in _NEVER:
            known = _NEVER[self.application]
            if file_id in known:
                return known[file_id]
        else:
            for files in _NEVER.values():
                if file_id in files:
                    return files[file_id]
        return f"EF {file_id:04X}, which a check-in does not use"


def _data_without_le(command: bytes) -> bytes | None:
    """The command data of a case-3 APDU (header, Lc, data: no Le); None otherwise."""
    if len(command) < 6:
        return None
    lc = command[4]
    if lc == 0 or len(command) != 5 + lc:
        return None
    return bytes(command[5:])

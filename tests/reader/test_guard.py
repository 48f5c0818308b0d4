"""The card guard is an allow-list: one table of APDUs that pass, one that never do.

Each row gives the selection the guard has followed (application, EF), the command,
and whether it passes. Refused commands raise ``ForbiddenCommand`` (``ForbiddenFile``
when they would reach a file) before anything is sent to the card.
"""

from __future__ import annotations

import pytest

from reader.apdu import (
    JPKI_AID,
    TEXT_AID,
    VISUAL_AID,
    Response,
    compute_digital_signature,
    read_binary,
    select_aid,
    select_ef,
    verify,
    verify_status,
)
from reader.errors import ForbiddenCommand, ForbiddenFile
from reader.guard import CommandGuard
from reader.mynumber import MyNumberCard, sha256_digest_info
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from tests.reader.conftest import make_card

OK = Response(b"", 0x9000)
MORE = Response(b"\x00" * 16, 0x6110)
H = bytes.fromhex
JPKI, TEXT = JPKI_AID, TEXT_AID
SIGN = compute_digital_signature(sha256_digest_info(b"nonce"))

# (application, selected EF, command, why it is needed)
ALLOWED = [
    (None, None, select_aid(JPKI_AID), "select the JPKI AP"),
    (None, None, select_aid(TEXT_AID), "select the text AP"),
    (TEXT, None, select_aid(JPKI_AID), "switch application"),
    (JPKI, None, select_ef(0x000A), "select the auth certificate"),
    (JPKI, None, select_ef(0x0018), "select the auth PIN"),
    (JPKI, 0x0018, select_ef(0x0017), "select the auth key"),
    (TEXT, None, select_ef(0x0011), "select the text-AP PIN"),
    (TEXT, 0x0011, select_ef(0x0002), "select the four items"),
    (JPKI, 0x0018, verify_status(), "auth PIN tries left"),
    (TEXT, 0x0011, verify_status(), "text PIN tries left"),
    (JPKI, 0x0018, verify(b"1234"), "verify the auth PIN"),
    (TEXT, 0x0011, verify(b"0000"), "verify the text PIN"),
    (JPKI, 0x000A, read_binary(0, 256), "read the certificate's first block"),
    (JPKI, 0x000A, read_binary(0x0300, 170), "read a later block"),
    (JPKI, 0x000A, read_binary(0x7F00, 1), "read near the 15-bit limit"),
    (TEXT, 0x0002, read_binary(0, 256), "read the four items"),
    (JPKI, 0x0017, SIGN, "the auth-key signature"),
]

# (application, selected EF, command, what it would do)
REFUSED = [
    # reaching a file without a SELECT the guard can follow
    (JPKI, 0x000A, H("00B0810000"), "READ BINARY, SFI 1 in P1"),
    (JPKI, 0x000A, H("00B08A0000"), "READ BINARY, SFI 10 in P1"),
    (TEXT, 0x0002, H("00B0810000"), "READ BINARY of the individual number by SFI"),
    (JPKI, 0x000A, H("00B1000004540200000000"), "READ BINARY odd INS"),
    (JPKI, 0x000A, H("00B1010000"), "READ BINARY odd INS, short form"),
    (TEXT, 0x0002, H("00B2010C00"), "READ RECORD"),
    (TEXT, 0x0002, H("00B2010400"), "READ RECORD by SFI"),
    (JPKI, None, H("00CA010100"), "GET DATA"),
    (JPKI, None, H("00CB3FFF045C02DF2100"), "GET DATA odd INS"),
    (TEXT, 0x0002, H("00A0000004DF230100"), "SEARCH BINARY"),
    (TEXT, 0x0002, H("00A1000004DF230100"), "SEARCH BINARY odd INS"),
    (TEXT, 0x0002, H("00D6000001FF"), "UPDATE BINARY"),
    (TEXT, 0x0002, H("00D0000001FF"), "WRITE BINARY"),
    (TEXT, 0x0002, H("00DC010401FF"), "UPDATE RECORD"),
    (JPKI, 0x0017, H("0088000004000000000000"), "INTERNAL AUTHENTICATE"),
    (JPKI, None, H("0084000008"), "GET CHALLENGE"),
    (JPKI, 0x0018, H("002C000000"), "RESET RETRY COUNTER"),
    (JPKI, 0x0018, H("00240080083132333435363738"), "CHANGE REFERENCE DATA"),
    (JPKI, None, H("00E4020C020001"), "DELETE FILE"),
    (JPKI, None, H("0070000000"), "MANAGE CHANNEL"),
    (JPKI, 0x000A, H("0CB0000000"), "secure messaging class"),
    (JPKI, 0x000A, H("10B0000000"), "command chaining class"),
    (JPKI, 0x000A, H("80B0000000"), "proprietary class READ BINARY"),
    (JPKI, 0x000A, H("01B0000000"), "logical channel 1"),
    # the individual number and the text AP's other files
    (TEXT, 0x0011, select_ef(0x0001), "the individual number"),
    (TEXT, 0x0011, select_ef(0x0003), "the individual number's signature file"),
    (TEXT, None, H("00A4020C020001"), "the individual number, before the PIN"),
    (None, None, select_ef(0x0001), "EF 0001 before any application"),
    (None, None, select_ef(0x0002), "EF 0002 before any application"),
    (None, None, select_ef(0x000A), "the certificate before any application"),
    (TEXT, 0x0011, select_ef(0x000A), "a JPKI file id in the text AP"),
    # the signing side and the JPKI files a check-in does not use
    (JPKI, None, select_ef(0x0001), "the signing certificate"),
    (JPKI, None, select_ef(0x0002), "the signing CA certificate"),
    (JPKI, None, select_ef(0x001A), "the signing key"),
    (JPKI, None, select_ef(0x001B), "the signing password"),
    (JPKI, None, select_ef(0x000B), "the auth CA certificate"),
    (JPKI, None, select_ef(0x0006), "the token info"),
    (JPKI, None, select_ef(0x0011), "a text-AP file id in JPKI"),
    # other ways of selecting
    (None, None, select_aid(VISUAL_AID), "the visual AP"),
    (None, None, select_aid(bytes.fromhex("A0000000030000")), "another application"),
    (None, None, H("00A40400"), "SELECT of the default application"),
    (None, None, H("00A4000C023F00"), "the MF by id"),
    (None, None, H("00A4000000"), "SELECT with no data"),
    (JPKI, None, H("00A4080C04D0010001"), "by path from the MF"),
    (JPKI, None, H("00A4090C020001"), "by path from the current DF"),
    (JPKI, None, H("00A4010C020001"), "a child DF"),
    (JPKI, None, H("00A40300"), "the parent DF"),
    (JPKI, None, H("00A4020002000A00"), "with FCI returned"),
    (JPKI, None, H("00A4020C02000A00"), "with an Le"),
    (None, None, H("00A4040C0AD392F000260100000001FF"), "an AID with a trailing byte"),
    # VERIFY of other PINs, or of other forms
    (JPKI, None, verify(b"1234"), "VERIFY with nothing selected"),
    (JPKI, 0x000A, verify_status(), "tries left of a certificate"),
    (JPKI, 0x001B, verify(b"SIGNPASS1"), "the signing password"),
    (JPKI, 0x0018, H("0020008106313233343536"), "VERIFY of another reference"),
    (JPKI, 0x0018, H("00200000"), "VERIFY P2 00"),
    (JPKI, 0x0018, verify(b"12345"), "a five-character PIN"),
    (JPKI, 0x0018, verify(b"12a4"), "a PIN that is not digits"),
    (JPKI, 0x0018, H("002000800431323334"[:-2]), "a VERIFY shorter than its Lc"),
    # READ BINARY of what the desk never reads
    (JPKI, None, read_binary(0, 256), "READ BINARY with no EF selected"),
    (JPKI, 0x0018, read_binary(0, 16), "READ BINARY of a PIN"),
    (JPKI, 0x0017, read_binary(0, 16), "READ BINARY of the key"),
    (None, None, read_binary(0, 16), "READ BINARY before any application"),
    (JPKI, 0x000A, H("00B000000100"), "READ BINARY with command data"),
    # signatures with something else
    (JPKI, 0x0018, SIGN, "a signature with no key selected"),
    (JPKI, 0x001A, SIGN, "the signing key"),
    (JPKI, 0x0017, SIGN[:-1], "a signature without Le"),
    (JPKI, 0x0017, H("802A9E9A0431323334"), "PSO: COMPUTE DIGITAL SIGNATURE P1P2 9E9A"),
    (JPKI, 0x0017, H("002A00800431323334"), "the signature with class 00"),
    # GET RESPONSE nobody offered, and short commands
    (JPKI, 0x000A, H("00C0000010"), "GET RESPONSE without a 61 xx"),
    (JPKI, 0x000A, b"", "nothing"),
    (JPKI, 0x000A, H("00B000"), "a command shorter than its header"),
]


def guard_at(application: bytes | None, file_id: int | None) -> CommandGuard:
    guard = CommandGuard()
    if application is not None:
        guard.observe(select_aid(application), OK)
    if file_id is not None:
        guard.observe(select_ef(file_id), OK)
    return guard


@pytest.mark.parametrize(
    ("application", "file_id", "command", "why"), ALLOWED, ids=[r[3] for r in ALLOWED]
)
def test_what_a_check_in_needs_passes(
    application: bytes | None, file_id: int | None, command: bytes, why: str
) -> None:
    guard_at(application, file_id).check(command)


@pytest.mark.parametrize(
    ("application", "file_id", "command", "what"), REFUSED, ids=[r[3] for r in REFUSED]
)
def test_everything_else_is_refused(
    application: bytes | None, file_id: int | None, command: bytes, what: str
) -> None:
    with pytest.raises(ForbiddenCommand) as caught:
        guard_at(application, file_id).check(command)
    assert caught.value.message.startswith("Refused to send a command")


def test_the_individual_number_is_named_when_refused() -> None:
    with pytest.raises(ForbiddenFile) as caught:
        guard_at(TEXT, 0x0011).check(select_ef(0x0001))
    assert "individual-number file" in caught.value.message
    with pytest.raises(ForbiddenFile) as caught:
        guard_at(None, None).check(select_ef(0x001A))
    assert "signing key" in caught.value.message


def test_get_response_passes_only_right_after_61xx() -> None:
    guard = guard_at(JPKI, 0x0017)
    guard.observe(SIGN, MORE)
    guard.check(bytes.fromhex("00C0000000"))
    guard.observe(bytes.fromhex("00C0000000"), OK)
    with pytest.raises(ForbiddenCommand):
        guard.check(bytes.fromhex("00C0000000"))


def test_a_failed_select_leaves_nothing_selected() -> None:
    guard = guard_at(JPKI, 0x000A)
    guard.observe(select_ef(0x0018), Response(b"", 0x6A82))
    with pytest.raises(ForbiddenFile):
        guard.check(read_binary(0, 16))  # not even the certificate selected before
    guard.observe(select_aid(TEXT_AID), Response(b"", 0x6A82))
    assert guard.application is None
    with pytest.raises(ForbiddenFile):
        guard.check(select_ef(0x0002))


def test_reset_forgets_the_selection() -> None:
    guard = guard_at(JPKI, 0x000A)
    guard.reset()
    with pytest.raises(ForbiddenFile):
        guard.check(read_binary(0, 16))


def test_every_flow_of_the_desk_passes_the_guard_end_to_end() -> None:
    """The protocol's own commands, for every shipped card kind, are all allowed."""
    for name in ("yamada-taro", "long-address", "nakamura-akemi"):
        virtual = make_card(name)
        transcript = Transcript()
        with MyNumberCard(InProcessTransport(virtual), transcript) as card:
            card.identify()
            card.text_pin_tries_left()
            card.auth_pin_tries_left()
            card.full_read("1234", b"nonce", confirm_last_try=True)
        refused_before_sending = virtual.apdu_count - len(transcript)
        assert refused_before_sending == 0
        assert {e.command[1] for e in transcript} <= {0xA4, 0x20, 0xB0, 0x2A, 0xC0}

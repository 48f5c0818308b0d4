"""A virtual My Number card: the APs, their files, PIN objects and the on-card signature.

It answers APDUs the way a card does, keeps its PIN counters for as long as the
object lives (across connections and resets, as a real card keeps them across
power-offs) and can misbehave as its profile's ``faults`` ask.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.hazmat.primitives.serialization import Encoding

from reader.apdu import (
    EF_JPKI_AUTH_CA_CERT,
    EF_JPKI_AUTH_CERT,
    EF_JPKI_AUTH_KEY,
    EF_JPKI_AUTH_PIN,
    EF_JPKI_SIGN_CA_CERT,
    EF_JPKI_SIGN_CERT,
    EF_JPKI_SIGN_KEY,
    EF_JPKI_SIGN_PIN,
    EF_JPKI_TOKEN_INFO,
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
    MAX_SHORT_LE,
    SW_CLA_NOT_SUPPORTED,
    SW_CONDITIONS_NOT_SATISFIED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_FUNCTION_NOT_SUPPORTED,
    SW_INS_NOT_SUPPORTED,
    SW_OFFSET_OUTSIDE_FILE,
    SW_OK,
    SW_PIN_BLOCKED,
    SW_SECURITY_NOT_SATISFIED,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    TEXT_AID,
    VISUAL_AID,
)
from reader.errors import CardLeftField as CardLeftField  # where the desk imports it from
from reader.virtual_card import files
from reader.virtual_card.keys import KeyStore
from reader.virtual_card.pki import CardCredentials, card_credentials, fixture_ca, pkcs1_sign
from reader.virtual_card.profile import CardProfile


@dataclass
class PinObject:
    secret: bytes
    max_tries: int
    tries_left: int

    @property
    def blocked(self) -> bool:
        return self.tries_left <= 0


@dataclass(frozen=True)
class BinaryFile:
    content: bytes
    pin: int | None = None  # the PIN EF that must be verified before reading


@dataclass(frozen=True)
class KeyFile:
    pin: int


@dataclass
class _Session:
    """What a reset or power-off clears."""

    application: bytes | None = None
    current: int | None = None
    verified: set[int] = field(default_factory=set)
    pending: bytes = b""


def _sw(sw: int, data: bytes = b"") -> bytes:
    return data + bytes([sw >> 8, sw & 0xFF])


class VirtualCard:
    """One virtual card made from a ``CardProfile``."""

    def __init__(
        self,
        profile: CardProfile,
        keys: KeyStore | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``keys`` supplies the card's RSA key (shipped test keys, a store on disk);
        without it the key is derived on first use (about half a second). ``sleep``
        spends the profile's modelled latencies (tests pass one that only records)."""
        self.profile = profile
        self.keys = keys
        self.timing = profile.card_timing
        self._sleep = sleep
        self.faults = profile.faults
        pins = profile.pins
        # PIN objects, per application; they persist for the life of this object.
        self.pins: dict[tuple[bytes, int], PinObject] = {
            (TEXT_AID, EF_TEXT_PIN): PinObject(pins.text_pin.encode(), 3, pins.text_pin_tries),
            (JPKI_AID, EF_JPKI_AUTH_PIN): PinObject(pins.auth_pin.encode(), 3, pins.auth_pin_tries),
            (JPKI_AID, EF_JPKI_SIGN_PIN): PinObject(
                pins.signing_password.encode(), 5, pins.signing_password_tries
            ),
        }
        self._session = _Session()
        self._lock = threading.RLock()
        self.apdu_count = 0
        self._removed = False
        self._removal_armed = self.faults.remove_after_apdus is not None
        self._files = self._build_files()

    # --- the card's contents ----------------------------------------------------------

    @cached_property
    def credentials(self) -> CardCredentials:
        """The user-authentication key and certificate."""
        p = self.profile
        return card_credentials(
            p.seed, p.certificate_not_before, p.certificate_not_after, self.keys
        )

    @cached_property
    def signing_credentials(self) -> CardCredentials:
        """The signing key and certificate: made only if something reaches them."""
        p = self.profile
        return card_credentials(
            f"{p.seed}:signing", p.certificate_not_before, p.certificate_not_after, self.keys
        )

    @property
    def atr(self) -> bytes:
        return self.profile.atr_bytes

    @property
    def four_items_object(self) -> bytes:
        p = self.profile
        return files.encode_four_items(p.name, p.address, p.birthdate, p.sex)

    @property
    def individual_number(self) -> str:
        return files.individual_number(self.profile.seed)

    def _build_files(self) -> dict[bytes, dict[int, object]]:
        four_items = self.four_items_object
        if self.faults.malformed_four_items:
            four_items = files.malformed_four_items(four_items)
        ca_der = fixture_ca(self.keys).certificate.public_bytes(Encoding.DER)
        auth_der = self.credentials.certificate_der
        if self.faults.truncated_certificate:
            auth_der = auth_der[: len(auth_der) // 2]
        content: dict[bytes, dict[int, object]] = {
            TEXT_AID: {
                EF_TEXT_PIN: self.pins[(TEXT_AID, EF_TEXT_PIN)],
                EF_TEXT_MY_NUMBER: BinaryFile(
                    files.encode_tlv_number(self.individual_number), pin=EF_TEXT_PIN
                ),
                EF_TEXT_FOUR_ITEMS: BinaryFile(files.four_items_file(four_items), pin=EF_TEXT_PIN),
                EF_TEXT_SIGNATURE: BinaryFile(
                    files.text_ap_signature(self.profile.seed, four_items), pin=EF_TEXT_PIN
                ),
            },
            JPKI_AID: {
                EF_JPKI_TOKEN_INFO: BinaryFile(files.token_info()),
                EF_JPKI_AUTH_CERT: BinaryFile(auth_der),
                EF_JPKI_AUTH_CA_CERT: BinaryFile(ca_der),
                EF_JPKI_AUTH_KEY: KeyFile(pin=EF_JPKI_AUTH_PIN),
                EF_JPKI_AUTH_PIN: self.pins[(JPKI_AID, EF_JPKI_AUTH_PIN)],
                EF_JPKI_SIGN_CERT: _LazySigningCertificate(self),
                EF_JPKI_SIGN_CA_CERT: BinaryFile(ca_der),
                EF_JPKI_SIGN_KEY: KeyFile(pin=EF_JPKI_SIGN_PIN),
                EF_JPKI_SIGN_PIN: self.pins[(JPKI_AID, EF_JPKI_SIGN_PIN)],
            },
            VISUAL_AID: {},
        }
        for missing in self.faults.missing_files:
            ap_name, _, fid = missing.partition(":")
            aid = {"text": TEXT_AID, "jpki": JPKI_AID, "visual": VISUAL_AID}[ap_name.lower()]
            content[aid].pop(int(fid, 16), None)
        return content

    # --- presence -----------------------------------------------------------------------

    @property
    def present(self) -> bool:
        return not self._removed

    def remove(self) -> None:
        """Take the card out of the reader (the next exchange fails)."""
        with self._lock:
            self._removed = True
            self._session = _Session()

    def reinsert(self) -> None:
        """Put the card back; a removal fault does not fire again."""
        with self._lock:
            self._removed = False
            self._removal_armed = False
            self._session = _Session()

    def reset(self) -> None:
        """Power cycle: selections and verified PINs are cleared, counters are kept."""
        with self._lock:
            if self._removed:
                raise CardLeftField
            self._session = _Session()

    def tries_left(self, application: bytes, pin_file: int) -> int:
        return self.pins[(application, pin_file)].tries_left

    # --- APDUs ----------------------------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        """Answer one command APDU with response data and SW1 SW2."""
        with self._lock:
            if self._removed:
                raise CardLeftField
            self.apdu_count += 1
            limit = self.faults.remove_after_apdus
            if self._removal_armed and limit is not None and self.apdu_count > limit:
                self._removed = True
                self._session = _Session()
                raise CardLeftField
            if self.faults.slow_ms:
                self._sleep(self.faults.slow_ms / 1000)
            response = self._dispatch(bytes(apdu))
            if not self.timing.instant:
                # Spent inside the card, as a real card spends it: every path sees it.
                self._sleep(self.timing.seconds_for(apdu, response))
            return response

    def _dispatch(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return _sw(SW_WRONG_LENGTH)
        cla, ins, p1, p2 = apdu[:4]
        data, le = b"", None
        if len(apdu) == 5:
            le = apdu[4] or MAX_SHORT_LE
        elif len(apdu) > 5:
            lc = apdu[4]
            if lc == 0 or len(apdu) not in (5 + lc, 6 + lc):
                return _sw(SW_WRONG_LENGTH)
            data = apdu[5 : 5 + lc]
            if len(apdu) == 6 + lc:
                le = apdu[-1] or MAX_SHORT_LE
        if cla not in (0x00, 0x80):
            return _sw(SW_CLA_NOT_SUPPORTED)
        if ins != INS_GET_RESPONSE:
            self._session.pending = b""
        if cla == 0x00 and ins == INS_SELECT:
            return self._select(p1, p2, data)
        if cla == 0x00 and ins == INS_VERIFY:
            return self._verify(p1, p2, data)
        if cla == 0x00 and ins == INS_READ_BINARY:
            return self._read_binary(p1, p2, le)
        if cla == 0x00 and ins == INS_GET_RESPONSE:
            return self._get_response(le)
        if cla == 0x80 and ins == INS_COMPUTE_DIGITAL_SIGNATURE:
            return self._sign(p1, p2, data)
        return _sw(SW_INS_NOT_SUPPORTED)

    def _select(self, p1: int, p2: int, data: bytes) -> bytes:
        s = self._session
        if p1 == 0x04:
            if self.faults.not_a_mynumber_card or data not in self._files:
                return _sw(SW_FILE_NOT_FOUND)
            if data != s.application:
                s.verified.clear()  # security status belongs to the application
            s.application, s.current = data, None
            return _sw(SW_OK)
        if p1 in (0x00, 0x02) and len(data) == 2:
            if s.application is None:
                return _sw(SW_FILE_NOT_FOUND)
            fid = int.from_bytes(data, "big")
            if fid not in self._files[s.application]:
                return _sw(SW_FILE_NOT_FOUND)
            s.current = fid
            return _sw(SW_OK)
        return _sw(SW_WRONG_P1P2)

    def _current(self) -> object | None:
        s = self._session
        if s.application is None or s.current is None:
            return None
        return self._files[s.application].get(s.current)

    def _verify(self, p1: int, p2: int, data: bytes) -> bytes:
        if (p1, p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        pin = self._current()
        if not isinstance(pin, PinObject):
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        s = self._session
        assert s.current is not None
        if pin.blocked:
            return _sw(SW_PIN_BLOCKED)
        if not data:
            if s.current in s.verified:
                return _sw(SW_OK)
            return _sw(0x63C0 | pin.tries_left)
        if data == pin.secret:
            pin.tries_left = pin.max_tries
            s.verified.add(s.current)
            return _sw(SW_OK)
        pin.tries_left -= 1
        s.verified.discard(s.current)
        return _sw(0x63C0 | pin.tries_left)

    def _read_binary(self, p1: int, p2: int, le: int | None) -> bytes:
        if p1 & 0x80:
            return _sw(SW_FUNCTION_NOT_SUPPORTED)
        if le is None:
            return _sw(SW_WRONG_LENGTH)
        target = self._current()
        if isinstance(target, _LazySigningCertificate):
            if EF_JPKI_SIGN_PIN not in self._session.verified:
                return _sw(SW_SECURITY_NOT_SATISFIED)
            target = target.file()
        if not isinstance(target, BinaryFile):
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        if target.pin is not None and target.pin not in self._session.verified:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        offset = (p1 << 8) | p2
        content = target.content
        if offset >= len(content):
            return _sw(SW_OFFSET_OUTSIDE_FILE)
        chunk = content[offset : offset + le]
        if len(chunk) < le:
            if self.faults.exact_le:
                return _sw(0x6C00 | (len(chunk) & 0xFF))
            return _sw(SW_END_OF_FILE, chunk)
        return _sw(SW_OK, chunk)

    def _sign(self, p1: int, p2: int, data: bytes) -> bytes:
        if (p1, p2) != (0x00, 0x80):
            return _sw(SW_WRONG_P1P2)
        key_file = self._current()
        if not isinstance(key_file, KeyFile):
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        if key_file.pin not in self._session.verified:
            return _sw(SW_SECURITY_NOT_SATISFIED)
        if not data or len(data) > 256 - 11:
            return _sw(SW_WRONG_LENGTH)
        key = (
            self.credentials.key
            if self._session.current == EF_JPKI_AUTH_KEY
            else self.signing_credentials.key
        )
        signature = pkcs1_sign(key, data)
        if self.faults.chained_signature:
            self._session.pending = signature
            return _sw(0x6100)  # 00: 256 bytes are waiting
        return _sw(SW_OK, signature)

    def _get_response(self, le: int | None) -> bytes:
        s = self._session
        if not s.pending:
            return _sw(SW_CONDITIONS_NOT_SATISFIED)
        size = le or MAX_SHORT_LE
        chunk, s.pending = s.pending[:size], s.pending[size:]
        if s.pending:
            return _sw(0x6100 | (len(s.pending) & 0xFF), chunk)
        return _sw(SW_OK, chunk)


class _LazySigningCertificate:
    """EF 0001 of the JPKI AP: built on first read (its key costs time to make)."""

    def __init__(self, card: VirtualCard) -> None:
        self._card = card

    def file(self) -> BinaryFile:
        return BinaryFile(self._card.signing_credentials.certificate_der)

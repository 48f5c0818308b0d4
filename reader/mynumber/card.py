"""The My Number card protocol, from the desk's side.

Everything goes through a ``CardChannel``, so the file guard sees every command:
this module never selects the individual-number EF or the signing side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from cryptography import x509
from pydantic import BaseModel, ConfigDict

from reader import apdu
from reader.apdu import Response
from reader.channel import CardChannel
from reader.errors import (
    CardCommunicationError,
    CardError,
    CardFileMissing,
    CardRemoved,
    InvalidPinFormat,
    LastTryNeedsConfirmation,
    MalformedCardData,
    NoCard,
    NotAMyNumberCard,
    PinBlocked,
    PinPadUnavailable,
    ReaderUnavailable,
    SecurityStatusNotSatisfied,
    UnexpectedStatus,
    WrongPin,
)
from reader.mynumber.certificate import der_total_length, parse_certificate
from reader.mynumber.four_items import BasicFourItems, four_items_length, parse_four_items
from reader.pinpad import (
    PIN_PLACEHOLDER,
    PinPad,
    PinPadEntry,
    ReaderControl,
    raise_for_pad_status,
)
from reader.transcript import Transcript
from reader.transport import CardTransport

PIN_MAX_TRIES = 3
SIGNATURE_SIZE = 256

T = TypeVar("T")


def sha256_digest_info(challenge: bytes) -> bytes:
    """The DigestInfo the card signs for ``challenge`` (SHA-256)."""
    return apdu.SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(challenge).digest()


class IdentityRead(BaseModel):
    """The basic four items and the user-authentication certificate, read together."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    four_items: BasicFourItems
    certificate_der: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return parse_certificate(self.certificate_der)


class FullRead(BaseModel):
    """Everything a check-in takes from the card in one go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    four_items: BasicFourItems
    certificate_der: bytes
    challenge: bytes
    signature: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return parse_certificate(self.certificate_der)


Pin = str | PinPadEntry  # the PIN itself, or "ask for it on the reader's PIN pad"


def _check_pin(pin: Pin) -> bytes | PinPadEntry:
    if isinstance(pin, PinPadEntry):
        return pin
    if not isinstance(pin, str) or len(pin) != 4 or not all("0" <= c <= "9" for c in pin):
        raise InvalidPinFormat()
    return pin.encode("ascii")


class MyNumberCard:
    """A My Number card behind ``transport``.

    Each public method connects if needed and runs inside one exclusive
    transaction; ``close()`` (or leaving the ``with`` block) disconnects and resets
    the card, so no verified PIN stays open. A card removed mid-operation raises
    ``CardRemoved`` and nothing partial is returned.
    """

    def __init__(self, transport: CardTransport, transcript: Transcript | None = None) -> None:
        self.transport = transport
        self.channel = CardChannel(transport, transcript)
        self._pin_pad = PinPad(transport) if isinstance(transport, ReaderControl) else None
        self._connected = False
        self.atr = b""

    # --- connection ---------------------------------------------------------------------

    def __enter__(self) -> MyNumberCard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connected:
            self._connected = False
            self.channel.guard.reset()
            self.transport.disconnect()

    @property
    def apdus_sent(self) -> int:
        return self.channel.apdus_sent

    def _run(self, operation: Callable[[], T]) -> T:
        if not self._connected:
            self.atr = self.transport.connect()
            self._connected = True
            self.channel.guard.reset()
        try:
            with self.transport.transaction():
                # Between transactions another program may have selected something
                # else on a shared card: every operation selects its application anew,
                # so the guard always knows where the card really is.
                self.channel.guard.reset()
                return operation()
        except (CardRemoved, NoCard, ReaderUnavailable, CardCommunicationError):
            # The connection is gone; the next call starts from a fresh connect.
            self._connected = False
            self.channel.guard.reset()
            with suppress(CardError):
                self.transport.disconnect()
            raise

    # --- public operations --------------------------------------------------------------

    def has_pin_pad(self) -> bool:
        """Whether the reader takes PINs on its own keypad (PC/SC part 10
        FEATURE_VERIFY_PIN_DIRECT). Pass ``ON_PIN_PAD`` (or a ``PinPadEntry``) instead
        of a PIN to the methods below and the PIN never reaches this process."""
        pad = self._pin_pad
        return pad is not None and self._run(lambda: pad.can_verify)

    def identify(self) -> None:
        """Raise ``NotAMyNumberCard`` unless the card has the JPKI application."""
        self._run(lambda: self._select_ap(apdu.JPKI_AID))

    def text_pin_tries_left(self) -> int:
        """Tries left on the text-AP PIN; costs no try."""
        return self._run(lambda: self._tries(apdu.TEXT_AID, apdu.EF_TEXT_PIN, "text PIN"))

    def auth_pin_tries_left(self) -> int:
        """Tries left on the JPKI user-authentication PIN; costs no try."""
        return self._run(lambda: self._tries(apdu.JPKI_AID, apdu.EF_JPKI_AUTH_PIN, "auth PIN"))

    def read_basic_four_items(self, pin: Pin, *, confirm_last_try: bool = False) -> BasicFourItems:
        """Verify the text-AP PIN and read name, address, birthdate and sex.

        With one try left, no VERIFY is sent unless ``confirm_last_try`` is true.
        """
        secret = _check_pin(pin)
        return self._run(lambda: self._four_items(secret, confirm_last_try))

    def read_auth_certificate(self) -> bytes:
        """The user-authentication certificate (DER); needs no PIN."""
        return self._run(self._certificate)

    def read_auth_certificate_x509(self) -> x509.Certificate:
        """The user-authentication certificate, parsed."""
        return parse_certificate(self.read_auth_certificate())

    def sign_challenge(
        self, challenge: bytes, pin: Pin, *, confirm_last_try: bool = False
    ) -> bytes:
        """Sign SHA-256 DigestInfo(challenge) with the user-authentication key on the card
        (RSA PKCS#1 v1.5). Verifies the auth PIN first."""
        secret = _check_pin(pin)
        return self._run(lambda: self._sign(challenge, secret, confirm_last_try))

    def sign_challenge_again(self, challenge: bytes) -> bytes:
        """Sign once more on this connection without sending the PIN again.

        The card keeps the auth PIN verified while it stays connected and in the slot
        (``close()`` resets it). Raises ``SecurityStatusNotSatisfied`` when it no longer
        does (removed, reset, or never verified): the holder must then type the PIN.
        """
        return self._run(lambda: self._sign_verified(challenge))

    def read_identity(self, pin: Pin, *, confirm_last_try: bool = False) -> IdentityRead:
        """The four items and the certificate in one transaction (no signature)."""
        secret = _check_pin(pin)

        def read() -> IdentityRead:
            items = self._four_items(secret, confirm_last_try)
            return IdentityRead(four_items=items, certificate_der=self._certificate())

        return self._run(read)

    def full_read(
        self,
        pin: Pin,
        challenge: bytes,
        *,
        auth_pin: Pin | None = None,
        confirm_last_try: bool = False,
    ) -> FullRead:
        """Four items, certificate and a signature over ``challenge`` in one transaction.

        ``auth_pin`` defaults to ``pin`` (most holders set both PINs alike)."""
        text_secret = _check_pin(pin)
        auth_secret = _check_pin(auth_pin if auth_pin is not None else pin)

        def read() -> FullRead:
            items = self._four_items(text_secret, confirm_last_try)
            certificate = self._certificate()
            signature = self._sign(challenge, auth_secret, confirm_last_try)
            return FullRead(
                four_items=items,
                certificate_der=certificate,
                challenge=challenge,
                signature=signature,
            )

        return self._run(read)

    # --- steps --------------------------------------------------------------------------

    def _select_ap(self, aid: bytes) -> None:
        if self.channel.guard.application == aid:
            return  # selected earlier in this transaction
        step = "select JPKI AP" if aid == apdu.JPKI_AID else "select text AP"
        response = self.channel.exchange(step, apdu.select_aid(aid))
        if response.sw == apdu.SW_FILE_NOT_FOUND:
            raise NotAMyNumberCard()
        _expect_ok(response, step)

    def _select_ef(self, file_id: int, step: str) -> None:
        response = self.channel.exchange(step, apdu.select_ef(file_id))
        if response.sw == apdu.SW_FILE_NOT_FOUND:
            raise CardFileMissing(f"{file_id:04X}")
        _expect_ok(response, step)

    def _tries(self, aid: bytes, pin_file: int, label: str) -> int:
        self._select_ap(aid)
        self._select_ef(pin_file, f"select {label}")
        return self._tries_selected(label)

    def _tries_selected(self, label: str) -> int:
        step = f"{label} tries left"
        response = self.channel.exchange(step, apdu.verify_status())
        if response.sw >> 4 == 0x63C:
            return response.sw & 0x0F
        if response.sw == apdu.SW_PIN_BLOCKED:
            return 0
        if response.ok:
            return PIN_MAX_TRIES  # verified in this session: the counter is full
        raise UnexpectedStatus(response.sw, f"reading the {label} tries left")

    def _verify(
        self, aid: bytes, pin_file: int, label: str, secret: bytes | PinPadEntry, confirm: bool
    ) -> None:
        self._select_ap(aid)
        self._select_ef(pin_file, f"select {label}")
        # Always look before a VERIFY: a blocked PIN gets no VERIFY at all, and the last
        # try is spent only on purpose. (90 00 = verified already, so the counter is full;
        # the PIN is still checked so that a wrong one is never silently accepted.)
        tries = self._tries_selected(label)
        if tries == 0:
            raise PinBlocked()
        if tries == 1 and not confirm:
            raise LastTryNeedsConfirmation()
        if isinstance(secret, PinPadEntry):
            if self._pin_pad is None or not self._pin_pad.can_verify:
                raise PinPadUnavailable(self.transport.reader_name)
            template = apdu.verify(PIN_PLACEHOLDER)
            step = f"verify {label} on the PIN pad"
            pad_sw = self.channel.verify_on_pin_pad(step, template, self._pin_pad, secret).sw
            raise_for_pad_status(pad_sw, label)
            return
        response = self.channel.exchange(f"verify {label}", apdu.verify(secret))
        if response.ok:
            return
        if response.sw == apdu.SW_PIN_BLOCKED or response.sw == 0x63C0:
            raise PinBlocked()
        if response.sw >> 4 == 0x63C:
            raise WrongPin(response.sw & 0x0F)
        raise UnexpectedStatus(response.sw, f"verifying the {label}")

    def _four_items(self, secret: bytes | PinPadEntry, confirm: bool) -> BasicFourItems:
        self._verify(apdu.TEXT_AID, apdu.EF_TEXT_PIN, "text PIN", secret, confirm)
        self._select_ef(apdu.EF_TEXT_FOUR_ITEMS, "select basic four items")
        data = self._read_file("read basic four items", four_items_length)
        return parse_four_items(data)

    def _certificate(self) -> bytes:
        self._select_ap(apdu.JPKI_AID)
        self._select_ef(apdu.EF_JPKI_AUTH_CERT, "select auth certificate")
        der = self._read_file("read auth certificate", der_total_length)
        parse_certificate(der)  # a truncated or broken certificate fails here, typed
        return der

    def _sign(self, challenge: bytes, secret: bytes | PinPadEntry, confirm: bool) -> bytes:
        self._verify(apdu.JPKI_AID, apdu.EF_JPKI_AUTH_PIN, "auth PIN", secret, confirm)
        return self._sign_verified(challenge)

    def _sign_verified(self, challenge: bytes) -> bytes:
        self._select_ap(apdu.JPKI_AID)
        self._select_ef(apdu.EF_JPKI_AUTH_KEY, "select auth key")
        command = apdu.compute_digital_signature(sha256_digest_info(challenge))
        response = self.channel.exchange("sign challenge", command)
        _expect_ok(response, "signing the challenge")
        if len(response.data) != SIGNATURE_SIZE:
            raise MalformedCardData("the signature has the wrong size")
        return response.data

    def _read_file(self, step: str, total_length: Callable[[bytes], int]) -> bytes:
        """Read the selected EF: one full chunk first, its header says how much follows."""
        data = bytearray(self._read_chunk(step, 0, apdu.MAX_SHORT_LE))
        total = total_length(bytes(data))
        while len(data) < total:
            wanted = min(apdu.MAX_SHORT_LE, total - len(data))
            chunk = self._read_chunk(step, len(data), wanted)
            if not chunk:
                raise MalformedCardData("the file ends before the length its header gives")
            data += chunk
        return bytes(data[:total])

    def _read_chunk(self, step: str, offset: int, length: int) -> bytes:
        if offset > 0x7FFF:
            raise MalformedCardData("the file is larger than a card file can be")
        response = self.channel.exchange(step, apdu.read_binary(offset, length))
        if response.ok or (response.sw == apdu.SW_END_OF_FILE and response.data):
            return response.data
        if response.sw in (apdu.SW_OFFSET_OUTSIDE_FILE, apdu.SW_END_OF_FILE):
            return b""
        _expect_ok(response, step)
        return response.data


def _expect_ok(response: Response, step: str) -> None:
    if response.ok:
        return
    if response.sw == apdu.SW_SECURITY_NOT_SATISFIED:
        raise SecurityStatusNotSatisfied()
    if response.sw == apdu.SW_PIN_BLOCKED:
        raise PinBlocked()
    raise UnexpectedStatus(response.sw, step)

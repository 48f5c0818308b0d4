"""The check-in's card port over ``reader``: My Number card calls as check-in events."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Literal, TypeVar

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.ports import IdentityAnswer, Unlocked
from clinic_desk.domain.card import CardIdentity
from reader.errors import (
    CardError,
    LastTryNeedsConfirmation,
    PinBlocked,
    PinPadUnavailable,
    WrongPin,
)
from reader.mynumber.card import MyNumberCard, Pin
from reader.pinpad import PinPadEntry
from reader.transcript import Transcript
from reader.transport import CardTransport

T = TypeVar("T")
# prefer: the reader's PIN pad when it has one; require: a PIN pad or no check-in;
# off: the keyboard always (``reader.pin_pad`` in the configuration)
PinPadPolicy = Literal["prefer", "require", "off"]


def _failure(exc: CardError) -> ev.Failed:
    code = "card_" + "".join(
        "_" + c.lower() if c.isupper() else c for c in type(exc).__name__
    ).lstrip("_")
    return ev.Failed(code=code, message=exc.message)


class ReaderCardPort:
    """Blocking; the runner calls it from its card thread.

    The connection is closed after every operation, which resets the card, with one
    exception: after a successful signature the card stays connected with its auth PIN
    verified, so that ``sign_again`` can renew an expired gateway token without the
    PIN, until the runner calls ``release()`` at the end of the check-in (or the card
    leaves the slot, which resets it anyway).
    """

    def __init__(
        self,
        transport: CardTransport,
        transcript: Transcript | None = None,
        *,
        pin_pad: PinPadPolicy = "prefer",
        pad_timeout_seconds: int = 30,
    ) -> None:
        self._card = MyNumberCard(transport, transcript)
        self._reader = transport.reader_name
        self._certificate = b""
        self._fingerprint = ""
        self._policy = pin_pad
        self._pad = PinPadEntry(timeout_seconds=pad_timeout_seconds)
        self._on_pad = False  # this card's PINs are typed on the reader's PIN pad

    @property
    def pin_on_pad(self) -> bool:
        """The reader read last takes the PIN on its own keypad: the PIN the check-in
        passes is ignored (the desk sends none) and never reaches this process."""
        return self._on_pad

    def _secret(self, pin: str) -> Pin:
        return self._pad if self._on_pad else pin

    def _closing(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        finally:
            with contextlib.suppress(CardError):
                self._card.close()

    def read_tries(self) -> ev.CardRead | ev.Failed:
        """Identify the card and read the tries left on both PINs: the PIN prompt's needs."""

        def read() -> ev.CardRead:
            self._certificate, self._fingerprint = b"", ""
            self._card.identify()
            self._on_pad = self._policy != "off" and self._card.has_pin_pad()
            if self._policy == "require" and not self._on_pad:
                raise PinPadUnavailable(self._reader)
            text = self._card.text_pin_tries_left()
            auth = self._card.auth_pin_tries_left()
            return ev.CardRead(text_pin_tries=text, auth_pin_tries=auth, pin_on_pad=self._on_pad)

        self._on_pad = False
        try:
            return self._closing(read)
        except CardError as exc:
            return _failure(exc)

    def read_certificate(self) -> ev.CertificateRead | ev.Failed:
        """The user-authentication certificate (no PIN), read while the patient types."""

        def read() -> ev.CertificateRead:
            certificate = self._card.read_auth_certificate()
            self._certificate = certificate
            self._fingerprint = hashlib.sha256(certificate).hexdigest()
            return ev.CertificateRead(certificate_sha256=self._fingerprint)

        try:
            return self._closing(read)
        except CardError as exc:
            return _failure(exc)

    def unlock(
        self, pin: str, confirm_last_try: bool, challenge: bytes | None, read_identity: bool
    ) -> Unlocked:
        """The four items, then the signature, on one connection: no reset between them
        (a real card pays for each reconnect). The card stays verified after a signature."""
        identity: IdentityAnswer | None = None
        if read_identity:
            try:
                items = self._card.read_basic_four_items(
                    self._secret(pin), confirm_last_try=confirm_last_try
                )
            except CardError as exc:
                self.release()
                return Unlocked(identity=self._pin_failure(exc, "text"))
            identity = ev.CardIdentityRead(
                identity=CardIdentity(
                    name=items.name,
                    birthdate=items.birthdate,
                    sex=items.sex,
                    certificate_sha256=self._fingerprint,
                )
            )
        if challenge is None:
            self.release()
            return Unlocked(identity=identity)
        return Unlocked(identity=identity, signature=self.sign(challenge, pin, confirm_last_try))

    def certificate_der(self) -> bytes:
        return self._certificate

    def sign(
        self, challenge: bytes, pin: str, confirm_last_try: bool
    ) -> bytes | ev.PinRejected | ev.PinBlocked | ev.Failed:
        try:
            return self._card.sign_challenge(
                challenge, self._secret(pin), confirm_last_try=confirm_last_try
            )
        except CardError as exc:
            self.release()
            return self._pin_failure(exc, "auth")

    def sign_again(self, challenge: bytes) -> bytes | ev.Failed:
        """Sign with the auth PIN verified by ``sign`` (no PIN); fails once the card was
        removed or reset, and the holder must be asked again."""
        try:
            return self._card.sign_challenge_again(challenge)
        except CardError as exc:
            self.release()
            return _failure(exc)

    def release(self) -> None:
        """Disconnect and reset the card: no verified PIN stays open after the check-in."""
        with contextlib.suppress(CardError):
            self._card.close()

    @staticmethod
    def _pin_failure(
        exc: CardError, which: Literal["text", "auth"]
    ) -> ev.PinRejected | ev.PinBlocked | ev.Failed:
        if isinstance(exc, WrongPin):
            return ev.PinRejected(pin=which, tries_left=exc.tries_left)
        if isinstance(exc, PinBlocked):
            return ev.PinBlocked(pin=which)
        if isinstance(exc, LastTryNeedsConfirmation):
            return ev.PinRejected(pin=which, tries_left=1)
        return _failure(exc)

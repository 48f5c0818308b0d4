"""The check-in's card port over ``reader``: My Number card calls as check-in events."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Literal, TypeVar

from clinic_desk.checkin import events as ev
from clinic_desk.domain.card import CardIdentity
from reader.errors import CardError, LastTryNeedsConfirmation, PinBlocked, WrongPin
from reader.mynumber.card import MyNumberCard
from reader.transcript import Transcript
from reader.transport import CardTransport

T = TypeVar("T")


def _failure(exc: CardError) -> ev.Failed:
    code = "card_" + "".join(
        "_" + c.lower() if c.isupper() else c for c in type(exc).__name__
    ).lstrip("_")
    return ev.Failed(code=code, message=exc.message)


class ReaderCardPort:
    """Blocking; the runner calls it from its card thread.

    The connection is closed after every operation, which resets the card: no
    verified PIN stays open between steps.
    """

    def __init__(self, transport: CardTransport, transcript: Transcript | None = None) -> None:
        self._card = MyNumberCard(transport, transcript)
        self._certificate = b""
        self._fingerprint = ""

    def _closing(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        finally:
            with contextlib.suppress(CardError):
                self._card.close()

    def read_card(self) -> ev.CardRead | ev.Failed:
        def read() -> ev.CardRead:
            self._card.identify()
            text = self._card.text_pin_tries_left()
            auth = self._card.auth_pin_tries_left()
            certificate = self._card.read_auth_certificate()
            self._certificate = certificate
            self._fingerprint = hashlib.sha256(certificate).hexdigest()
            return ev.CardRead(
                text_pin_tries=text, auth_pin_tries=auth, certificate_sha256=self._fingerprint
            )

        try:
            return self._closing(read)
        except CardError as exc:
            return _failure(exc)

    def read_identity(
        self, pin: str, confirm_last_try: bool
    ) -> ev.CardIdentityRead | ev.PinRejected | ev.PinBlocked | ev.Failed:
        try:
            items = self._closing(
                lambda: self._card.read_basic_four_items(pin, confirm_last_try=confirm_last_try)
            )
        except CardError as exc:
            return self._pin_failure(exc, "text")
        return ev.CardIdentityRead(
            identity=CardIdentity(
                name=items.name,
                birthdate=items.birthdate,
                sex=items.sex,
                certificate_sha256=self._fingerprint,
            )
        )

    def certificate_der(self) -> bytes:
        return self._certificate

    def sign(
        self, challenge: bytes, pin: str, confirm_last_try: bool
    ) -> bytes | ev.PinRejected | ev.PinBlocked | ev.Failed:
        try:
            return self._closing(
                lambda: self._card.sign_challenge(challenge, pin, confirm_last_try=confirm_last_try)
            )
        except CardError as exc:
            return self._pin_failure(exc, "auth")

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

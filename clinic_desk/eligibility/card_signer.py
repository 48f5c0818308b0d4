"""The CardSigner for a real (or virtual) My Number card behind any reader transport."""

from __future__ import annotations

from reader.mynumber.card import MyNumberCard


class MyNumberCardSigner:
    """Signs gateway challenges with the card's user-authentication key.

    The auth PIN is used for the first signature and dropped at once: it is never kept.
    A re-authentication (token expired mid-check-in) signs again without it, on the
    card's own verified state, which lasts while the card stays connected and in the
    slot; when the card was removed or reset that signature fails with the reader's
    ``SecurityStatusNotSatisfied`` and the holder must be asked for the PIN again.
    A wrong PIN raises the reader's error and is never retried here.
    """

    def __init__(self, card: MyNumberCard, auth_pin: str, *, confirm_last_try: bool = False):
        self._card = card
        self._pin: str | None = auth_pin
        self._confirm_last_try = confirm_last_try
        self._certificate: bytes | None = None

    def __repr__(self) -> str:
        return "MyNumberCardSigner(…)"

    def certificate_der(self) -> bytes:
        """The user-authentication certificate (read once, no PIN needed)."""
        if self._certificate is None:
            self._certificate = self._card.read_auth_certificate()
        return self._certificate

    def sign(self, challenge: bytes) -> bytes:
        """The first time: VERIFY the auth PIN and sign; afterwards: sign on the verified card."""
        pin, self._pin = self._pin, None
        if pin is None:
            return self._card.sign_challenge_again(challenge)
        return self._card.sign_challenge(challenge, pin, confirm_last_try=self._confirm_last_try)

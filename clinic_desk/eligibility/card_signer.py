"""The CardSigner for a real (or virtual) My Number card behind any reader transport."""

from __future__ import annotations

from reader.mynumber.card import MyNumberCard


class MyNumberCardSigner:
    """Signs gateway challenges with the card's user-authentication key.

    The auth PIN typed by the patient is held by this object only: make one per
    check-in and drop it when the check-in ends. A re-authentication (token expired
    mid-check-in) signs again with the same PIN; a wrong PIN raises the reader's
    error and is never retried here.
    """

    def __init__(self, card: MyNumberCard, auth_pin: str, *, confirm_last_try: bool = False):
        self._card = card
        self._pin = auth_pin
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
        """VERIFY the auth PIN and sign SHA-256 DigestInfo(challenge) on the card."""
        return self._card.sign_challenge(
            challenge, self._pin, confirm_last_try=self._confirm_last_try
        )

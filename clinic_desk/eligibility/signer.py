"""What the client needs from the card: its certificate and a signature over a challenge."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class CardSigner(Protocol):
    """The card (or anything holding its user-authentication key).

    ``sign`` returns RSASSA-PKCS1-v1_5 over SHA-256 of ``challenge`` (on a My Number
    card: VERIFY the auth PIN, SELECT EF 0017, COMPUTE DIGITAL SIGNATURE over the
    DigestInfo). Both calls may block on card I/O; the client runs them in a worker
    thread so the event loop stays free.
    """

    def certificate_der(self) -> bytes:
        """The user-authentication certificate (JPKI EF 000A), DER."""
        ...

    def sign(self, challenge: bytes) -> bytes:
        """The card's signature over ``challenge``."""
        ...

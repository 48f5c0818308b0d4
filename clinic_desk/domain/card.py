"""What the desk knows about the card in front of it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class CardIdentity(BaseModel):
    """The holder's identity as read from the chip (PIN-protected, text AP).

    The address is deliberately absent: the desk does not need it to check a
    patient in, so it never leaves the reader layer.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    birthdate: date
    sex: str = Field(pattern=r"^[0-9]$")
    certificate_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    def __repr__(self) -> str:  # keep personal data out of tracebacks and debug logs
        return f"CardIdentity(certificate_sha256={self.certificate_sha256[:12]}…)"

    __str__ = __repr__

"""Card profiles: who a virtual card belongs to and how it behaves.

A profile is what ``fixtures/cards/*.json`` holds. It is test data: the PINs in
it are the virtual card's own secrets, never a real patient's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class CardPins(BaseModel):
    """The card's secrets and the tries left on each PIN object."""

    model_config = ConfigDict(extra="forbid")

    text_pin: str = Field(default="1234", pattern=r"^[0-9]{4}$")
    text_pin_tries: int = Field(default=3, ge=0, le=3)
    auth_pin: str = Field(default="1234", pattern=r"^[0-9]{4}$")
    auth_pin_tries: int = Field(default=3, ge=0, le=3)
    signing_password: str = Field(default="SIGNPASS1", min_length=6, max_length=16)
    signing_password_tries: int = Field(default=5, ge=0, le=5)


class CardFaults(BaseModel):
    """Ways a virtual card can misbehave, for tests and support fixtures."""

    model_config = ConfigDict(extra="forbid")

    remove_after_apdus: int | None = Field(
        default=None, ge=0, description="the card leaves the field after this many APDUs"
    )
    slow_ms: int = Field(default=0, ge=0, description="delay added before every response")
    malformed_four_items: bool = Field(
        default=False, description="the basic-four-items file holds a broken TLV"
    )
    truncated_certificate: bool = Field(
        default=False, description="the certificate file ends before its DER length"
    )
    not_a_mynumber_card: bool = Field(
        default=False, description="the card has neither the JPKI nor the text AP"
    )


class CardProfile(BaseModel):
    """One virtual My Number card."""

    model_config = ConfigDict(extra="forbid")

    profile_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    seed: str = Field(min_length=1, description="makes the card's key and certificate")
    name: str = Field(min_length=1, description="family and given name, U+3000 between them")
    birthdate: date
    sex: str = Field(default="1", pattern=r"^[0-9]$")
    address: str = ""
    pins: CardPins = Field(default_factory=CardPins)
    faults: CardFaults = Field(default_factory=CardFaults)
    certificate_not_before: date = date(2025, 1, 1)
    certificate_not_after: date = date(2030, 12, 31)
    atr: str = Field(default="3BE000FF8131FE4514", pattern=r"^([0-9A-Fa-f]{2})+$")

    @classmethod
    def load(cls, path: Path) -> CardProfile:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

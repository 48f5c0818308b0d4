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
    missing_files: list[str] = Field(
        default_factory=list,
        description="files the card lacks (SELECT answers 6A 82), as 'jpki:000A' or 'text:0002'",
    )
    exact_le: bool = Field(
        default=False,
        description="a READ BINARY asking past the end answers 6C xx instead of data + 62 82",
    )
    chained_signature: bool = Field(
        default=False, description="the signature comes back through 61 xx and GET RESPONSE"
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
        """Read a profile from a fixture file."""
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

    @property
    def atr_bytes(self) -> bytes:
        return bytes.fromhex(self.atr)


CARD_SUBFOLDERS = ("faults", "support")


def find_profile(name: str, cards_dir: Path) -> Path:
    """The fixture file of the card called ``name`` (a profile id, a file name or a path).

    Fault cards live in ``faults/`` under the cards folder, the support scenarios' own
    cards in ``support/``.
    """
    direct = Path(name)
    if direct.suffix == ".json" and direct.is_file():
        return direct
    stem = direct.stem if direct.suffix == ".json" else name
    for folder in (cards_dir, *(cards_dir / sub for sub in CARD_SUBFOLDERS)):
        candidate = folder / f"{stem}.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no card fixture called {name!r} in {cards_dir}")


def available_profiles(cards_dir: Path) -> list[str]:
    """Profile ids of the shipped cards: patients, then fault cards, then support cards."""
    names = sorted(p.stem for p in cards_dir.glob("*.json"))
    for sub in CARD_SUBFOLDERS:
        names += sorted(p.stem for p in (cards_dir / sub).glob("*.json"))
    return names

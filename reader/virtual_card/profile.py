"""Card profiles: who a virtual card belongs to and how it behaves.

A profile is what ``fixtures/cards/*.json`` holds. It is test data: the PINs in
it are the virtual card's own secrets, never a real patient's. Every field is
bounded, so whatever validates, the virtual card can encode; a profile file is read
only when it is a regular file of at most ``MAX_PROFILE_BYTES``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from reader.localfile import LocalFileError, read_regular_file
from reader.virtual_card.files import encode_four_items
from reader.virtual_card.timing import CardTiming, TimingPreset, resolve_timing

MAX_PROFILE_BYTES = 64 * 1024
# The four items' lengths on a card are small; these bounds are generous and keep the
# whole four-items file far below what one BER length and a 15-bit offset can hold.
MAX_NAME_CHARS = 100
MAX_ADDRESS_CHARS = 200
MAX_SEED_CHARS = 200
MAX_ID_CHARS = 64
MAX_MISSING_FILES = 16
MAX_ATR_BYTES = 33  # ISO 7816-3
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no control characters


class ProfileError(ValueError):
    """A card profile that cannot be used; the message names the file or the field."""


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
        default=None,
        ge=0,
        le=100_000,
        description="the card leaves the field after this many APDUs",
    )
    slow_ms: int = Field(
        default=0, ge=0, le=60_000, description="delay added before every response"
    )
    malformed_four_items: bool = Field(
        default=False, description="the basic-four-items file holds a broken TLV"
    )
    truncated_certificate: bool = Field(
        default=False, description="the certificate file ends before its DER length"
    )
    not_a_mynumber_card: bool = Field(
        default=False, description="the card has neither the JPKI nor the text AP"
    )
    missing_files: list[
        Annotated[str, Field(pattern=r"^(jpki|text|visual|JPKI|TEXT|VISUAL):[0-9A-Fa-f]{4}$")]
    ] = Field(
        default_factory=list,
        max_length=MAX_MISSING_FILES,
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

    profile_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=MAX_ID_CHARS)
    seed: str = Field(
        min_length=1,
        max_length=MAX_SEED_CHARS,
        description="makes the card's key and certificate",
    )
    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        pattern=_PRINTABLE,
        description="family and given name, U+3000 between them",
    )
    birthdate: date
    sex: str = Field(default="1", pattern=r"^[0-9]$")
    address: str = Field(default="", max_length=MAX_ADDRESS_CHARS, pattern=_PRINTABLE)
    pins: CardPins = Field(default_factory=CardPins)
    faults: CardFaults = Field(default_factory=CardFaults)
    certificate_not_before: date = date(2025, 1, 1)
    certificate_not_after: date = date(2030, 12, 31)
    atr: str = Field(
        default="3BE000FF8131FE4514",
        pattern=r"^([0-9A-Fa-f]{2})+$",
        max_length=2 * MAX_ATR_BYTES,
    )
    timing: TimingPreset | CardTiming = Field(
        default="instant",
        description="how long the card takes to answer: 'instant', 'real-card' (a real card "
        "on a USB NFC reader) or per-command latencies",
    )

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # A card's reader refuses a name of spaces alone (U+3000 included): so do we.
        if not value.strip():
            raise ValueError("the name must not be blank")
        return value

    @field_validator("birthdate")
    @classmethod
    def _four_digit_year(cls, value: date) -> date:
        # The card writes YYYYMMDD; a year outside 1868 (Meiji 1)..2199 is a typing error.
        if not 1868 <= value.year <= 2199:
            raise ValueError("the year must be between 1868 and 2199")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CardProfile:
        if self.certificate_not_after <= self.certificate_not_before:
            raise ValueError("certificate_not_after must be later than certificate_not_before")
        # Whatever validates, the card can encode.
        encode_four_items(self.name, self.address, self.birthdate, self.sex)
        return self

    @classmethod
    def from_json(cls, data: bytes | str, source: str = "card profile") -> CardProfile:
        """A profile from JSON text; every failure is one ``ProfileError`` naming the field."""
        try:
            raw = json.loads(data)
        except RecursionError:
            raise ProfileError(f"The {source} is nested too deeply.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProfileError(f"The {source} is not valid JSON: {exc}.") from None
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise ProfileError(f"The {source} is not valid {validation_summary(exc)}.") from None

    @classmethod
    def load(cls, path: Path) -> CardProfile:
        """Read a profile from a fixture file (a regular file of at most 64 KiB)."""
        try:
            data = read_regular_file(path, MAX_PROFILE_BYTES, "card profile")
        except LocalFileError as exc:
            raise ProfileError(str(exc)) from None
        return cls.from_json(data, f"card profile {path}")

    @property
    def atr_bytes(self) -> bytes:
        return bytes.fromhex(self.atr)

    @property
    def card_timing(self) -> CardTiming:
        """The latencies ``timing`` names."""
        return resolve_timing(self.timing)


def validation_summary(exc: ValidationError, prefix: str = "") -> str:
    """'at name: String should have at most 100 characters' for the first error."""
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in (*((prefix,) if prefix else ()), *first["loc"]))
    return f"at {where or 'the top level'}: {first['msg']}"


class CardReference(BaseModel):
    """A shipped card profile named by id, with settings of this use of it."""

    model_config = ConfigDict(extra="forbid")

    profile: str = Field(
        min_length=1,
        max_length=MAX_SEED_CHARS,
        description="a profile id in fixtures/cards (fault cards in fixtures/cards/faults)",
    )
    timing: TimingPreset | CardTiming | None = Field(
        default=None, description="overrides the profile's timing"
    )

    def apply(self, profile: CardProfile) -> CardProfile:
        """``profile`` with this reference's settings."""
        if self.timing is None:
            return profile
        return profile.model_copy(update={"timing": self.timing})


def _card_section(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # An object is a profile (or a reference when it names one): validating it as that
    # one model names the bad field (``card.name``), not every union member.
    if isinstance(value, dict):
        if "profile" in value:
            return CardReference.model_validate(value)
        return CardProfile.model_validate(value)
    return handler(value)


# A fixture's card section: a profile id, an inline profile, or a reference with settings.
CardSection = Annotated[
    Annotated[str, Field(min_length=1, max_length=MAX_SEED_CHARS)] | CardProfile | CardReference,
    WrapValidator(_card_section),
]


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

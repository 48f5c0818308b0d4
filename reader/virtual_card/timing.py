"""How long a virtual card takes to answer: none at all, or as a real card over NFC.

A real My Number card on a USB NFC reader needs about 1.7 s to have its
user-authentication certificate read and 0.7 s for one signature
(``shared/reference/mynumber-card.md``; docs/reader.md shows how the figures below
come from a published log). The virtual card spends the modelled time inside
``VirtualCard.process``, where a real card spends it, so every path to the card
(in-process, pcscd + vpcd) sees it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reader.apdu import (
    INS_COMPUTE_DIGITAL_SIGNATURE,
    INS_GET_RESPONSE,
    INS_READ_BINARY,
    INS_SELECT,
    INS_VERIFY,
)

TimingPreset = Literal["instant", "real-card"]
_MAX_MS = 60_000.0


class CardTiming(BaseModel):
    """Per-command latencies of a card, in milliseconds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    select_ms: float = Field(default=0.0, ge=0, le=_MAX_MS, description="SELECT (AP or EF)")
    tries_left_ms: float = Field(
        default=0.0, ge=0, le=_MAX_MS, description="VERIFY without data (the tries-left query)"
    )
    verify_ms: float = Field(default=0.0, ge=0, le=_MAX_MS, description="VERIFY with a PIN")
    read_binary_ms: float = Field(
        default=0.0, ge=0, le=_MAX_MS, description="READ BINARY, per command (one block)"
    )
    response_byte_ms: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="per byte of response data (READ BINARY and GET RESPONSE blocks)",
    )
    signature_ms: float = Field(
        default=0.0, ge=0, le=_MAX_MS, description="COMPUTE DIGITAL SIGNATURE (with its answer)"
    )
    get_response_ms: float = Field(
        default=0.0, ge=0, le=_MAX_MS, description="GET RESPONSE, per command"
    )
    other_ms: float = Field(
        default=0.0, ge=0, le=_MAX_MS, description="any other command (refused or unknown)"
    )

    def seconds_for(self, command: bytes, response: bytes) -> float:
        """How long the card takes to answer ``command`` with ``response`` (data + SW)."""
        ins = command[1] if len(command) >= 2 else -1
        data = max(0, len(response) - 2)
        if ins == INS_SELECT:
            ms = self.select_ms
        elif ins == INS_VERIFY:
            ms = self.verify_ms if len(command) > 5 else self.tries_left_ms
        elif ins == INS_READ_BINARY:
            ms = self.read_binary_ms + data * self.response_byte_ms
        elif ins == INS_COMPUTE_DIGITAL_SIGNATURE:
            ms = self.signature_ms
        elif ins == INS_GET_RESPONSE:
            ms = self.get_response_ms + data * self.response_byte_ms
        else:
            ms = self.other_ms
        return ms / 1000

    @property
    def instant(self) -> bool:
        return self == INSTANT


INSTANT = CardTiming()

# Calibrated on lanesky/mnbcard's published log (I-O DATA USB-NFC3 reader, 2022): a
# SELECT ~45 ms, a VERIFY ~60 ms, a 256-byte READ BINARY ~255 ms and a short one
# ~80 ms (75 ms + 0.7 ms a byte), a COMPUTE DIGITAL SIGNATURE ~0.7 s. Read the way
# that log reads it (a 4-byte header, then six 256-byte blocks: a ~1.5 KB
# certificate) this gives 1.65 s, the published ≈1.7 s.
REAL_CARD = CardTiming(
    select_ms=45,
    tries_left_ms=45,
    verify_ms=60,
    read_binary_ms=75,
    response_byte_ms=0.7,
    signature_ms=700,
    get_response_ms=75,
    other_ms=45,
)

PRESETS: dict[str, CardTiming] = {"instant": INSTANT, "real-card": REAL_CARD}


def resolve_timing(value: TimingPreset | CardTiming) -> CardTiming:
    """The latencies a profile's ``timing`` names."""
    return PRESETS[value] if isinstance(value, str) else value

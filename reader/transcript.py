"""Recordings of card exchanges, for fixtures and support.

PINs are redacted *at the source*: the data of a VERIFY that carries a PIN is
replaced before the exchange is stored, so no transcript object ever holds it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from reader.apdu import is_verify_with_data

REDACTED_BYTE = 0x2A  # '*': not a digit, so a redacted PIN can never look like a PIN


def redact_command(command: bytes) -> bytes:
    """The command as it may be recorded: PIN bytes of a VERIFY are masked."""
    if is_verify_with_data(command):
        lc = command[4]
        return command[:5] + bytes([REDACTED_BYTE]) * lc + command[5 + lc :]
    return bytes(command)


class Exchange(BaseModel):
    """One command and the card's answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str = Field(description="what the reader was doing, e.g. 'read certificate'")
    command: bytes = Field(description="the command, PIN bytes already redacted")
    response: bytes = Field(description="the response data without the status word")
    sw: int
    duration_ms: float
    redacted: bool = False

    @property
    def sw_hex(self) -> str:
        return f"{self.sw:04X}"

    def to_json_dict(self) -> dict[str, object]:
        return {
            "step": self.step,
            "command": self.command.hex().upper(),
            "response": self.response.hex().upper(),
            "sw": self.sw_hex,
            "duration_ms": round(self.duration_ms, 3),
            "redacted": self.redacted,
        }


class Transcript:
    """An append-only, thread-safe list of exchanges."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []

    def record(
        self, step: str, command: bytes, response: bytes, sw: int, duration_ms: float
    ) -> Exchange:
        """Store one exchange; the PIN in ``command`` is masked before it is kept."""
        safe = redact_command(command)
        exchange = Exchange(
            step=step,
            command=safe,
            response=bytes(response),
            sw=sw,
            duration_ms=duration_ms,
            redacted=safe != command,
        )
        with self._lock:
            self._exchanges.append(exchange)
        return exchange

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        with self._lock:
            return tuple(self._exchanges)

    def __len__(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.exchanges)

    def to_json(self) -> str:
        return json.dumps(
            {"exchanges": [e.to_json_dict() for e in self.exchanges]}, ensure_ascii=False, indent=1
        )

    def save(self, path: Path) -> None:
        """Write the transcript as JSON (the caller chooses the folder)."""
        path.write_text(self.to_json(), encoding="utf-8")

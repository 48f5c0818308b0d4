"""What every transport offers, and choosing a reader by name."""

from __future__ import annotations

import contextlib
import fnmatch
from typing import Protocol, runtime_checkable

from reader.errors import AmbiguousReader, NoReader

VIRTUAL_READER_MARKERS = ("virtual pcd", "vpcd")


@runtime_checkable
class CardTransport(Protocol):
    """A connection to one card."""

    @property
    def reader_name(self) -> str: ...

    def connect(self) -> bytes:
        """Connect to the card and return its ATR."""
        ...

    def disconnect(self) -> None:
        """Leave the card, resetting it so no PIN stays verified for the next program."""
        ...

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU; return the response data followed by SW1 SW2."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Exclusive access to the card for a multi-APDU operation."""
        ...


def is_virtual_reader(name: str) -> bool:
    """True for vsmartcard's virtual readers (never trusted on a production desk)."""
    lowered = name.lower()
    return any(marker in lowered for marker in VIRTUAL_READER_MARKERS)


def choose_reader(readers: list[str], pattern: str | None) -> str:
    """The one reader ``pattern`` designates; never the first of several.

    An exact name wins; a pattern with ``*``, ``?`` or ``[`` is a glob; anything else
    matches as a case-insensitive substring. No pattern is fine only with one reader.
    """
    if not readers:
        raise NoReader(pattern)
    if pattern is None:
        if len(readers) == 1:
            return readers[0]
        raise AmbiguousReader(None, tuple(readers))
    if pattern in readers:
        return pattern
    if any(ch in pattern for ch in "*?["):
        matches = [r for r in readers if fnmatch.fnmatchcase(r.lower(), pattern.lower())]
    else:
        matches = [r for r in readers if pattern.lower() in r.lower()]
    if not matches:
        raise NoReader(pattern, tuple(readers))
    if len(matches) > 1:
        raise AmbiguousReader(pattern, tuple(matches))
    return matches[0]

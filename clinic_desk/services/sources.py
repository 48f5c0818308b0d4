"""What the desk's three sources give the builder (``services.assembly``).

A card source opens into ``CardParts``, a gateway source into ``GatewayParts``, a
cache source into ``CacheParts``. A new identity source (a number lookup, a face
reader's result) or a new eligibility backend (a file exchange) is one more class
with an ``open()`` that gives these parts.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from clinic_desk.checkin.ports import GatewayPort
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.reverification import Reverification
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.manager.sealing import SealFunction, seal_for_manager
from clinic_desk.services.desk import CardPanel, Closer, GatewayWatch, ManagerAccess, Starter
from offline_cache import OfflineCache
from offline_cache.models import EligibilitySnapshot, OfflineVisit
from reader.transport import CardTransport

if TYPE_CHECKING:  # the 資格確認端末's module and its XML stack load only for that desk
    from clinic_desk.services.face_desk import FaceReaderSource


class GatewayToggle(Protocol):
    """A gateway that the side panel can cut and bring back."""

    def toggle(self) -> bool:
        """True when it is now down."""
        ...


PanelFactory = Callable[[CheckInRunner, GatewayToggle | None], CardPanel]

# Re-verifies one offline visit from its snapshot (a backend without a lookup by card):
# what the backend links the visit's numbers to today, or the bare record of an answer
# that names nobody. Raises the eligibility client's errors.
VisitLookup = Callable[
    [OfflineVisit, EligibilitySnapshot], Awaitable[Reverification | EligibilityRecord]
]


@dataclass
class CardParts:
    """What a card source gives the desk."""

    transport: CardTransport
    reader: str  # for the status line
    card_source: str = ""  # "pcscd", "in_process" or "" for a real reader
    # the reader to watch for cards arriving and leaving (None: the panel tells the desk)
    monitor: str | None = None
    # the side panel, made once the check-in runner exists (virtual cards only)
    panel: PanelFactory | None = None
    closers: list[Closer] = field(default_factory=list)


@dataclass
class GatewayParts:
    """What a gateway source gives the desk: the HTTPS ``client``, or (another backend)
    its own check-in ``port`` and ``reverify`` lookup."""

    client: EligibilityClient | None = None
    port: GatewayPort | None = None
    reverify: VisitLookup | None = None
    faces: FaceReaderSource | None = None  # the 資格確認端末's face-reader check-ins
    online: bool | None = None  # as the status line starts
    switch: GatewayToggle | None = None
    starters: list[Starter] = field(default_factory=list)
    closers: list[Closer] = field(default_factory=list)


@dataclass
class CacheParts:
    """What a cache source gives the desk."""

    cache: OfflineCache
    word: str  # for the status line: "unlocked", "temporary"
    seal: SealFunction = seal_for_manager
    manager: ManagerAccess | None = None  # None: the configured manager
    starters: list[Starter] = field(default_factory=list)
    closers: list[Closer] = field(default_factory=list)


def removing(cache: OfflineCache, folder: Path) -> Callable[[], Awaitable[None]]:
    """The closer of a throw-away cache: close it, then remove its folder (a folder
    that cannot be removed is left; the cache in it is closed)."""

    async def close() -> None:
        await asyncio.to_thread(cache.close)
        with contextlib.suppress(OSError):
            await asyncio.to_thread(shutil.rmtree, folder)

    return close


class CardSource(Protocol):
    async def open(self) -> CardParts: ...


class GatewaySource(Protocol):
    async def open(self, watch: GatewayWatch) -> GatewayParts: ...


class CacheSource(Protocol):
    async def open(self) -> CacheParts: ...

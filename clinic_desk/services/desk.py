"""What a running desk is made of: the check-in runner and its surroundings.

UI-free. The Textual app receives a ``DeskServices`` in its constructor; the demo,
the tests and (later) the production configuration each build one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from pydantic import BaseModel

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.runner import CheckInRunner

log = logging.getLogger("clinic_desk.desk")

Closer = Callable[[], Awaitable[None] | None]


class DeskStatus(BaseModel):
    """What the status bar says. Words, not only colours."""

    reader: str = ""
    card_source: str = ""  # "pcscd", "in_process" or "" for a real reader
    gateway_online: bool | None = None
    cache: str = ""
    mode: str = "demo"
    # what is not ready for a check-in (from the start-up readiness check), in words
    notice: str = ""


class DemoDeck(Protocol):
    """The demo panel's controls: tap a fixture card, take it away, cut the gateway."""

    def cards(self) -> list[str]: ...

    async def tap(self, card_id: str) -> None: ...

    async def remove(self) -> None: ...

    async def toggle_gateway(self) -> bool:
        """Take the gateway down or bring it back; True when it is now down."""
        ...


class DeskServices:
    """The runner plus the status line, the demo controls and what to close at exit."""

    def __init__(
        self,
        runner: CheckInRunner,
        *,
        status: DeskStatus,
        demo: DemoDeck | None = None,
        closers: list[Closer] | None = None,
        starters: list[Callable[[DeskServices], Awaitable[None]]] | None = None,
    ) -> None:
        self.runner = runner
        self._status = status
        self.demo = demo
        self._closers = list(closers or [])
        self._starters = list(starters or [])
        self.on_status: Callable[[], None] | None = None
        self.on_card_event: Callable[[ev.Event], None] | None = None
        self._stopped = False

    def status(self) -> DeskStatus:
        return self._status

    def update_status(self, **changes: object) -> None:
        self._status = self._status.model_copy(update=changes)
        if self.on_status is not None:
            self.on_status()

    def card_event(self, event: ev.Event) -> None:
        """A card arrived or left (may be called from a card-monitor thread)."""
        if self.on_card_event is not None:
            self.on_card_event(event)

    async def start(self) -> None:
        for starter in self._starters:
            await starter(self)

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:  # let effects under way (an audit row, a flag) finish writing
            await asyncio.wait_for(self.runner.settle(), timeout=5)
        except TimeoutError:
            log.warning("effects still running at shutdown")
        self.runner.close()
        for closer in reversed(self._closers):
            try:
                result = closer()
                if result is not None:
                    await result
            except Exception:  # closing must go on for the rest
                log.exception("closing a desk service failed")

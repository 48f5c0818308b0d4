"""What a running desk is made of: the check-in runner and its surroundings.

UI-free. The Textual app receives a ``DeskServices`` in its constructor; the demo,
the tests and (later) the production configuration each build one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from pydantic import BaseModel

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView

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
    # offline visits waiting to be re-verified with the gateway
    awaiting_reverify: int = 0
    # the patient display: "" (none), "paired", "waiting" or "unavailable"
    patient_display: str = ""


class Rechecker(Protocol):
    """Re-verifies visits checked in from the cache (``services.reverify.Reverifier``)."""

    async def pending(self) -> int: ...

    async def run_once(self) -> object: ...


DEFAULT_RECHECK_INTERVAL = 60.0
# one run may not hold the desk's shutdown or the next run up for longer than this
RECHECK_RUN_TIMEOUT = 120.0


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
        reverifier: Rechecker | None = None,
        reverify_interval: float = DEFAULT_RECHECK_INTERVAL,
    ) -> None:
        self.runner = runner
        self._status = status
        self.demo = demo
        self._closers = list(closers or [])
        self._starters = list(starters or [])
        self.on_status: Callable[[], None] | None = None
        self.on_card_event: Callable[[ev.Event], None] | None = None
        self._stopped = False
        self.reverifier = reverifier
        self._reverify_interval = reverify_interval
        self._reverify_wake = asyncio.Event()
        self._reverify_run = False
        self._reverify_task: asyncio.Task[None] | None = None
        if reverifier is not None:
            runner.observers.append(self._after_checkin)

    def status(self) -> DeskStatus:
        return self._status

    def update_status(self, **changes: object) -> None:
        status = self._status.model_copy(update=changes)
        if status == self._status:
            return
        self._status = status
        if self.on_status is not None:
            self.on_status()

    def card_event(self, event: ev.Event) -> None:
        """A card arrived or left (may be called from a card-monitor thread)."""
        if self.on_card_event is not None:
            self.on_card_event(event)

    async def start(self) -> None:
        for starter in self._starters:
            await starter(self)
        if self.reverifier is not None and self._reverify_task is None and not self._stopped:
            self._reverify_task = asyncio.create_task(
                self._reverify_loop(self.reverifier), name="reverify"
            )

    # -- re-verification of offline visits ---------------------------------------------
    def request_reverify(self, *, count_only: bool = False) -> None:
        """Re-verify the pending offline visits now (e.g. the gateway is back), or only
        count them again (a visit was just queued)."""
        if not count_only:
            self._reverify_run = True
        self._reverify_wake.set()

    def _after_checkin(self, _event: ev.Event, before: DeskView, machine: CheckInMachine) -> None:
        # an online check-in that reached its result proves the gateway answers again
        if machine.stage is before.stage:
            return
        if machine.stage is Stage.SHOWN:
            self.request_reverify()
        elif machine.stage is Stage.OFFLINE_SHOWN:
            self.request_reverify(count_only=True)

    async def _reverify_loop(self, reverifier: Rechecker) -> None:
        """Runs until ``stop()``: every interval while visits wait, and when asked."""
        next_run = time.monotonic()
        while True:
            due = self._reverify_run or time.monotonic() >= next_run
            self._reverify_run = False
            try:
                if not due:  # a visit was just queued: let its write finish, then count
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.runner.settle(), 5)
                waiting = await reverifier.pending()
                if due and waiting:
                    try:
                        await asyncio.wait_for(reverifier.run_once(), RECHECK_RUN_TIMEOUT)
                    except TimeoutError:
                        log.warning("re-verification run took too long; resumed later")
                    waiting = await reverifier.pending()
            except asyncio.CancelledError:
                raise
            except Exception:  # the cache or a bug: say so, keep the desk running
                log.exception("re-verification failed")
                waiting = self._status.awaiting_reverify
            if due:
                next_run = time.monotonic() + self._reverify_interval
            if waiting != self._status.awaiting_reverify:
                self.update_status(awaiting_reverify=waiting)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._reverify_wake.wait(), max(next_run - time.monotonic(), 0)
                )
            self._reverify_wake.clear()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        task, self._reverify_task = self._reverify_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=5)
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

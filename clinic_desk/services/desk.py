"""What a running desk is made of: the check-in runner and its surroundings.

UI-free. ``clinic_desk.services.assembly.assemble_desk`` builds a ``DeskServices``
from a card source, a gateway source and a cache source; the Textual app receives
it in its constructor. Whatever the desk kind (demo, production, support fixture),
the status line follows the gateway, a gateway that answers again sets the
re-verification of offline visits off, and the idle lock is the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.domain.reverification import VisitAttention
from clinic_desk.texts.said import Finding

if TYPE_CHECKING:
    from clinic_desk.config import ManagerConfig
    from clinic_desk.services.face_desk import FaceReaderSource
    from clinic_desk.services.reverify import ReverifyReport

log = logging.getLogger("clinic_desk.desk")

Closer = Callable[[], Awaitable[None] | None]
# started with the desk; returns what stops it (or None)
Starter = Callable[["DeskServices"], Awaitable[Closer | None]]
DeskKind = Literal["demo", "production", "fixture"]


class DeskStatus(BaseModel):
    """What the status bar says. Words, not only colours."""

    reader: str = ""
    card_source: str = ""  # "pcscd", "in_process" or "" for a real reader
    gateway_online: bool | None = None
    cache: str = ""
    mode: str = "demo"
    # what is not ready for a check-in (from the readiness checks): in English for the
    # log and support, and as the desk says it in its language (the catalogue)
    notice: str = ""
    not_ready: tuple[Finding, ...] = ()
    # offline visits waiting to be re-verified with the gateway
    awaiting_reverify: int = 0
    # each finished check-in is written into a pseudonymised fixture (--record)
    recording: bool = False
    # offline visits whose re-check came back changed or rejected, until staff saw them
    attention: tuple[VisitAttention, ...] = ()
    # the patient display: "" (none), "paired", "waiting" or "unavailable"
    patient_display: str = ""


class VisitReverifier(Protocol):
    """Re-verifies visits checked in from the cache (``services.reverify.Reverifier``)."""

    async def pending(self) -> int: ...

    async def run_once(self) -> ReverifyReport: ...


DEFAULT_REVERIFY_INTERVAL = 60.0
# one run may not hold the desk's shutdown or the next run up for longer than this
REVERIFY_RUN_TIMEOUT = 120.0


class CardPanel(Protocol):
    """The side panel of a desk with virtual cards (demo, support fixture): tap a card
    on the reader, take it away, cut the gateway."""

    def cards(self) -> list[str]: ...

    async def tap(self, card_id: str) -> None: ...

    async def remove(self) -> None: ...

    async def toggle_gateway(self) -> bool:
        """Take the gateway down or bring it back; True when it is now down."""
        ...

    def pin_tries(self, card_id: str) -> int | None:
        """The tries left on the card's PINs now (for the panel's label)."""
        ...


GatewayListener = Callable[[bool | None, bool], None]


class GatewayWatch:
    """Whether the gateway answers, as the desk last found out.

    A check-in's call, a readiness check and the demo's gateway switch all report
    here; listeners hear each finding with the one before it.
    """

    def __init__(self, online: bool | None = None) -> None:
        self.online = online
        self._listeners: list[GatewayListener] = []

    def listen(self, listener: GatewayListener) -> None:
        self._listeners.append(listener)

    def found(self, online: bool) -> None:
        previous, self.online = self.online, online
        for listener in self._listeners:
            listener(previous, online)


@dataclass(frozen=True)
class ManagerAccess:
    """Who may open the manager's review from this desk: the configured manager, or
    the demo's own (its PIN is shown, its key lives and dies with the demo)."""

    settings: ManagerConfig
    key_path: Path | None = None
    demo_pin: str | None = None


class DeskServices:
    """The runner plus the status line, the side panel and what to start and close."""

    def __init__(
        self,
        runner: CheckInRunner,
        *,
        status: DeskStatus,
        gateway: GatewayWatch | None = None,
        demo: CardPanel | None = None,
        closers: list[Closer] | None = None,
        starters: list[Starter] | None = None,
        reverifier: VisitReverifier | None = None,
        reverify_interval: float = DEFAULT_REVERIFY_INTERVAL,
        idle_lock_seconds: float | None = None,
        manager: ManagerAccess | None = None,
        faces: FaceReaderSource | None = None,
    ) -> None:
        self.runner = runner
        self.faces = faces  # the 資格確認端末's face-reader check-ins (services.face_desk)
        self._status = status
        self.demo = demo
        self.idle_lock_seconds = idle_lock_seconds
        self.manager = manager
        self._closers = list(closers or [])
        self._starters = list(starters or [])
        self.on_status: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._card_tasks: set[asyncio.Task[None]] = set()
        self._stopped = False
        self.reverifier = reverifier
        self._reverify_interval = reverify_interval
        self._reverify_wake = asyncio.Event()
        self._reverify_run = False
        self._reverify_task: asyncio.Task[None] | None = None
        self.gateway = gateway or GatewayWatch(status.gateway_online)
        self.gateway.listen(self._gateway_found)
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

    def _gateway_found(self, previous: bool | None, online: bool) -> None:
        self.update_status(gateway_online=online)
        if online and previous is False:  # back: re-check the visits checked in offline
            self.request_reverify()

    def card_event(self, event: ev.Event) -> None:
        """A card arrived or left; may be called from a card-monitor thread."""
        loop = self._loop
        if loop is None or self._stopped:
            return
        loop.call_soon_threadsafe(self._dispatch_card_event, event)

    def _dispatch_card_event(self, event: ev.Event) -> None:
        if self._stopped:
            return
        task = asyncio.create_task(self.runner.dispatch(event), name="card-event")
        self._card_tasks.add(task)
        task.add_done_callback(self._card_tasks.discard)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for starter in self._starters:
            stop = await starter(self)
            if stop is not None:
                self._closers.append(stop)  # stopped first: closers run last first
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

    async def _reverify_loop(self, reverifier: VisitReverifier) -> None:
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
                        report = await asyncio.wait_for(reverifier.run_once(), REVERIFY_RUN_TIMEOUT)
                        self._needs_attention(report)
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

    def _needs_attention(self, report: ReverifyReport) -> None:
        if report.attention:
            self.update_status(attention=(*self._status.attention, *report.attention))

    def attention_seen(self) -> None:
        """Staff saw the notices of visits whose re-check did not confirm them."""
        self.update_status(attention=())

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
        await close_all(self._closers)


async def close_all(closers: list[Closer]) -> None:
    """Call ``closers`` last first; one that fails does not keep the others from running."""
    for closer in reversed(closers):
        try:
            result = closer()
            if result is not None:
                await result
        except Exception:
            log.exception("closing a desk service failed")

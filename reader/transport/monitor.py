"""Cards arriving in and leaving PC/SC readers, reported from a thread of its own."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from reader.errors import AmbiguousReader, CardError, NoReader
from reader.transport.base import choose_reader
from reader.transport.pcsc_service import (
    CANCELLED,
    READER_GONE,
    TIMEOUT,
    PcscContext,
    pcsc_error,
    scard,
    status_code,
)

# pcscd needs up to ~0.4 s to notice a card that has just left; a monitor started in
# that window must not report the departure of a card it never saw arrive.
_GHOST_WINDOW = 1.0


@dataclass(frozen=True)
class CardEvent:
    kind: Literal["inserted", "removed"]
    reader: str
    atr: bytes = b""


def _card_events(state: int) -> int:
    """pcsc-lite counts a reader's card insertions and removals in the upper 16 bits
    of its event state (0 where the service does not count them)."""
    return (state >> 16) & 0xFFFF


def _presence(state: int) -> bool | None:
    """True: a powered card; False: an empty reader; None: not clear yet."""
    s = scard()
    if state & s.SCARD_STATE_EMPTY:
        return False
    if state & s.SCARD_STATE_PRESENT and not state & (s.SCARD_STATE_MUTE | s.SCARD_STATE_UNPOWERED):
        return True
    return None


class CardMonitor:
    """Reports cards arriving in and leaving the readers matching a pattern.

    Runs in its own daemon thread with its own PC/SC context; ``stop()`` cancels the
    blocking wait and joins the thread. Events go to ``on_event`` when given (called
    from the monitor thread), otherwise to a queue read with ``get()``.
    """

    def __init__(
        self,
        reader_pattern: str | None = None,
        on_event: Callable[[CardEvent], None] | None = None,
        *,
        poll_ms: int = 500,
    ) -> None:
        self._pattern = reader_pattern
        self._on_event = on_event
        self._poll_ms = poll_ms
        self._events: queue.Queue[CardEvent] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: PcscContext | None = None
        self._ready = threading.Event()
        self.error: CardError | None = None

    def start(self) -> CardMonitor:
        self._context = PcscContext()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=5)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._context is not None:
            with contextlib.suppress(Exception):
                scard().SCardCancel(self._context.handle)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._context is not None:
            self._context.release()
            self._context = None

    def get(self, timeout: float | None = None) -> CardEvent | None:
        """The next event, or None after ``timeout`` seconds."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def __enter__(self) -> CardMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _emit(self, event: CardEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)
        else:
            self._events.put(event)

    def _watched(self) -> list[str]:
        assert self._context is not None
        names = self._context.readers()
        if self._pattern is None:
            return names
        try:
            return [choose_reader(names, self._pattern)]
        except NoReader:
            return []
        except AmbiguousReader as exc:
            return list(exc.matches)

    def _run(self) -> None:
        s = scard()
        assert self._context is not None
        present: dict[str, bool] = {}
        counted: dict[str, int] = {}  # the card events when ``present`` was last set
        states: dict[str, int] = {}
        baseline_until: dict[str, float] = {}
        try:
            while not self._stop.is_set():
                watched = self._watched()
                for gone in set(present) - set(watched):
                    if present.pop(gone):
                        self._emit(CardEvent("removed", gone))
                    states.pop(gone, None)
                    counted.pop(gone, None)
                if not watched:
                    self._ready.set()
                    self._stop.wait(self._poll_ms / 1000)
                    continue
                query = [(name, states.get(name, s.SCARD_STATE_UNAWARE)) for name in watched]
                hresult, result = s.SCardGetStatusChange(self._context.handle, self._poll_ms, query)
                code = status_code(hresult)
                if code == CANCELLED or self._stop.is_set():
                    break
                if code == TIMEOUT:
                    self._ready.set()
                    continue
                if hresult != s.SCARD_S_SUCCESS:
                    if code in READER_GONE:
                        continue
                    raise pcsc_error(hresult)
                for name, state, atr in result:
                    states[name] = state & ~s.SCARD_STATE_CHANGED
                    now = _presence(state)
                    before = present.get(name)
                    if before is None:
                        # The first look is the baseline, not an event. An uncertain
                        # state (a card that just left still shows as unpowered for a
                        # moment) counts as absent, so its ghost never reports a removal.
                        present[name] = bool(now)
                        counted[name] = _card_events(state)
                        if now:
                            baseline_until[name] = time.monotonic() + _GHOST_WINDOW
                        continue
                    if now is None:
                        continue  # unpowered or mute: wait for a clear state
                    present[name] = now
                    events = (_card_events(state) - counted.get(name, 0)) & 0xFFFF
                    counted[name] = _card_events(state)
                    if now and before and events >= 2:
                        # a card left and the next one came while this thread was not
                        # looking (a loaded machine): both happened, say both
                        self._emit(CardEvent("removed", name))
                        self._emit(CardEvent("inserted", name, bytes(atr)))
                    elif now and not before:
                        self._emit(CardEvent("inserted", name, bytes(atr)))
                    elif before and not now:
                        if time.monotonic() < baseline_until.pop(name, 0.0):
                            continue  # a card already leaving when we started looking
                        self._emit(CardEvent("removed", name))
                self._ready.set()
        except CardError as exc:
            self.error = exc
        finally:
            self._ready.set()

    @property
    def running(self) -> bool:
        """Whether the monitor thread is running."""
        return self._thread is not None and self._thread.is_alive()

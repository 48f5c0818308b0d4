"""Getting APDUs to a card: PC/SC through pyscard, or a virtual card in-process.

``CardTransport`` is what the My Number protocol talks to. ``PcscTransport`` uses
pyscard's thin ``smartcard.scard`` layer (the same calls a real USB/NFC reader
uses); ``InProcessTransport`` hands APDUs straight to a ``VirtualCard`` for unit
tests and machines without pcscd.
"""

from __future__ import annotations

import contextlib
import fnmatch
import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from reader.errors import (
    AmbiguousReader,
    CardCommunicationError,
    CardError,
    CardRemoved,
    NoCard,
    NoReader,
    ReaderBusy,
    ReaderUnplugged,
    ServiceNotRunning,
    VirtualReaderRefused,
)

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


# --- PC/SC ------------------------------------------------------------------------------


_SCARD: Any = None


def _scard() -> Any:
    # Imported on first use: the module loads libpcsclite, which in-process users
    # (unit tests, machines without pcscd) never need.
    global _SCARD
    if _SCARD is None:
        from smartcard import scard

        _SCARD = scard
    return _SCARD


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


_SERVICE_DOWN = {0x8010001D, 0x8010001E}  # NO_SERVICE, SERVICE_STOPPED
_READER_GONE = {0x80100009, 0x80100017}  # UNKNOWN_READER, READER_UNAVAILABLE
_NO_READERS = 0x8010002E
_NO_CARD = 0x8010000C
_CARD_GONE = {
    0x80100069,  # W_REMOVED_CARD
    0x80100067,  # W_UNPOWERED_CARD
    0x80100066,  # W_UNRESPONSIVE_CARD
    0x8010002F,  # E_COMM_DATA_LOST
    0x80100013,  # F_COMM_ERROR
    0x80100016,  # E_NOT_TRANSACTED: pcsc-lite's answer when the reader lost the card
}
_RESET_CARD = 0x80100068
_SHARING_VIOLATION = 0x8010000B
_INVALID_HANDLE = 0x80100003
_TIMEOUT = 0x8010000A
_CANCELLED = 0x80100002
_STATUS_PRESENT = 0x0004  # SCardStatus: pcsc-lite's SCARD_PRESENT (pyscard lacks it)
# pcscd needs up to ~0.4 s to notice a card that has just left; a monitor started in
# that window must not report the departure of a card it never saw arrive.
_GHOST_WINDOW = 1.0


def pcsc_error(hresult: int, reader: str = "", *, during_exchange: bool = False) -> CardError:
    """The typed error for a PC/SC failure code."""
    code = _code(hresult)
    if code in _SERVICE_DOWN:
        return ServiceNotRunning()
    if code == _NO_READERS:
        return NoReader()
    if code in _READER_GONE:
        return ReaderUnplugged(reader)
    if code == _NO_CARD:
        return CardRemoved() if during_exchange else NoCard(reader)
    if code in _CARD_GONE:
        return CardRemoved() if during_exchange else NoCard(reader)
    if code == _RESET_CARD:
        return CardCommunicationError(
            "The card was reset by another program during the read. Nothing was read; try again."
        )
    if code == _SHARING_VIOLATION:
        return ReaderBusy(reader)
    return CardCommunicationError(
        f"The card reader reported an error (PC/SC 0x{code:08X}). Try again."
    )


class PcscContext:
    """One PC/SC context (a connection to the smart-card service)."""

    def __init__(self) -> None:
        s = _scard()
        hresult, handle = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult)
        self.handle: Any = handle

    def readers(self) -> list[str]:
        s = _scard()
        hresult, names = s.SCardListReaders(self.handle, [])
        if _code(hresult) == _NO_READERS:
            return []
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult)
        return [str(n) for n in names]

    def card_present(self, reader: str) -> tuple[bool, bytes]:
        """Whether a powered card sits in ``reader``, and its ATR."""
        s = _scard()
        hresult, states = s.SCardGetStatusChange(self.handle, 0, [(reader, s.SCARD_STATE_UNAWARE)])
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult, reader)
        _, state, atr = states[0]
        present = bool(state & s.SCARD_STATE_PRESENT) and not state & s.SCARD_STATE_MUTE
        return present, bytes(atr)

    def release(self) -> None:
        with contextlib.suppress(Exception):
            _scard().SCardReleaseContext(self.handle)


@dataclass(frozen=True)
class ReaderState:
    name: str
    card_present: bool
    atr: bytes
    virtual: bool


def list_readers() -> list[str]:
    """Names of the attached readers (raises ServiceNotRunning without pcscd)."""
    context = PcscContext()
    try:
        return context.readers()
    finally:
        context.release()


def reader_states() -> list[ReaderState]:
    """Every attached reader with whether a card is in it."""
    context = PcscContext()
    try:
        result = []
        for name in context.readers():
            present, atr = context.card_present(name)
            result.append(ReaderState(name, present, atr, is_virtual_reader(name)))
        return result
    finally:
        context.release()


def wait_for_card_state(reader: str, *, present: bool, timeout: float = 5.0) -> bool:
    """Wait until ``reader`` holds (or no longer holds) a card; False on timeout.

    "No card" means a clean empty state: right after a card leaves there is a short
    window where the reader still reports an unpowered card.
    """
    s = _scard()
    context = PcscContext()
    try:
        deadline = time.monotonic() + timeout
        known = s.SCARD_STATE_UNAWARE
        while True:
            hresult, states = s.SCardGetStatusChange(context.handle, 0, [(reader, known)])
            if hresult == s.SCARD_S_SUCCESS:
                _, state, _ = states[0]
                is_present = bool(state & s.SCARD_STATE_PRESENT)
                is_empty = bool(state & s.SCARD_STATE_EMPTY)
                if present and is_present and not state & s.SCARD_STATE_MUTE:
                    return True
                if not present and is_empty:
                    return True
            elif _code(hresult) in _SERVICE_DOWN:
                raise pcsc_error(hresult, reader)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(0.02, remaining))
    finally:
        context.release()


class PcscTransport:
    """A card in a PC/SC reader chosen by name pattern.

    ``allow_virtual`` must be set to use a vsmartcard virtual reader: vpcd listens on
    the network, so on a production desk such a reader could present a forged card.
    """

    def __init__(
        self,
        reader_pattern: str | None = None,
        *,
        allow_virtual: bool = False,
        connect_timeout: float = 1.0,
    ) -> None:
        self._pattern = reader_pattern
        self._allow_virtual = allow_virtual
        self._connect_timeout = connect_timeout
        self._context: PcscContext | None = None
        self._card: Any = None
        self._protocol: Any = None
        self._reader = ""
        self._atr = b""
        self._pattern_is_name = True  # until pcscd says there is no such reader
        # The PC/SC context is kept between reads (establishing one is a round trip to
        # pcscd) and released by close() or when the transport is collected.
        self._finalizer = weakref.finalize(self, lambda: None)

    @property
    def reader_name(self) -> str:
        return self._reader

    @property
    def atr(self) -> bytes:
        return self._atr

    def _fresh_context(self) -> PcscContext:
        if self._context is not None:
            self._context.release()
        self._context = PcscContext()
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, self._context.release)
        return self._context

    def _exact_reader(self) -> str | None:
        """The configured pattern itself when it is a reader's full name (an exact name
        cannot be ambiguous, so listing the readers first is not needed)."""
        pattern = self._pattern
        if not self._pattern_is_name or pattern is None or any(c in pattern for c in "*?["):
            return None
        if is_virtual_reader(pattern) and not self._allow_virtual:
            raise VirtualReaderRefused(pattern)
        if self._context is None:
            self._fresh_context()
        self._reader = pattern
        return pattern

    def resolve_reader(self) -> str:
        """Choose the reader (without connecting to the card)."""
        context = self._context or self._fresh_context()
        try:
            names = context.readers()
        except (ServiceNotRunning, CardCommunicationError):
            # The context outlived a pcscd restart: one fresh try.
            names = self._fresh_context().readers()
        name = choose_reader(names, self._pattern)
        if is_virtual_reader(name) and not self._allow_virtual:
            raise VirtualReaderRefused(name)
        self._reader = name
        self._pattern_is_name = name == self._pattern
        return name

    def connect(self) -> bytes:
        s = _scard()
        if self._card is not None:
            self.disconnect()  # never leak a handle that would keep the card powered
        reader = self._exact_reader() or self.resolve_reader()
        assert self._context is not None
        deadline = time.monotonic() + self._connect_timeout
        refreshed = False
        while True:
            hresult, card, protocol = s.SCardConnect(
                self._context.handle,
                reader,
                s.SCARD_SHARE_SHARED,
                s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1,
            )
            if hresult == s.SCARD_S_SUCCESS:
                break
            # Just after a card leaves (or arrives) the reader briefly reports an
            # unpowered card: wait that out before deciding there is none.
            if _code(hresult) in _CARD_GONE and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if (_code(hresult) in _SERVICE_DOWN or _code(hresult) == _INVALID_HANDLE) and (
                not refreshed
            ):
                # The kept context outlived a pcscd restart: one fresh try.
                refreshed = True
                self._fresh_context()
                continue
            if _code(hresult) in _READER_GONE and reader == self._pattern:
                # The pattern was not a reader's full name after all: choose properly.
                self._pattern_is_name = False
                reader = self.resolve_reader()
                continue
            raise pcsc_error(hresult, reader)
        self._card, self._protocol = card, protocol
        hresult, _name, _state, _proto, atr = s.SCardStatus(card)
        self._atr = bytes(atr) if hresult == s.SCARD_S_SUCCESS else b""
        return self._atr

    def disconnect(self) -> None:
        s = _scard()
        if self._card is not None:
            card, self._card = self._card, None
            # Reset: the PIN verified during this read must not stay open for others.
            with contextlib.suppress(Exception):
                s.SCardDisconnect(card, s.SCARD_RESET_CARD)

    def close(self) -> None:
        """Disconnect and release the PC/SC context."""
        self.disconnect()
        if self._context is not None:
            self._finalizer.detach()
            self._context.release()
            self._context = None

    def transmit(self, apdu: bytes) -> bytes:
        if self._card is None:
            raise CardCommunicationError("The card is not connected.")
        s = _scard()
        hresult, response = s.SCardTransmit(self._card, self._protocol, list(apdu))
        if hresult != s.SCARD_S_SUCCESS:
            error = pcsc_error(hresult, self._reader, during_exchange=True)
            if isinstance(error, CardCommunicationError) and not self._card_still_there():
                # pcscd reports a card that left mid-transaction in several ways
                # (e.g. 0x80100016 "not transacted"): what happened is a removal.
                raise CardRemoved() from None
            raise error
        if len(response) < 2:
            # A card always answers with a status word; vpcd and some readers report
            # a card that left mid-command as an empty answer.
            raise CardRemoved()
        return bytes(response)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._card is None:
            raise CardCommunicationError("The card is not connected.")
        s = _scard()
        hresult = s.SCardBeginTransaction(self._card)
        if hresult != s.SCARD_S_SUCCESS:
            if not self._card_still_there():
                # Connected to a card that was already leaving: nothing has started.
                raise NoCard(self._reader)
            raise pcsc_error(hresult, self._reader, during_exchange=True)
        try:
            yield
        finally:
            if self._card is not None:
                with contextlib.suppress(Exception):
                    s.SCardEndTransaction(self._card, s.SCARD_LEAVE_CARD)

    def _card_still_there(self) -> bool:
        s = _scard()
        hresult, _name, state, _proto, _atr = s.SCardStatus(self._card)
        return bool(hresult == s.SCARD_S_SUCCESS and state & _STATUS_PRESENT)

    def __enter__(self) -> PcscTransport:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- in-process -------------------------------------------------------------------------


class ApduProcessor(Protocol):
    """What the in-process transport needs of a card (``VirtualCard`` provides it)."""

    @property
    def atr(self) -> bytes: ...

    def reset(self) -> None: ...

    def process(self, apdu: bytes) -> bytes: ...


class InProcessTransport:
    """A virtual card called directly, without pcscd: unit tests and offline demos."""

    def __init__(self, card: ApduProcessor, reader_name: str = "in-process virtual card") -> None:
        self._card = card
        self._reader = reader_name
        self._connected = False
        self._lock = threading.Lock()

    @property
    def reader_name(self) -> str:
        return self._reader

    @property
    def card(self) -> ApduProcessor:
        return self._card

    def connect(self) -> bytes:
        from reader.virtual_card.card import CardLeftField

        try:
            self._card.reset()
        except CardLeftField:
            raise NoCard(self._reader) from None
        self._connected = True
        return self._card.atr

    def disconnect(self) -> None:
        from reader.virtual_card.card import CardLeftField

        if self._connected:
            self._connected = False
            with contextlib.suppress(CardLeftField):
                self._card.reset()

    def transmit(self, apdu: bytes) -> bytes:
        from reader.virtual_card.card import CardLeftField

        if not self._connected:
            raise CardCommunicationError("The card is not connected.")
        try:
            return self._card.process(apdu)
        except CardLeftField:
            self._connected = False
            raise CardRemoved() from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            yield

    def __enter__(self) -> InProcessTransport:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()


# --- card monitor -----------------------------------------------------------------------


@dataclass(frozen=True)
class CardEvent:
    kind: Literal["inserted", "removed"]
    reader: str
    atr: bytes = b""


def _presence(state: int) -> bool | None:
    """True: a powered card; False: an empty reader; None: not clear yet."""
    s = _scard()
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
                _scard().SCardCancel(self._context.handle)
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
        s = _scard()
        assert self._context is not None
        present: dict[str, bool] = {}
        states: dict[str, int] = {}
        baseline_until: dict[str, float] = {}
        try:
            while not self._stop.is_set():
                watched = self._watched()
                for gone in set(present) - set(watched):
                    if present.pop(gone):
                        self._emit(CardEvent("removed", gone))
                    states.pop(gone, None)
                if not watched:
                    self._ready.set()
                    self._stop.wait(self._poll_ms / 1000)
                    continue
                query = [(name, states.get(name, s.SCARD_STATE_UNAWARE)) for name in watched]
                hresult, result = s.SCardGetStatusChange(self._context.handle, self._poll_ms, query)
                code = _code(hresult)
                if code == _CANCELLED or self._stop.is_set():
                    break
                if code == _TIMEOUT:
                    self._ready.set()
                    continue
                if hresult != s.SCARD_S_SUCCESS:
                    if code in _READER_GONE:
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
                        if now:
                            baseline_until[name] = time.monotonic() + _GHOST_WINDOW
                        continue
                    if now is None:
                        continue  # unpowered or mute: wait for a clear state
                    present[name] = now
                    if now and not before:
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

"""A card in a PC/SC reader, through pyscard (a real USB/NFC reader or vpcd)."""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import Iterator
from typing import Any

from reader.errors import (
    CardCommunicationError,
    CardRemoved,
    NoCard,
    ServiceNotRunning,
    VirtualReaderRefused,
)
from reader.transport.base import choose_reader, is_virtual_reader
from reader.transport.pcsc_service import (
    CARD_GONE,
    INVALID_HANDLE,
    READER_GONE,
    SERVICE_DOWN,
    STATUS_PRESENT,
    PcscContext,
    pcsc_error,
    scard,
    status_code,
)


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
        s = scard()
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
            code = status_code(hresult)
            # Just after a card leaves (or arrives) the reader briefly reports an
            # unpowered card: wait that out before deciding there is none.
            if code in CARD_GONE and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if (code in SERVICE_DOWN or code == INVALID_HANDLE) and not refreshed:
                # The kept context outlived a pcscd restart: one fresh try.
                refreshed = True
                self._fresh_context()
                continue
            if code in READER_GONE and reader == self._pattern:
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
        s = scard()
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
        s = scard()
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

    def control_code(self, function: int) -> int:
        """``SCARD_CTL_CODE(function)`` as this platform's PC/SC defines it."""
        return int(scard().SCARD_CTL_CODE(function))

    def control(self, code: int, data: bytes) -> bytes:
        """``SCardControl``: a command to the reader itself (PIN pads, PC/SC part 10).

        It blocks while the reader waits for its keypad: call it from a worker thread."""
        if self._card is None:
            raise CardCommunicationError("The card is not connected.")
        hresult, response = scard().SCardControl(self._card, code, list(data))
        if hresult != scard().SCARD_S_SUCCESS:
            raise pcsc_error(hresult, self._reader, during_exchange=True)
        return bytes(response)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._card is None:
            raise CardCommunicationError("The card is not connected.")
        s = scard()
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
        s = scard()
        hresult, _name, state, _proto, _atr = s.SCardStatus(self._card)
        return bool(hresult == s.SCARD_S_SUCCESS and state & STATUS_PRESENT)

    def __enter__(self) -> PcscTransport:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

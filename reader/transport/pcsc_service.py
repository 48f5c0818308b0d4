"""The PC/SC service: pyscard's ``smartcard.scard`` layer, its failure codes as typed
errors, one context, and what the attached readers hold.

pyscard is imported on first use: it loads libpcsclite, which in-process users
(unit tests, machines without pcscd) never need.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

from reader.errors import (
    CardCommunicationError,
    CardError,
    CardRemoved,
    NoCard,
    NoReader,
    ReaderBusy,
    ReaderUnplugged,
    ServiceNotRunning,
)
from reader.transport.base import is_virtual_reader


def scard() -> Any:
    """pyscard's ``smartcard.scard`` module (loaded by the first call)."""
    from smartcard import scard as module

    return module


def status_code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


SERVICE_DOWN = {0x8010001D, 0x8010001E}  # NO_SERVICE, SERVICE_STOPPED
READER_GONE = {0x80100009, 0x80100017}  # UNKNOWN_READER, READER_UNAVAILABLE
NO_READERS = 0x8010002E
NO_CARD = 0x8010000C
CARD_GONE = {
    0x80100069,  # W_REMOVED_CARD
    0x80100067,  # W_UNPOWERED_CARD
    0x80100066,  # W_UNRESPONSIVE_CARD
    0x8010002F,  # E_COMM_DATA_LOST
    0x80100013,  # F_COMM_ERROR
    0x80100016,  # E_NOT_TRANSACTED: pcsc-lite's answer when the reader lost the card
}
RESET_CARD = 0x80100068
SHARING_VIOLATION = 0x8010000B
INVALID_HANDLE = 0x80100003
TIMEOUT = 0x8010000A
CANCELLED = 0x80100002
STATUS_PRESENT = 0x0004  # SCardStatus: pcsc-lite's SCARD_PRESENT (pyscard lacks it)


def pcsc_error(hresult: int, reader: str = "", *, during_exchange: bool = False) -> CardError:
    """The typed error for a PC/SC failure code."""
    code = status_code(hresult)
    if code in SERVICE_DOWN:
        return ServiceNotRunning()
    if code == NO_READERS:
        return NoReader()
    if code in READER_GONE:
        return ReaderUnplugged(reader)
    if code == NO_CARD:
        return CardRemoved() if during_exchange else NoCard(reader)
    if code in CARD_GONE:
        return CardRemoved() if during_exchange else NoCard(reader)
    if code == RESET_CARD:
        return CardCommunicationError(
            "The card was reset by another program during the read. Nothing was read; try again."
        )
    if code == SHARING_VIOLATION:
        return ReaderBusy(reader)
    return CardCommunicationError(
        f"The card reader reported an error (PC/SC 0x{code:08X}). Try again."
    )


class PcscContext:
    """One PC/SC context (a connection to the smart-card service)."""

    def __init__(self) -> None:
        s = scard()
        hresult, handle = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult)
        self.handle: Any = handle

    def readers(self) -> list[str]:
        s = scard()
        hresult, names = s.SCardListReaders(self.handle, [])
        if status_code(hresult) == NO_READERS:
            return []
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult)
        return [str(n) for n in names]

    def card_present(self, reader: str) -> tuple[bool, bytes]:
        """Whether a powered card sits in ``reader``, and its ATR."""
        s = scard()
        hresult, states = s.SCardGetStatusChange(self.handle, 0, [(reader, s.SCARD_STATE_UNAWARE)])
        if hresult != s.SCARD_S_SUCCESS:
            raise pcsc_error(hresult, reader)
        _, state, atr = states[0]
        present = bool(state & s.SCARD_STATE_PRESENT) and not state & s.SCARD_STATE_MUTE
        return present, bytes(atr)

    def release(self) -> None:
        with contextlib.suppress(Exception):
            scard().SCardReleaseContext(self.handle)


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
    s = scard()
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
            elif status_code(hresult) in SERVICE_DOWN:
                raise pcsc_error(hresult, reader)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(0.02, remaining))
    finally:
        context.release()

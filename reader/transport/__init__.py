"""Getting APDUs to a card: PC/SC through pyscard, or a virtual card in-process.

``CardTransport`` is what the My Number protocol talks to. ``PcscTransport`` uses
pyscard's thin ``smartcard.scard`` layer (the same calls a real USB/NFC reader
uses); ``InProcessTransport`` hands APDUs straight to a card emulator for unit
tests and machines without pcscd; ``CardMonitor`` reports cards arriving and
leaving. Each lives in a module of its own; this package names them all.
"""

from reader.transport.base import (
    VIRTUAL_READER_MARKERS,
    CardTransport,
    choose_reader,
    is_virtual_reader,
)
from reader.transport.in_process import ApduProcessor, InProcessTransport
from reader.transport.monitor import CardEvent, CardMonitor
from reader.transport.pcsc import PcscTransport
from reader.transport.pcsc_service import (
    PcscContext,
    ReaderState,
    list_readers,
    pcsc_error,
    reader_states,
    wait_for_card_state,
)

__all__ = [
    "VIRTUAL_READER_MARKERS",
    "ApduProcessor",
    "CardEvent",
    "CardMonitor",
    "CardTransport",
    "InProcessTransport",
    "PcscContext",
    "PcscTransport",
    "ReaderState",
    "choose_reader",
    "is_virtual_reader",
    "list_readers",
    "pcsc_error",
    "reader_states",
    "wait_for_card_state",
]

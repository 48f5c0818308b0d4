"""A virtual card called directly, without pcscd."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Protocol

from reader.errors import CardCommunicationError, CardLeftField, CardRemoved, NoCard


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
        try:
            self._card.reset()
        except CardLeftField:
            raise NoCard(self._reader) from None
        self._connected = True
        return self._card.atr

    def disconnect(self) -> None:
        if self._connected:
            self._connected = False
            with contextlib.suppress(CardLeftField):
                self._card.reset()

    def transmit(self, apdu: bytes) -> bytes:
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

"""Plug a virtual card into a real pcscd through vsmartcard's virtual reader (vpcd).

vpcd listens on TCP (35963 for "Virtual PCD 00 00", 35964 for "00 01"); the card
is the client. Every message is framed by a 2-byte big-endian length. A 1-byte
message is a control: 00 power off, 01 power on, 02 reset, 04 "send your ATR";
anything longer is a command APDU, answered with the response APDU.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from reader.errors import CardLeftField
from reader.virtual_card.card import VirtualCard

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963
FIRST_PORT = 35963

_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4

log = logging.getLogger(__name__)


def reader_name_for_port(port: int) -> str:
    """The name pcscd gives the vpcd reader that listens on ``port``."""
    return f"Virtual PCD 00 {port - FIRST_PORT:02d}"


class VpcdCardServer:
    """Runs a ``VirtualCard`` in vpcd from a background thread.

    ``start()`` returns at once; the thread keeps trying to reach vpcd until it
    answers (start order with pcscd does not matter). ``remove()`` takes the card
    out of the reader (the connection closes), ``reinsert()`` puts it back, ``stop()``
    closes everything and joins the thread.
    """

    def __init__(
        self,
        card: VirtualCard,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        retry_interval: float = 0.1,
        min_absence: float = 1.0,
    ) -> None:
        self.card = card
        self.host = host
        self.port = port
        self._retry = retry_interval
        # pcscd misses a card that comes back while it is still handling the removal
        # (notably one that left in the middle of a transaction), so a removed card
        # stays out at least this long, as a hand would keep it.
        self._min_absence = min_absence
        self._left_at: float | None = None
        self._stop = threading.Event()
        self._inserted = threading.Event()
        self._inserted.set()
        self._connected = threading.Event()
        self._sock: socket.socket | None = None
        self._sock_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.apdus_served = 0

    @property
    def reader_name(self) -> str:
        return reader_name_for_port(self.port)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> VpcdCardServer:
        self._thread = threading.Thread(
            target=self._run, name=f"vpcd-card-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def wait_connected(self, timeout: float = 5.0) -> bool:
        """Wait until vpcd has the card (pcscd sees it a few hundred ms later)."""
        return self._connected.wait(timeout)

    def remove(self) -> None:
        """Take the card out of the reader until ``reinsert()``."""
        self._inserted.clear()
        self.card.remove()
        self._left_at = time.monotonic()
        self._close()

    def reinsert(self) -> None:
        """Put the card back in the reader."""
        self.card.reinsert()
        self._inserted.set()

    def stop(self) -> None:
        self._stop.set()
        self._inserted.set()
        self._close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> VpcdCardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the thread ------------------------------------------------------------------

    def _close(self) -> None:
        with self._sock_lock:
            sock, self._sock = self._sock, None
        self._connected.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._inserted.wait()
            if self._stop.is_set():
                break
            if self._left_at is not None:
                self._stop.wait(max(0.0, self._left_at + self._min_absence - time.monotonic()))
                self._left_at = None
            sock = self._connect()
            if sock is None:
                continue
            try:
                self._serve(sock)
            except (OSError, ConnectionError):
                pass
            except CardLeftField:
                # The card left the field: vpcd sees the connection drop = card removed.
                self._inserted.clear()
                self._left_at = time.monotonic()
            finally:
                self._close()

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=2.0)
        except OSError:
            self._stop.wait(self._retry)
            return None
        sock.settimeout(None)
        # Without these a card answers in ~44 ms instead of ~0.15 ms (delayed ACKs).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _quickack(sock)
        with self._sock_lock:
            if self._stop.is_set() or not self._inserted.is_set():
                sock.close()
                return None
            self._sock = sock
        self._connected.set()
        log.debug("virtual card connected to vpcd on port %d", self.port)
        return sock

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            _quickack(sock)  # the kernel clears QUICKACK after use: re-arm every time
            header = _recv_exact(sock, 2)
            size = int.from_bytes(header, "big")
            _quickack(sock)
            message = _recv_exact(sock, size)
            if size == 1:
                self._control(sock, message[0])
                continue
            try:
                response = self.card.process(message)
            except CardLeftField:
                raise
            except Exception:
                # A fault in the emulator must not look like a removed card.
                log.exception("the virtual card failed on an APDU")
                response = b"\x6f\x00"
            self.apdus_served += 1
            sock.sendall(len(response).to_bytes(2, "big") + response)

    def _control(self, sock: socket.socket, code: int) -> None:
        if code in (_CTRL_OFF, _CTRL_ON, _CTRL_RESET):
            self.card.reset()
        elif code == _CTRL_ATR:
            atr = self.card.atr
            sock.sendall(len(atr).to_bytes(2, "big") + atr)


def _quickack(sock: socket.socket) -> None:
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        chunks += chunk
    return bytes(chunks)

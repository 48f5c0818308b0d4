"""Run the gateway: uvicorn on 127.0.0.1, in a thread (tests, demo) or in the foreground (CLI).

Starlette + uvicorn rather than the standard library: the routes are async, so a
"slow" or "never answers" fault holds no thread; uvicorn gives keep-alive (the
client's pooled connections are exercised as against a production gateway),
TLS and mTLS from its configuration, and a graceful stop on SIGINT/SIGTERM.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType

import uvicorn

from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.gateway.app import build_app
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.gateway.faults import Fault, FaultPlan
from clinic_desk.gateway.network import LOOPBACK, DelayedNetwork, NetworkHolder, NetworkModel
from clinic_desk.gateway.state import GatewayState

log = logging.getLogger("clinic_desk.gateway")


class GatewayServerError(Exception):
    """The gateway could not start; the message says why in plain words."""


@dataclass(frozen=True)
class ServerTLS:
    """Serve HTTPS with ``certificate``/``key``; require client certificates from
    ``client_ca`` when given (mTLS)."""

    certificate: Path
    key: Path
    client_ca: Path | None = None

    def check(self) -> None:
        """Raise GatewayServerError (one sentence) unless the files are usable PEM."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(str(self.certificate), str(self.key))
        except (OSError, ssl.SSLError) as exc:
            raise GatewayServerError(
                f"The TLS certificate {self.certificate} and key {self.key} cannot be used "
                f"({_reason(exc)}): both must be PEM files, and the key must belong to the "
                "certificate."
            ) from None
        if self.client_ca is not None:
            try:
                context.load_verify_locations(cafile=str(self.client_ca))
            except (OSError, ssl.SSLError) as exc:
                raise GatewayServerError(
                    f"The client CA file {self.client_ca} cannot be used ({_reason(exc)}): "
                    "it must hold PEM certificates."
                ) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc).lower().replace("_", " ")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


class GatewayServer:
    """The embedded gateway on ``host`` (loopback only) and an OS-chosen or given port.

    Use as a context manager, or ``start()``/``stop()``. ``max_seconds`` bounds its
    life: it stops by itself after that long even if nobody calls ``stop()``.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        faults: list[Fault] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ServerTLS | None = None,
        clock: Clock = utc_now,
        nonce_ttl: timedelta = timedelta(seconds=60),
        token_ttl: timedelta = timedelta(minutes=5),
        page_size: int = 10,
        processing_retry_after: float = 1.0,
        max_seconds: float | None = 600.0,
        network: NetworkModel = LOOPBACK,
    ) -> None:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise GatewayServerError(
                f"The embedded gateway listens on loopback only, not on {host}."
            )
        if tls is not None:
            tls.check()  # before anything listens: a bad file is one sentence, not a crash
        self.host = host
        self.tls = tls
        self.max_seconds = max_seconds
        # the round trip and bandwidth every request pays (gateway/network.py)
        self.network = NetworkHolder(network)
        self.state = GatewayState(
            dataset or load_dataset(),
            faults=FaultPlan(faults),
            clock=clock,
            nonce_ttl=nonce_ttl,
            token_ttl=token_ttl,
            page_size=page_size,
            processing_retry_after=processing_retry_after,
        )
        self._socket = self._bind(host, port)
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(self._config())
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    @staticmethod
    def _bind(host: str, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # proto given explicitly: asyncio sets TCP_NODELAY on accepted sockets only when
        # the protocol is IPPROTO_TCP; with proto 0, Nagle + delayed ACK add ~40 ms a request
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise GatewayServerError(
                f"The gateway cannot listen on {host}:{port}: {exc.strerror}."
            ) from None
        sock.listen(64)
        sock.set_inheritable(True)
        return sock

    def _config(self) -> uvicorn.Config:
        tls: dict[str, object] = {}
        if self.tls is not None:
            tls = {"ssl_certfile": str(self.tls.certificate), "ssl_keyfile": str(self.tls.key)}
            if self.tls.client_ca is not None:
                tls["ssl_ca_certs"] = str(self.tls.client_ca)
                tls["ssl_cert_reqs"] = ssl.CERT_REQUIRED
        return uvicorn.Config(
            DelayedNetwork(build_app(self.state), self.network),
            http="h11",
            lifespan="off",
            log_config=None,
            access_log=False,  # its lines carry Patient ids in paths; ours carry none
            server_header=False,
            limit_concurrency=64,
            timeout_keep_alive=15,
            timeout_graceful_shutdown=1,
            **tls,  # type: ignore[arg-type]
        )

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    # --- in a thread -------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> GatewayServer:
        """Serve in a background thread; returns once it accepts connections."""
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            daemon=True,
            name="clinic-desk-gateway",
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise GatewayServerError("The gateway did not start.")
            time.sleep(0.01)
        if self.max_seconds is not None:
            self._timer = threading.Timer(self.max_seconds, self._request_stop)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _request_stop(self) -> None:
        self.state.stopping = True
        self._server.should_exit = True

    def stop_soon(self) -> None:
        """Ask the server to stop without waiting (``stop`` then waits): several servers
        asked first stop side by side, each in its own thread."""
        self._request_stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and release the port."""
        if self._timer is not None:
            self._timer.cancel()
        self._request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- in the foreground (CLI) -------------------------------------------------------
    def serve(self) -> None:
        """Serve until SIGINT/SIGTERM or ``max_seconds``, then stop cleanly.

        The server runs in its thread and the main thread waits for a signal, so
        a SIGTERM ends the process with status 0 rather than re-raising it.
        """
        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda *_: stop.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self.start()
            deadline = None if self.max_seconds is None else time.monotonic() + self.max_seconds
            while not stop.is_set() and self._thread is not None and self._thread.is_alive():
                wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
                if wait <= 0:
                    break
                stop.wait(wait)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

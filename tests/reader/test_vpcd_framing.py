"""The vpcd wire protocol of VpcdCardServer, against a stand-in vpcd on loopback.

(The same server is exercised through the real pcscd + vpcd in test_through_pcscd.)
"""

from __future__ import annotations

import socket
import time

from reader.apdu import JPKI_AID, select_aid
from reader.virtual_card import VpcdCardServer
from tests.reader.conftest import make_card


def send(conn: socket.socket, payload: bytes) -> None:
    conn.sendall(len(payload).to_bytes(2, "big") + payload)


def receive(conn: socket.socket) -> bytes:
    size = int.from_bytes(conn.recv(2, socket.MSG_WAITALL), "big")
    return conn.recv(size, socket.MSG_WAITALL)


def test_framing_controls_and_socket_options() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    port = listener.getsockname()[1]
    card = make_card()
    server = VpcdCardServer(card, port=port).start()
    try:
        conn, _ = listener.accept()
        conn.settimeout(10)
        assert server.wait_connected(5)
        assert server._sock is not None
        assert server._sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        send(conn, b"\x04")  # ATR, please
        assert receive(conn) == bytes.fromhex("3BE000FF8131FE4514")
        send(conn, b"\x01")  # power on: no answer
        send(conn, select_aid(JPKI_AID))
        assert receive(conn) == b"\x90\x00"
        send(conn, bytes.fromhex("00A4020C02000A"))
        assert receive(conn) == b"\x90\x00"
        send(conn, b"\x02")  # reset clears the selection
        send(conn, bytes.fromhex("00A4020C02000A"))
        assert receive(conn) == b"\x6a\x82"
        assert server.apdus_served == 3

        server.remove()  # the connection closes: vpcd sees the card leave
        assert conn.recv(2) == b""
        conn.close()
        server.reinsert()
        began = time.monotonic()
        conn, _ = listener.accept()  # it comes back, after staying out a moment
        assert time.monotonic() - began >= 0.5
        send(conn, b"\x04")
        assert receive(conn) == bytes.fromhex("3BE000FF8131FE4514")
        conn.close()
    finally:
        server.stop()
        listener.close()


def test_a_server_without_vpcd_keeps_trying_and_stops_promptly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    server = VpcdCardServer(make_card(), port=free_port, retry_interval=0.05).start()
    assert not server.wait_connected(0.3)
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 3

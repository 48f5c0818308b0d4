"""The patient display's side of the link: pair with the desk, read screens, answer.

``DeskConnection.open`` connects to the desk's socket and says hello; the desk
welcomes it or refuses (``Refusal``). ``next_show`` returns each new screen; what the
desk sends is checked like anything else read from outside (``ProtocolError``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from clinic_desk.patient import protocol as msg


class DeskUnavailable(Exception):
    """No desk listens at the socket (not started yet, or closed)."""


class Refusal(Exception):
    """The desk refused this display; ``code`` says why."""

    def __init__(self, code: msg.RefusalCode) -> None:
        super().__init__(code.value)
        self.code = code


class DeskConnection:
    """One pairing with the desk. Use ``open``; ``close`` says goodbye."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, path: Path) -> DeskConnection:
        try:
            reader, writer = await asyncio.open_unix_connection(os.fspath(path), limit=msg.MAX_LINE)
        except OSError as exc:
            raise DeskUnavailable(exc.strerror or type(exc).__name__) from None
        connection = cls(reader, writer)
        try:
            await connection._write(msg.Hello())
            first = await connection._read()
        except BaseException:
            connection._writer.close()
            raise
        if isinstance(first, msg.Refused):
            connection._writer.close()
            raise Refusal(first.code)
        if not isinstance(first, msg.Welcome):
            connection._writer.close()
            raise msg.ProtocolError("unexpected", "The desk did not answer with a welcome.")
        return connection

    async def next_show(self) -> msg.Show:
        """The next screen; ``Refusal`` when the desk drops this display, ``DeskUnavailable``
        when the desk goes away."""
        message = await self._read()
        if isinstance(message, msg.Refused):
            raise Refusal(message.code)
        if not isinstance(message, msg.Show):
            raise msg.ProtocolError("unexpected", "The desk sent a second welcome.")
        return message

    async def answer(self, answer: msg.Answer) -> None:
        await self._write(answer)

    def close(self) -> None:
        """Say goodbye (the desk unpairs at once) and close; never waits."""
        with contextlib.suppress(OSError, RuntimeError):
            if not self._writer.is_closing():
                self._writer.write(msg.encode(msg.Goodbye()))
            self._writer.close()

    async def _write(self, message: msg.FromDisplay) -> None:
        try:
            self._writer.write(msg.encode(message))
            await self._writer.drain()
        except OSError as exc:
            raise DeskUnavailable(exc.strerror or type(exc).__name__) from None

    async def _read(self) -> msg.FromDesk:
        try:
            line = await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            raise DeskUnavailable("the desk closed the connection") from None
        except asyncio.LimitOverrunError:
            line = b""
        except OSError as exc:
            raise DeskUnavailable(exc.strerror or type(exc).__name__) from None
        if not line:
            raise msg.ProtocolError("too_long", "The message is longer than the protocol allows.")
        return msg.decode_from_desk(line)

"""A display made of a bare socket (to say what a real display never would), and the
short socket folders the link listens in."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.app import App

from clinic_desk.patient import protocol as msg

# every wait in these tests is bounded by this; no test asserts a duration
BOUND = 20.0


@contextmanager
def socket_folder() -> Iterator[Path]:
    """A fresh owner-only folder with a short path (a socket path has at most 107 bytes,
    and pytest's temporary folders can be longer)."""
    folder = Path(tempfile.mkdtemp(prefix="cdp-", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RawDisplay:
    """One connection to the desk's socket, speaking bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, path: Path) -> RawDisplay:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=1 << 20)
        return cls(reader, writer)

    async def send_line(self, line: bytes) -> None:
        self.writer.write(line)
        await self.writer.drain()

    async def send(self, message: msg.FromDisplay) -> None:
        await self.send_line(msg.encode(message))

    async def read(self) -> msg.FromDesk:
        line = await asyncio.wait_for(self.reader.readline(), BOUND)
        assert line, "the desk closed the connection"
        return msg.decode_from_desk(line)

    async def refusal(self) -> msg.RefusalCode:
        """The desk's refusal, after which it closes the connection."""
        refused = await self.read()
        assert isinstance(refused, msg.Refused), refused
        assert await asyncio.wait_for(self.reader.read(), BOUND) == b"", "closed after refusing"
        return refused.code

    async def pair(self) -> msg.Show:
        await self.send(msg.Hello())
        assert isinstance(await self.read(), msg.Welcome)
        show = await self.read()
        assert isinstance(show, msg.Show)
        return show

    def close(self) -> None:
        self.writer.close()


def screen_text(app: App[None]) -> str:
    """What the terminal shows now, as plain text."""
    svg = app.export_screenshot()
    texts = re.findall(r">([^<>]*)</text>", svg)
    return html.unescape("".join(texts)).replace("\xa0", " ")

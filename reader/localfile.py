"""Reading a small local file the reader layer is handed (a card profile, a test key).

Everything read from outside is hostile: only a regular file is read (a FIFO, a
device or a folder is refused without blocking or reading), and at most
``max_bytes`` of it. Every refusal is one ``LocalFileError`` naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused right after).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class LocalFileError(ValueError):
    """A file that cannot be used; the message says which one and why."""


def read_regular_file(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise LocalFileError(f"The {what} {path} does not exist.") from None
    except OSError as exc:
        raise LocalFileError(f"The {what} {path} cannot be read: {exc.strerror}.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LocalFileError(f"The {what} {path} is not a regular file.")
        if info.st_size > max_bytes:
            raise LocalFileError(f"The {what} {path} is larger than {max_bytes} bytes.")
        chunks = bytearray()
        while len(chunks) <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - len(chunks))
            if not chunk:
                break
            chunks += chunk
        if len(chunks) > max_bytes:  # it grew while being read
            raise LocalFileError(f"The {what} {path} is larger than {max_bytes} bytes.")
        return bytes(chunks)
    except OSError as exc:
        raise LocalFileError(f"The {what} {path} cannot be read: {exc.strerror}.") from None
    finally:
        os.close(fd)

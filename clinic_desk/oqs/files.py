"""File operations on the terminal's folders: every one bounded and regular-files-only.

Blocking: call them from a thread (the exchange and the face watcher do).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from clinic_desk.oqs.errors import OqsFormatError, OqsUnavailable

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class Seen:
    """What a file looked like at one glance: two equal glances a poll apart mean the
    writer has finished (or paused: the parser then says so, and the next glance
    decides)."""

    size: int
    mtime_ns: int


def glance(path: Path) -> Seen | None:
    """Size and mtime of a regular file; None when absent. A symlink, folder or device
    under the name is refused (OqsFormatError)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OqsUnavailable(
            f"{path.name} cannot be examined ({exc.strerror}).", code="unreadable"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise OqsFormatError(f"{path.name} is not a regular file.", code="not-regular")
    return Seen(info.st_size, info.st_mtime_ns)


def read_bounded(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a regular file, at most ``max_bytes``; None when it vanished."""
    try:
        # non-blocking: a FIFO under the name must not hang the desk on open
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if _NOFOLLOW and exc.errno == errno.ELOOP:
            raise OqsFormatError(
                f"{path.name} is not a regular file.", code="not-regular"
            ) from None
        raise OqsUnavailable(
            f"{path.name} cannot be read ({exc.strerror}).", code="unreadable"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OqsFormatError(f"{path.name} is not a regular file.", code="not-regular")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OqsFormatError(f"{path.name} is larger than {max_bytes} bytes.", code="too-large")
    return data


def write_new(folder: Path, name: str, data: bytes, mode: int) -> Path:
    """Write ``folder/name`` so that it appears whole or not at all, and never replaces
    a file of that name: a hidden temporary file, flushed, then linked (or, where
    links are not supported, renamed after a check)."""
    final = folder / name
    temp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    except OSError as exc:
        raise OqsUnavailable(
            f"The request folder {folder} cannot be written ({exc.strerror}).", code="unwritable"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)  # the umask must not take the terminal's read access away
        try:
            os.link(temp, final)
        except FileExistsError:
            raise OqsUnavailable(f"{name} exists already.", code="exists") from None
        except OSError:
            if final.exists():
                raise OqsUnavailable(f"{name} exists already.", code="exists") from None
            os.rename(temp, final)
    except OSError as exc:
        raise OqsUnavailable(
            f"The request folder {folder} cannot be written ({exc.strerror}).", code="unwritable"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return final


class Archiver(Protocol):
    """Takes a processed file out of the terminal's folder and keeps it."""

    def archive(self, path: Path, reason: str) -> object | None:
        """Keep ``path`` and remove it from the folder; None when it had vanished
        already. OqsUnavailable when it cannot be kept (the file then stays)."""
        ...

    def keep_copy(self, name: str, data: bytes, reason: str) -> object:
        """Keep what the desk itself writes (a request, before it is sent).
        OqsUnavailable when it cannot be kept (the request is then not sent)."""
        ...


class FolderArchiver:
    """Moves processed files into ``<folder>/<yyyymmdd>/<reason>/`` (owner-only).

    Answers hold personal data: the folder is created 0700, each file made 0600, and
    nothing stays in the terminal's shared folder once processed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep_copy(self, name: str, data: bytes, reason: str) -> Path:
        target_dir = self._folder_for(reason)
        return write_new(target_dir, f"{secrets.token_hex(3)}.{name}", data, 0o600)

    def _folder_for(self, reason: str) -> Path:
        day = datetime.now().strftime("%Y%m%d")
        target_dir = self.folder / day / reason
        try:
            target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            for folder in (self.folder, self.folder / day, target_dir):
                os.chmod(folder, 0o700)
        except OSError as exc:
            raise OqsUnavailable(
                f"The archive folder {self.folder} cannot be written ({exc.strerror}).",
                code="archive",
            ) from None
        return target_dir

    def archive(self, path: Path, reason: str) -> Path | None:
        """Move ``path`` away; None when it had vanished already."""
        target_dir = self._folder_for(reason)
        target = target_dir / path.name
        if target.exists():
            target = target_dir / f"{path.stem}.{secrets.token_hex(3)}{path.suffix}"
        try:
            try:
                os.rename(path, target)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                shutil.copyfile(path, target, follow_symlinks=False)
                os.unlink(path)
            os.chmod(target, 0o600)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise OqsUnavailable(
                f"{path.name} cannot be archived ({exc.strerror}).", code="archive"
            ) from None
        return target

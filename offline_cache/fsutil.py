"""Small file-system helpers: owner-only folders, atomic writes, error translation."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from offline_cache.errors import CacheDiskFull, CacheError, CacheWriteFailed

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` owner-only (0700) if it does not exist."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise os_error(exc, path) from exc
    return path


def os_error(exc: OSError, path: Path) -> CacheError:
    """The cache error that says in plain words what went wrong with ``path``."""
    if exc.errno in _FULL_ERRNOS:
        return CacheDiskFull()
    if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return CacheWriteFailed(
            f"the offline cache cannot write to {path.parent} (read-only or no permission); "
            "nothing was saved"
        )
    return CacheWriteFailed(f"the offline cache could not write {path.name}: {exc.strerror}")


def write_atomically(
    path: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False
) -> None:
    """Put ``data`` at ``path`` in one step, owner-only: after a crash the file is the old
    one (or absent) or the new one, never half written.

    ``exclusive``: never over an existing file (FileExistsError). Raises OSError.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            os.link(tmp, path)  # refuses an existing file, even one made meanwhile
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0600) so a crash leaves the old or the new file;
    a failure is the cache error that says what went wrong."""
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise os_error(exc, path) from exc


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

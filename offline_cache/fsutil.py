"""Small file-system helpers: owner-only folders, atomic writes, error translation."""

from __future__ import annotations

import contextlib
import errno
import os
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


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0600) so a crash leaves the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise os_error(exc, path) from exc


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Where the desk listens for its patient display: a Unix socket, owner-only.

The socket lives in the desk's runtime folder (``clinic_desk.paths.runtime_dir``),
which must be a real folder owned by the desk's user with no access for anyone else;
the socket itself is made 0600 as soon as it exists. Only processes of the same user
can connect, and the desk also checks the peer's user id (``SO_PEERCRED``) where the
system tells it. Why a Unix socket rather than a TCP port: docs/security.md.
"""

from __future__ import annotations

import os
import socket
import stat
import struct
from pathlib import Path
from typing import Any

from clinic_desk import paths

SOCKET_NAME = "patient-display.sock"
# sun_path is 108 bytes on Linux, one of them the terminating NUL
MAX_SOCKET_PATH = 107


class SocketFileError(Exception):
    """The socket cannot be used; ``message`` says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def socket_path() -> Path:
    """The desk's patient-display socket."""
    return paths.runtime_dir() / SOCKET_NAME


def check_length(path: Path) -> None:
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise SocketFileError(
            f"The socket path {path} is longer than {MAX_SOCKET_PATH} bytes; "
            "set CLINIC_DESK_RUNTIME_DIR to a shorter folder."
        )


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` owner-only, or check that it is: a real folder of this user
    that nobody else can enter."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except OSError as exc:
        raise SocketFileError(
            f"The runtime folder {folder} cannot be made ({exc.strerror})."
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise SocketFileError(f"The runtime folder {folder} is not a folder (a link?).")
    if info.st_uid != os.getuid():
        raise SocketFileError(f"The runtime folder {folder} belongs to another user.")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)


def stale_socket(path: Path) -> bool:
    """True when ``path`` is a socket nobody listens on (a desk that crashed left it);
    False when nothing is there. A file that is not a socket, or a socket a running
    desk listens on, is an error."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISSOCK(info.st_mode):
        raise SocketFileError(f"{path} exists and is not a socket; move it away.")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(os.fspath(path))
    except OSError:
        return True
    finally:
        probe.close()
    raise SocketFileError(
        f"Another desk already serves a patient display at {path}; "
        "one desk per runtime folder (CLINIC_DESK_RUNTIME_DIR)."
    )


def peer_is_same_user(sock: Any) -> bool:
    """Whether the process at the other end runs as this user (Linux: SO_PEERCRED).
    Where the system cannot tell, the socket's owner-only folder is the guard."""
    if sock is None:
        return False
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    size = struct.calcsize("3i")
    try:
        raw: bytes = sock.getsockopt(socket.SOL_SOCKET, option, size)
        _pid, uid, _gid = struct.unpack("3i", raw)
    except (OSError, struct.error):
        return False
    return bool(uid == os.getuid())

"""The 資格確認端末 check (``[gateway] kind = "oqs-files"``): can the desk use its folder?

In order, each failure ends the check with its fix:

1. the root and ``req/``, ``res/``, ``face/`` exist and are real folders (not a link,
   a file or a device: a link could send patients' requests anywhere);
2. ``req/`` takes a file (one hidden probe, written and removed), ``res/`` and
   ``face/`` can be listed and emptied by the desk, the desk's archive folder can be
   written;
3. the terminal answers: a request waiting in ``req/`` longer than the lookup timeout
   means nothing takes requests (the terminal's program is stopped, or watches another
   folder). No request is sent: every request is a check against the national system.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from pathlib import Path

from clinic_desk.eligibility.connection import ssl_reason
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.settings import OqsSettings
from clinic_desk.readiness.model import CheckResult, CheckStatus, result
from clinic_desk.texts.said import Said

MAX_LISTED = 500  # names looked at in req/ (the folder is outside input)


def _folder_problem(path: Path, what: str) -> CheckResult | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{what} {path} does not exist",
            "check gateway.oqs.root: it must be the 資格確認端末's shared folder, holding "
            "req/, res/ and face/ (is the share mounted?)",
            Said.of("ready.terminal.missing", path=path),
        )
    except OSError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{what} {path} cannot be examined ({ssl_reason(exc)})",
            said=Said.of("ready.terminal.unreadable", path=path),
        )
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a folder"
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{what} {path} is {kind}",
            "point gateway.oqs.root at the real folder the terminal uses",
            Said.of("ready.terminal.not_folder", path=path),
        )
    return None


def _writable(folder: Path, what: str) -> CheckResult | None:
    probe = folder / f".clinic-desk-probe-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{what} {folder} cannot be written by this desk ({ssl_reason(exc)})",
            "give the desk's account write access to the folder (the terminal's vendor "
            "documents the share's permissions)",
            Said.of("ready.terminal.unwritable", path=folder),
        )
    finally:
        with contextlib.suppress(OSError):
            os.unlink(probe)
    return None


def _stale_requests(settings: OqsSettings, now: float) -> tuple[int, float]:
    """How many requests wait in req/ longer than the lookup timeout, and the oldest age."""
    stale, oldest = 0, 0.0
    with os.scandir(settings.request_dir) as entries:
        for index, entry in enumerate(entries):
            if index >= MAX_LISTED:
                break
            if entry.name.startswith(".") or not entry.name.endswith(f.XML_SUFFIX):
                continue
            with contextlib.suppress(OSError):
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if age > settings.lookup_timeout:
                    stale += 1
                    oldest = max(oldest, age)
    return stale, oldest


def check_terminal(settings: OqsSettings, *, now: float | None = None) -> CheckResult:
    """The folder check above, as one readiness line (blocking: call in a thread)."""
    folders = (
        (settings.root, "the terminal's folder"),
        (settings.request_dir, "the request folder"),
        (settings.response_dir, "the answer folder"),
        (settings.face_dir, "the face-reader folder"),
    )
    for path, what in folders:
        problem = _folder_problem(path, what)
        if problem is not None:
            return problem
    for path, what in folders[1:]:
        problem = _writable(path, what)
        if problem is not None:
            return problem
    archive = settings.archive_folder()
    try:
        archive.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the desk's archive folder {archive} cannot be made ({ssl_reason(exc)})",
            "check the desk's data folder (CLINIC_DESK_HOME) or gateway.oqs.archive_dir",
            Said.of("ready.terminal.unwritable", path=archive),
        )
    problem = _writable(archive, "the desk's archive folder")
    if problem is not None:
        return problem
    try:
        stale, oldest = _stale_requests(settings, time.time() if now is None else now)
    except OSError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the request folder cannot be listed ({ssl_reason(exc)})",
            said=Said.of("ready.terminal.unreadable", path=settings.request_dir),
        )
    if stale:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the 資格確認端末 is not taking requests: {stale} waiting in req/, the oldest "
            f"for {oldest:.0f} s",
            "check that the terminal's program is running and watches this folder; the "
            "desk uses its offline cache meanwhile",
            Said.of("ready.terminal.stale", count=stale, seconds=f"{oldest:.0f}"),
        )
    return result(
        "gateway",
        CheckStatus.OK,
        f"the 資格確認端末's folder {settings.root} (req/, res/, face/) is ready; no "
        "request is waiting",
    )

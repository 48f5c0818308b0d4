"""The national face reader's results: files that appear in ``face/`` unrequested.

``FaceWatcher.poll()`` (blocking) takes every complete result file, parses it, and
archives it at once: a result is personal data and must not stay in the shared
folder. ``results()`` yields them asynchronously. Nothing here shows anything: the
desk starts a check-in from a result and the identity gate decides.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clinic_desk.domain.clock import utc_now
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.errors import OqsError, OqsFormatError
from clinic_desk.oqs.files import Archiver, FolderArchiver, Seen, glance, read_bounded
from clinic_desk.oqs.mapping import NumberLookup, to_lookup
from clinic_desk.oqs.qualification import parse_qualification
from clinic_desk.oqs.settings import OqsSettings

log = logging.getLogger("clinic_desk.oqs")

_FACE_NAME = re.compile(
    re.escape(f.FACE_PREFIX) + r"(?P<id>[A-Za-z0-9_\-]{1,64})_(?P<stamp>[0-9]{14})\.xml"
)
MAX_FILES_PER_POLL = 50


@dataclass(frozen=True)
class FaceResult:
    """A face-reader result, mapped like a number lookup (not shown to anyone yet)."""

    file_name: str
    written_at: datetime | None  # the time in the file name (terminal's local time)
    lookup: NumberLookup

    def __repr__(self) -> str:
        return f"FaceResult({self.file_name!r})"


@dataclass(frozen=True)
class FaceRejected:
    """A file in ``face/`` that could not be used (archived aside, reason in ``error``)."""

    file_name: str
    error: OqsError


def face_file_id(name: str) -> str | None:
    match = _FACE_NAME.fullmatch(name)
    return f"face-{match['id']}-{match['stamp']}" if match else None


class FaceWatcher:
    def __init__(
        self,
        settings: OqsSettings,
        *,
        archiver: Archiver | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.archiver: Archiver = archiver or FolderArchiver(settings.archive_folder())
        self.clock = clock
        self._seen: dict[str, Seen] = {}
        # name → digest of bytes that did not parse, and since when (monotonic)
        self._failed: dict[str, tuple[bytes, float]] = {}

    def poll(self) -> list[FaceResult | FaceRejected]:
        """Take every result file that was complete at the previous poll too."""
        folder = self.settings.face_dir
        try:
            names = sorted(p.name for p in folder.iterdir() if p.name.startswith(f.FACE_PREFIX))
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.warning("face folder cannot be listed: %s", exc.strerror)
            return []
        taken: list[FaceResult | FaceRejected] = []
        current: dict[str, Seen] = {}
        for name in names[: MAX_FILES_PER_POLL * 2]:
            path = folder / name
            try:
                seen = glance(path)
            except OqsError as exc:
                taken.append(self._reject(path, exc))
                continue
            if seen is None:
                continue
            if self._seen.get(name) != seen or seen.size == 0:
                current[name] = seen
                continue
            item = self._take(path)
            if item is None:
                continue  # unreadable once: maybe a writer that paused; looked at again
            taken.append(item)
            if len(taken) >= MAX_FILES_PER_POLL:
                break
        self._seen = current
        return taken

    def _reject(self, path: Path, error: OqsError) -> FaceRejected:
        self.archiver.archive(path, "face-rejected")
        log.info("face result %s rejected: %s", path.name, error.code)
        return FaceRejected(file_name=path.name, error=error)

    def _take(self, path: Path) -> FaceResult | FaceRejected | None:
        file_id = face_file_id(path.name)
        data = b""
        try:
            if file_id is None:
                raise OqsFormatError(f"{path.name} is not named like a face-reader result.")
            data = read_bounded(path, self.settings.max_response_bytes) or b""
            response = parse_qualification(
                data, fallback_codec=self.settings.codec, limits=self.settings.limits
            )
            lookup = to_lookup(response, file_id, self.clock())
        except OqsFormatError as exc:
            digest = hashlib.sha256(data).digest()
            before = self._failed.get(path.name)
            if file_id is not None and (before is None or before[0] != digest):
                self._failed[path.name] = (digest, time.monotonic())
                return None
            if before is not None and time.monotonic() - before[1] < self.settings.unreadable_grace:
                return None  # maybe a writer that paused
            self._failed.pop(path.name, None)
            return self._reject(path, exc)
        except OqsError as exc:
            return self._reject(path, exc)
        self._failed.pop(path.name, None)
        self.archiver.archive(path, "face")
        try:
            written: datetime | None = datetime.strptime(path.stem[-14:], "%Y%m%d%H%M%S")
        except ValueError:
            written = None  # the name's time is not a real time: the file still counts
        log.info("face result %s taken", file_id)
        return FaceResult(file_name=path.name, written_at=written, lookup=lookup)

    async def results(
        self, *, until: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> AsyncIterator[FaceResult | FaceRejected]:
        """Yield results as they arrive, until ``until`` (a ``clock()`` instant) or for
        as long as the consumer iterates (cancel the task to stop)."""
        while until is None or clock() < until:
            for item in await asyncio.to_thread(self.poll):
                yield item
            await asyncio.sleep(self.settings.poll_interval)

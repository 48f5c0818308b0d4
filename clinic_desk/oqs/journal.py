"""The desk's record of the requests it sent: no request is ever left behind unrecorded.

One JSON line per event (sent, answered, failed, timed out, withdrawn, abandoned,
late answer archived). It holds file ids, kinds, states and times only: no
numbers, names or birthdates. A request the terminal took but did not answer before
the deadline stays "abandoned" until its late answer shows up and is archived
unread; the ids of the journal are also the ids the desk never uses again.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from enum import StrEnum
from pathlib import Path

from clinic_desk.domain.clock import utc_now
from clinic_desk.oqs.errors import OqsUnavailable

_TAIL = 5000  # lines read back: older abandoned requests are past any late answer


class Entry(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    FAILED = "failed"  # .err, abnormal end, unreadable or mismatched answer
    WITHDRAWN = "withdrawn"  # timed out before the terminal took it: taken back
    ABANDONED = "abandoned"  # timed out after the terminal took it: an answer may follow
    LATE_ARCHIVED = "late-archived"  # that late answer, archived unread


class Journal:
    """Append-only, one line per write (atomic with O_APPEND), owner-only file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, file_id: str, kind: str, entry: Entry, detail: str = "") -> None:
        line = json.dumps(
            {
                "at": utc_now().isoformat(timespec="milliseconds"),
                "id": file_id,
                "kind": kind,
                "state": entry.value,
                "detail": detail[:120],
            },
            ensure_ascii=True,
        )
        data = (line + "\n").encode("ascii")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise OqsUnavailable(
                    f"The request journal {self.path} cannot be written ({exc.strerror}).",
                    code="journal",
                ) from None

    def _tail(self) -> list[dict[str, str]]:
        try:
            with self.path.open("r", encoding="ascii", errors="replace") as handle:
                lines = deque(handle, maxlen=_TAIL)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise OqsUnavailable(
                f"The request journal {self.path} cannot be read ({exc.strerror}).",
                code="journal",
            ) from None
        entries: list[dict[str, str]] = []
        for line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                continue  # a line cut by a crash: the ones after it still count
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                entries.append(value)
        return entries

    def states(self) -> dict[str, tuple[str, str]]:
        """Last state and kind of each recent file id."""
        with self._lock:
            return {e["id"]: (str(e.get("state")), str(e.get("kind"))) for e in self._tail()}

    def abandoned(self) -> list[tuple[str, str]]:
        """(file id, kind) of requests whose late answer has not been archived yet."""
        return [
            (file_id, kind)
            for file_id, (state, kind) in self.states().items()
            if state == Entry.ABANDONED.value
        ]

    def known(self, file_id: str) -> bool:
        return file_id in self.states()

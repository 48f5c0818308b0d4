"""One request and its answer through the terminal's folders.

1. Late answers to this desk's earlier timed-out requests are archived unread.
2. A new file id (desk id + time + random, checked against every file and the
   journal: never reused) goes into the request, written whole under a hidden name
   and linked into ``req/``; the journal records it.
3. The answer is awaited until the deadline: an ``.err`` file ends the wait; an answer
   is read only once two glances a poll apart see the same size and time, then it must
   parse, carry this request's ArbitraryFileIdentifier and the clinic's code; an
   answer that says "processing" (SegmentOfResult 2) is waited past.
4. Everything processed is archived; at the deadline the request is taken back if
   the terminal has not taken it, and recorded as abandoned if it has.

Only names with this request's id are touched, so desks sharing one ``res/`` never
take each other's answers. File I/O runs in a thread; the waiting is asyncio's.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from clinic_desk.oqs import fields as f
from clinic_desk.oqs.codes import SegmentOfResult
from clinic_desk.oqs.errors import (
    OqsFormatError,
    OqsMismatchError,
    OqsTerminalError,
    OqsTimeout,
    OqsUnavailable,
)
from clinic_desk.oqs.files import Archiver, FolderArchiver, Seen, glance, read_bounded, write_new
from clinic_desk.oqs.journal import Entry, Journal
from clinic_desk.oqs.qualification import envelope, parse_header, parse_message
from clinic_desk.oqs.settings import OqsSettings

log = logging.getLogger("clinic_desk.oqs")

MAX_ERR_BYTES = 64 * 1024
SETTLE_LOOK = 0.01  # seconds between the two looks at a file that has just changed
_ABNORMAL = (SegmentOfResult.ABNORMAL_END, SegmentOfResult.ABNORMAL_END_ALT)
_LATE_STATES = (Entry.ABANDONED.value, Entry.WITHDRAWN.value)


@dataclass(frozen=True)
class Answer:
    """A complete, parsed answer with this request's id (already archived)."""

    file_id: str
    root: ET.Element
    waited_processing: bool


@dataclass
class _Wait:
    """What one round trip has seen so far."""

    file_id: str
    kind: f.Exchange
    seen: dict[Path, tuple[Seen, float]] = field(default_factory=dict)  # glance, since
    handled: Seen | None = None  # the "processing" answer already read
    failed: tuple[bytes, float] | None = None  # digest of an answer that did not parse, since
    processing: bool = False
    settling: bool = False  # a file of this request changed at the last look

    @property
    def request_name(self) -> str:
        return f"{self.kind.value}{f.REQ_INFIX}{self.file_id}{f.XML_SUFFIX}"

    @property
    def response_name(self) -> str:
        return f"{self.kind.value}{f.RES_INFIX}{self.file_id}{f.XML_SUFFIX}"


def answer_names(kind: str, file_id: str) -> list[str]:
    """Every name the terminal may answer ``file_id`` under (in res/ or req/)."""
    return [
        f"{kind}{f.RES_INFIX}{file_id}{f.XML_SUFFIX}",
        f"{kind}{f.RES_INFIX}{file_id}{f.PDF_SUFFIX}",
        f"{kind}{f.REQ_INFIX}{file_id}{f.ERR_SUFFIX}",
        f"{kind}{f.RES_INFIX}{file_id}{f.ERR_SUFFIX}",
    ]


def decode_err(data: bytes, codec: str) -> str:
    for candidate in (codec, "utf-8", "cp932"):
        try:
            return data.decode(candidate).strip()[:2000]
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace").strip()[:2000]


class FileExchange:
    """Request/answer round trips for one desk. ``clock`` is monotonic seconds."""

    def __init__(
        self,
        settings: OqsSettings,
        *,
        archiver: Archiver | None = None,
        journal: Journal | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.archiver: Archiver = archiver or FolderArchiver(settings.archive_folder())
        self.journal = journal or Journal(settings.journal_file())
        self.clock = clock
        self._late: dict[str, str] | None = None  # file id → kind, awaiting a late answer
        self._used: set[str] = set()

    # --- ids ----------------------------------------------------------------------------
    def _late_answers(self) -> dict[str, str]:
        if self._late is None:
            states = self.journal.states()
            self._used.update(states)
            self._late = {i: kind for i, (state, kind) in states.items() if state in _LATE_STATES}
        return self._late

    def new_file_id(self, kind: f.Exchange) -> str:
        """An id never used before by this desk and absent from the folders."""
        self._late_answers()
        while True:
            stamp = datetime.now().strftime("%y%m%d%H%M%S")
            file_id = f"{self.settings.desk_id}{stamp}{secrets.token_hex(3)}"
            names = [f"{kind.value}{f.REQ_INFIX}{file_id}{f.XML_SUFFIX}"]
            names += answer_names(kind.value, file_id)
            folders = (self.settings.request_dir, self.settings.response_dir)
            if file_id in self._used or any((d / n).exists() for d in folders for n in names):
                continue
            self._used.add(file_id)
            return file_id

    # --- late answers -------------------------------------------------------------------
    def sweep_late(self) -> int:
        """Archive, unread, what arrived for this desk's timed-out requests."""
        late = self._late_answers()
        archived = 0
        for file_id, kind in list(late.items()):
            found = False
            for folder in (self.settings.response_dir, self.settings.request_dir):
                for name in answer_names(kind, file_id):
                    path = folder / name
                    if path.is_symlink() or path.exists():
                        found = self.archiver.archive(path, "late") is not None or found
            if found:
                self.journal.record(file_id, kind, Entry.LATE_ARCHIVED)
                del late[file_id]
                archived += 1
        return archived

    # --- one round trip -----------------------------------------------------------------
    def _send(self, kind: f.Exchange, build: Callable[[str], bytes]) -> _Wait:
        self.sweep_late()
        file_id = self.new_file_id(kind)
        data = build(file_id)
        wait = _Wait(file_id=file_id, kind=kind)
        # kept before it is sent: a request that cannot be kept is not sent
        self.archiver.keep_copy(wait.request_name, data, "sent")
        self.journal.record(file_id, kind.value, Entry.SENT)
        try:
            write_new(self.settings.request_dir, wait.request_name, data, self.settings.file_mode)
        except Exception:
            self.journal.record(file_id, kind.value, Entry.FAILED, "not written")
            raise
        log.info("oqs request %s sent (%s)", file_id, kind.value)
        return wait

    async def round_trip(
        self, kind: f.Exchange, build: Callable[[str], bytes], deadline: float
    ) -> Answer:
        """Send the request ``build(file_id)`` returns and wait for its answer until
        ``deadline`` (a ``clock()`` instant)."""
        wait = await asyncio.to_thread(self._send, kind, build)
        try:
            while True:
                answer = await asyncio.to_thread(self._poll, wait)
                if answer is not None:
                    return answer
                left = deadline - self.clock()
                if left <= 0:
                    break
                # a file that just appeared or grew is looked at again soon: two equal
                # looks tell a finished answer from one still being written
                pause = SETTLE_LOOK if wait.settling else self.settings.poll_interval
                wait.settling = False
                await asyncio.sleep(min(pause, left))
        except asyncio.CancelledError:
            self._give_up(wait)  # quick renames: done before the cancellation goes on
            raise
        except OqsUnavailable:
            # the folder or the answer cannot be used: the request is taken back or
            # recorded as abandoned, never left behind unrecorded
            await asyncio.to_thread(self._give_up, wait)
            raise
        withdrawn = await asyncio.to_thread(self._give_up, wait)
        state = "still processing" if wait.processing else "no answer"
        raise OqsTimeout(
            f"The terminal gave {state} to request {wait.file_id} before the deadline.",
            file_id=wait.file_id,
            processing=wait.processing,
            withdrawn=withdrawn,
        )

    def _give_up(self, wait: _Wait) -> bool:
        """Take the request back if the terminal has not; record what happened."""
        request = self.settings.request_dir / wait.request_name
        try:
            withdrawn = self.archiver.archive(request, "withdrawn") is not None
        except OqsUnavailable:
            # it cannot be kept now: it stays in req/, recorded, and its answer (if the
            # terminal takes it) is swept as a late one once the archive takes files again
            withdrawn = False
        entry = Entry.WITHDRAWN if withdrawn else Entry.ABANDONED
        self.journal.record(wait.file_id, wait.kind.value, entry)
        self._late_answers()[wait.file_id] = wait.kind.value
        log.info("oqs request %s %s at the deadline", wait.file_id, entry.value)
        return withdrawn

    def _stable(self, wait: _Wait, path: Path) -> Seen | None:
        """The file's glance once it has not changed for a poll (and ``settle_seconds``)."""
        now = glance(path)
        if now is None:
            wait.seen.pop(path, None)
            return None
        before = wait.seen.get(path)
        if before is None or before[0] != now:
            wait.seen[path] = (now, self.clock())
            wait.settling = True
            return None
        settled = self.clock() - before[1] >= self.settings.settle_seconds
        return now if settled and now.size > 0 else None

    def _finish(self, wait: _Wait, path: Path, reason: str, entry: Entry, detail: str) -> None:
        self.archiver.archive(path, reason)
        self.archiver.archive(self.settings.request_dir / wait.request_name, "requests")
        self.journal.record(wait.file_id, wait.kind.value, entry, detail)

    def _poll(self, wait: _Wait) -> Answer | None:
        for folder in (self.settings.response_dir, self.settings.request_dir):
            for name in answer_names(wait.kind.value, wait.file_id)[2:]:
                err = folder / name
                if self._stable(wait, err) is not None:
                    data = read_bounded(err, MAX_ERR_BYTES) or b""
                    self._finish(wait, err, "failed", Entry.FAILED, "err file")
                    raise OqsTerminalError(
                        f"The terminal refused request {wait.file_id} (error file).",
                        code="terminal-error",
                        file_id=wait.file_id,
                        terminal_message=decode_err(data, self.settings.codec),
                    )
        pdf = self.settings.response_dir / answer_names(wait.kind.value, wait.file_id)[1]
        if self._stable(wait, pdf) is not None:
            self._finish(wait, pdf, "answered", Entry.FAILED, "pdf")
            raise OqsFormatError(
                f"The terminal answered request {wait.file_id} as a PDF, not XML.",
                code="pdf",
                file_id=wait.file_id,
            )
        path = self.settings.response_dir / wait.response_name
        seen = self._stable(wait, path)
        if seen is None or seen == wait.handled:
            return None
        return self._read_answer(wait, path, seen)

    def _read_answer(self, wait: _Wait, path: Path, seen: Seen) -> Answer | None:
        data = read_bounded(path, self.settings.max_response_bytes)
        if data is None:
            return None
        try:
            root = parse_message(
                data, fallback_codec=self.settings.codec, limits=self.settings.limits
            )
            header = parse_header(envelope(root)[0])
        except OqsFormatError as exc:
            digest = hashlib.sha256(data).digest()
            if wait.failed is None or wait.failed[0] != digest:
                wait.failed = (digest, self.clock())
                return None
            if self.clock() - wait.failed[1] < self.settings.unreadable_grace:
                return None  # maybe a writer that paused: give it the grace to go on
            self._finish(wait, path, "unreadable", Entry.FAILED, exc.code)
            exc.file_id = wait.file_id
            raise
        if header.arbitrary_file_identifier != wait.file_id or (
            header.medical_institution_code is not None
            and header.medical_institution_code.strip() != self.settings.medical_institution_code
        ):
            self._finish(wait, path, "mismatched", Entry.FAILED, "mismatch")
            raise OqsMismatchError(
                f"The answer under request {wait.file_id}'s name is for another request.",
                file_id=wait.file_id,
            )
        segment = header.segment_of_result.value if header.segment_of_result else None
        if segment is SegmentOfResult.PROCESSING:
            wait.processing, wait.handled = True, seen
            return None
        if segment in _ABNORMAL:
            self._finish(wait, path, "failed", Entry.FAILED, "abnormal end")
            raise OqsTerminalError(
                f"The terminal ended request {wait.file_id} abnormally.",
                code="abnormal-end",
                file_id=wait.file_id,
                terminal_code=header.error_code,
                terminal_message=header.error_message,
            )
        self._finish(wait, path, "answered", Entry.ANSWERED, "")
        log.info("oqs request %s answered", wait.file_id)
        return Answer(file_id=wait.file_id, root=root, waited_processing=wait.processing)

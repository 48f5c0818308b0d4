"""The simulated terminal's loop: take requests from ``req/``, answer into ``res/``.

Single-threaded and bounded: it stops after ``max_seconds``, after ``max_requests``
answers, or when ``stop()`` is called (the CLI calls it on SIGTERM/Ctrl-C). Slow,
partial and processing answers are scheduled, not slept, so one slow answer does not
hold up another desk's request.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from clinic_desk.gateway.dataset import Dataset, PatientEntry
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.errors import OqsError
from clinic_desk.oqs.files import read_bounded
from clinic_desk.oqs.qualification import parse_message
from clinic_desk.oqs.reading import child, parse_yyyymmdd, text
from clinic_desk.oqs.simulator import answers
from clinic_desk.oqs.simulator.knobs import Knob, KnobKind, KnobPlan

log = logging.getLogger("clinic_desk.oqs.terminal")

MAX_REQUEST_BYTES = 64 * 1024
Action = Callable[[], object]


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    temp = folder / f".{name}.{secrets.token_hex(3)}.tmp"
    temp.write_bytes(data)
    os.chmod(temp, 0o660)
    final = folder / name
    os.replace(temp, final)
    return final


def write_face_result(
    root: Path,
    entry: PatientEntry,
    *,
    institution: str = "1311111111",
    codec: str = "utf-8",
    now: datetime | None = None,
) -> Path:
    """What the face reader leaves after a patient passes it: a qualification answer
    about ``entry``, in ``face/`` (created when missing)."""
    now = now or datetime.now()
    folder = root / f.FACE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    face_id = secrets.token_hex(6)
    coverages = [(entry, c) for c in entry.coverages[:1]]
    data = answers.qualification_answer(
        coverages, file_id=face_id, institution=institution, codec=codec, now=now
    )
    name = f"{f.FACE_PREFIX}{face_id}_{now:%Y%m%d%H%M%S}{f.XML_SUFFIX}"
    return write_atomically(folder, name, data)


class TerminalSimulator:
    def __init__(
        self,
        root: Path,
        dataset: Dataset,
        *,
        knobs: KnobPlan | None = None,
        encoding: str = "utf-8",
        poll_interval: float = 0.02,
        max_seconds: float = 3600.0,
        max_requests: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = root
        self.dataset = dataset
        self.knobs = knobs or KnobPlan()
        self.codec = "cp932" if encoding.lower().replace("-", "_") == "shift_jis" else "utf-8"
        self.poll_interval = poll_interval
        self.max_seconds = max_seconds
        self.max_requests = max_requests
        self.clock = clock
        self.answered = 0
        self._scheduled: list[tuple[float, Action]] = []
        self._stop = threading.Event()
        for name in (f.REQUEST_DIR, f.RESPONSE_DIR, f.FACE_DIR):
            (root / name).mkdir(parents=True, exist_ok=True)

    @property
    def request_dir(self) -> Path:
        return self.root / f.REQUEST_DIR

    @property
    def response_dir(self) -> Path:
        return self.root / f.RESPONSE_DIR

    def stop(self) -> None:
        self._stop.set()

    def serve(self) -> int:
        """Answer until stopped, out of time, or done; returns the requests taken."""
        end = self.clock() + self.max_seconds
        while not self._stop.is_set() and self.clock() < end:
            self.step()
            done = self.max_requests is not None and self.answered >= self.max_requests
            if done and not self._scheduled:
                break
            self._stop.wait(self.poll_interval)
        return self.answered

    def step(self) -> None:
        """Take every request in ``req/`` and run what is due."""
        now = self.clock()
        due = [action for when, action in self._scheduled if when <= now]
        self._scheduled = [(when, action) for when, action in self._scheduled if when > now]
        for action in due:
            action()
        try:
            names = sorted(p.name for p in self.request_dir.iterdir())
        except OSError:
            return
        for name in names:
            if name.startswith(".") or not name.endswith(f.XML_SUFFIX) or f.REQ_INFIX not in name:
                continue
            self._take(name)

    def _later(self, seconds: float, action: Action) -> None:
        self._scheduled.append((self.clock() + seconds, action))

    def _take(self, name: str) -> None:
        path = self.request_dir / name
        prefix, _, rest = name.partition(f.REQ_INFIX)
        file_id = rest.removesuffix(f.XML_SUFFIX)
        try:
            exchange = f.Exchange(prefix)
        except ValueError:
            return
        try:
            data = read_bounded(path, MAX_REQUEST_BYTES)
            if data is None:
                return
            root = parse_message(data, fallback_codec=self.codec)
        except OqsError:
            path.unlink(missing_ok=True)
            self._write_err(exchange, file_id, "要求ファイルを読み取れません")
            return
        path.unlink(missing_ok=True)
        self.answered += 1
        knobs = self.knobs.take(exchange)
        log.info("request %s taken (%s)", file_id, ",".join(k.kind.value for k in knobs) or "-")
        self._answer(exchange, file_id, root, knobs)

    def _write_err(self, exchange: f.Exchange, file_id: str, message: str) -> None:
        name = f"{exchange.value}{f.REQ_INFIX}{file_id}{f.ERR_SUFFIX}"
        write_atomically(self.response_dir, name, message.encode(self.codec))

    def _answer(
        self, exchange: f.Exchange, file_id: str, request: ET.Element, knobs: list[Knob]
    ) -> None:
        kinds = {k.kind: k for k in knobs}
        if KnobKind.NEVER in kinds:
            return
        if KnobKind.ERR in kinds:
            self._write_err(exchange, file_id, "資格確認端末でエラーが発生しました（E0001）")
            return
        codec = "cp932" if KnobKind.SHIFT_JIS in kinds else self.codec
        answer_id = f"{file_id}x" if KnobKind.OTHER_REQUEST in kinds else file_id
        data = self._build(exchange, answer_id, request, codec, kinds)
        if KnobKind.MALFORMED in kinds:
            data = answers.malformed(data)
        if KnobKind.ENTITY_BOMB in kinds:
            data = answers.entity_bomb()
        name = f"{exchange.value}{f.RES_INFIX}{file_id}{f.XML_SUFFIX}"
        delay = kinds[KnobKind.SLOW].seconds if KnobKind.SLOW in kinds else 0.0
        if KnobKind.PROCESSING in kinds:
            pending = self._build(exchange, answer_id, request, codec, kinds, segment="2")
            self._later(delay, lambda: write_atomically(self.response_dir, name, pending))
            delay += kinds[KnobKind.PROCESSING].seconds
        if KnobKind.PARTIAL in kinds:
            pause = kinds[KnobKind.PARTIAL].seconds
            self._later(delay, lambda: self._write_part(name, data[: len(data) // 2], "wb"))
            self._later(delay + pause, lambda: self._write_part(name, data[len(data) // 2 :], "ab"))
            return
        if delay:
            self._later(delay, lambda: write_atomically(self.response_dir, name, data))
        else:
            write_atomically(self.response_dir, name, data)

    def _write_part(self, name: str, data: bytes, mode: str) -> None:
        with (self.response_dir / name).open(mode) as handle:
            handle.write(data)

    def _build(
        self,
        exchange: f.Exchange,
        file_id: str,
        request: ET.Element,
        codec: str,
        kinds: dict[KnobKind, Knob],
        segment: str = "1",
    ) -> bytes:
        header = child(request, f.MESSAGE_HEADER)
        body = child(request, f.MESSAGE_BODY)
        institution = (
            text(header, f.MEDICAL_INSTITUTION_CODE) if header is not None else None
        ) or ""
        now = datetime.now()
        mislink = kinds.get(KnobKind.MISLINK)
        other = KnobKind.OTHER_REQUEST in kinds
        if exchange is f.Exchange.MEDICATION:
            matches = self._match_medication(header)
            entry = self._substitute(matches[0][0] if matches else None, mislink, other)
            return answers.medication_answer(
                entry, file_id=file_id, institution=institution, codec=codec, now=now
            )
        search = child(body, f.QUALIFICATION_CONFIRM_SEARCH_INFO) if body is not None else None
        matches = self._match_qualification(search)
        consent = search is not None and (text(search, f.LIMIT_CONSENT_FLAG) or "").strip() == "1"
        several = False
        if mislink is not None or other:
            entry = self._substitute(matches[0][0] if matches else None, mislink, other)
            if mislink is not None and mislink.patient_id is None and entry is not None:
                several = True
                matches = matches + [(entry, c) for c in entry.coverages[:1]]
            elif entry is not None:
                matches = [(entry, c) for c in entry.coverages[:1]]
        return answers.qualification_answer(
            matches,
            file_id=file_id,
            institution=institution,
            codec=codec,
            now=now,
            segment=segment,
            limit_consent=consent,
            several=several,
        )

    def _substitute(
        self, asked: PatientEntry | None, mislink: Knob | None, other: bool
    ) -> PatientEntry | None:
        """The record a mislink or a wrong answer names instead of the one asked for."""
        if mislink is not None and mislink.patient_id:
            return self.dataset.patient(mislink.patient_id) or asked
        if mislink is None and not other:
            return asked
        for entry in self.dataset.patients.values():
            if entry is not asked and entry.coverages:
                return entry
        return asked

    def _match_qualification(self, search: ET.Element | None) -> list[answers.Match]:
        if search is None:
            return []
        element = search
        born = text(element, f.BIRTHDATE)
        try:
            birthdate = parse_yyyymmdd(born.strip(), f.BIRTHDATE) if born else None
        except OqsError:
            return []
        return answers.find_matches(
            self.dataset,
            text(element, f.INSURER_NUMBER),
            text(element, f.INSURED_CARD_SYMBOL),
            text(element, f.INSURED_IDENTIFICATION_NUMBER),
            text(element, f.INSURED_BRANCH_NUMBER),
            birthdate,
        )

    def _match_medication(self, header: ET.Element | None) -> list[answers.Match]:
        if header is None:
            return []
        return answers.find_matches(
            self.dataset,
            text(header, f.MED_INSURER_NUMBER),
            text(header, f.MED_CARD_SYMBOL),
            text(header, f.MED_IDENTIFICATION_NUMBER),
            text(header, f.MED_BRANCH_NUMBER),
            None,
        )

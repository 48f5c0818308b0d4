"""The desk's client for a 資格確認端末: number lookups, 薬剤情報, face-reader results.

The interface the number-lookup stage and the desk call (async; file I/O runs in
threads, the desk's loop never blocks):

- ``lookup_by_number(insurer_number, symbol, number, branch, birthdate, deadline)``
  → ``NumberLookup`` (the domain's PatientRecord and EligibilityRecord, plus the
  cost-share items the domain has no place for);
- ``medications(insurer_number, symbol, number, branch, …)`` → ``MedicationAnswer``
  (the domain's MedicationHistory and the person the answer names);
- ``face_results()`` → async iterator of face-reader results.

Failures are ``OqsError``s: OqsTimeout / OqsUnavailable (use the offline path),
OqsTerminalError (the terminal or the national system refused), OqsFormatError (an
unreadable or hostile answer), OqsMismatchError (an answer for another request),
OqsInputError (the numbers typed cannot be sent).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import date

from clinic_desk.domain.clock import utc_now
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.codes import ProcessingResultStatus
from clinic_desk.oqs.errors import OqsTerminalError
from clinic_desk.oqs.exchange import FileExchange
from clinic_desk.oqs.face import FaceRejected, FaceResult, FaceWatcher
from clinic_desk.oqs.files import Archiver, FolderArchiver
from clinic_desk.oqs.journal import Journal
from clinic_desk.oqs.mapping import NumberLookup, to_lookup
from clinic_desk.oqs.medication import MedicationAnswer, medication_from_root
from clinic_desk.oqs.qualification import qualification_from_root
from clinic_desk.oqs.requests import InsuredNumbers, medication_request, qualification_request
from clinic_desk.oqs.settings import OqsSettings


class OqsClient:
    """One per desk. ``clock`` is monotonic seconds (deadlines are its instants)."""

    def __init__(
        self,
        settings: OqsSettings,
        *,
        archiver: Archiver | None = None,
        journal: Journal | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.settings = settings
        self.archiver: Archiver = archiver or FolderArchiver(settings.archive_folder())
        self.exchange = FileExchange(settings, archiver=self.archiver, journal=journal, clock=clock)
        self.clock = clock
        self.today = today
        self._face: FaceWatcher | None = None

    def deadline(self, seconds: float) -> float:
        """The instant ``seconds`` from now, for the ``deadline`` arguments."""
        return self.clock() + seconds

    async def lookup_by_number(
        self,
        insurer_number: str,
        symbol: str | None,
        number: str,
        branch: str | None,
        birthdate: date,
        deadline: float | None = None,
        *,
        limit_consent: bool = False,
    ) -> NumberLookup:
        """Eligibility by the numbers on a 資格確認書 and the birthdate.

        ``deadline`` is a ``clock()`` instant (the check-in's); by default
        ``lookup_timeout`` from now. ``limit_consent``: the patient agreed to share
        their 限度額適用 certificate.
        """
        numbers = InsuredNumbers(insurer_number, symbol, number, branch)
        settings = self.settings

        def build(file_id: str) -> bytes:
            return qualification_request(
                numbers=numbers,
                birthdate=birthdate,
                file_id=file_id,
                institution_code=settings.medical_institution_code,
                today=self.today(),
                padding=settings.insurer_padding,
                codec=settings.codec,
                limit_consent=limit_consent,
            )

        answer = await self.exchange.round_trip(
            f.Exchange.QUALIFICATION,
            build,
            deadline if deadline is not None else self.deadline(settings.lookup_timeout),
        )
        response = qualification_from_root(answer.root)
        status = response.processing_status
        if status is not None and status.value is not ProcessingResultStatus.NORMAL:
            raise OqsTerminalError(
                f"The national system could not process request {answer.file_id} "
                f"(ProcessingResultStatus {status.label}).",
                code="processing-error",
                file_id=answer.file_id,
                terminal_code=response.processing_code,
                terminal_message=response.processing_message,
            )
        return to_lookup(response, answer.file_id, utc_now())

    async def medications(
        self,
        insurer_number: str,
        symbol: str | None,
        number: str,
        branch: str | None,
        *,
        start: date | None = None,
        end: date | None = None,
        deadline: float | None = None,
    ) -> MedicationAnswer:
        """薬剤情報 (XML form) for a patient whose consent the answer to the lookup
        showed. The answer names the person: pass ``answer.person`` through the gate
        before showing ``answer.history``."""
        numbers = InsuredNumbers(insurer_number, symbol, number, branch)
        settings = self.settings

        def build(file_id: str) -> bytes:
            return medication_request(
                numbers=numbers,
                file_id=file_id,
                institution_code=settings.medical_institution_code,
                start=start,
                end=end,
                padding=settings.insurer_padding,
                codec=settings.codec,
            )

        answer = await self.exchange.round_trip(
            f.Exchange.MEDICATION,
            build,
            deadline if deadline is not None else self.deadline(settings.medication_timeout),
        )
        parsed = medication_from_root(answer.root, answer.file_id, utc_now())
        if not parsed.succeeded:
            shown = parsed.result.label if parsed.result else "missing"
            raise OqsTerminalError(
                f"The national system gave no medication information for request "
                f"{answer.file_id} (ResultCode {shown}).",
                code="no-medications",
                file_id=answer.file_id,
                terminal_code=parsed.result.raw if parsed.result else None,
                terminal_message=parsed.message,
            )
        return parsed

    def face_results(
        self, *, until: float | None = None
    ) -> AsyncIterator[FaceResult | FaceRejected]:
        """Face-reader results as they appear in ``face/`` (each archived when taken)."""
        if self._face is None:
            self._face = FaceWatcher(self.settings, archiver=self.archiver)
        return self._face.results(until=until, clock=self.clock)

"""The 資格確認端末 as the desk's eligibility backend (``[gateway] kind = "oqs-files"``).

A gateway source like the HTTPS one: it gives the check-in its gateway port, the
re-verification of offline visits its lookup, and the status line the terminal's
readiness. The national system is reached through the terminal's folder
(``clinic_desk.oqs``):

- **cards** are checked at the terminal's own face reader, not through the desk: a
  card placed on the desk's reader is refused with ``card_at_face_reader`` (the
  screen says to use the face reader); its result arrives in ``face/``, waits at
  the counter (``services.face_desk``) and goes through the identity gate
  (``checkin/face.py``); when the patient agreed at the reader, its 薬剤情報 is
  asked for with ``YZKsiquc01req`` (``medications_answer``), and the person that
  answer names must be the confirmed record's;
- **numbers** (資格確認書) are looked up with ``OQSsiquc01req`` (``lookup_answer``, the
  same ``NumberLookupAnswer`` as the HTTPS ``$lookup-by-number``): the desk's [B]
  stage, whose record then goes through the identity gate like any other; a
  **visual check** of a card has no route here (the port offers none, so the desk
  says it is unavailable before touching the card);
- **offline visits** are re-verified by the numbers and the birthdate the patient
  confirmed at the visit (the snapshot): the terminal has no lookup by card.

Errors become the HTTPS client's (``GatewayUnavailable`` for a timeout or an unusable
folder: the desk's offline path; ``GatewayProtocolError`` for what the terminal or
the national system refused or garbled), so the runner and the re-verifier need no
second set of rules.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

from pydantic import ValidationError

from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.path_runner import FaceTaken
from clinic_desk.checkin.ports import GatewayFailure, GatewaySession
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.insured_numbers import InsuredNumbers, NumberLookupInput
from clinic_desk.domain.number_lookup import NumberLookupAnswer
from clinic_desk.domain.reverification import Reverification
from clinic_desk.eligibility.errors import GatewayError, GatewayProtocolError, GatewayUnavailable
from clinic_desk.oqs import OqsClient, OqsError, OqsSettings, OqsTimeout, OqsUnavailable
from clinic_desk.oqs.files import Archiver
from clinic_desk.oqs.requests import InsuredNumbers as OqsNumbers
from clinic_desk.oqs.settings import DeskGateway
from clinic_desk.readiness.model import CheckStatus
from clinic_desk.readiness.terminal import check_terminal
from clinic_desk.services.desk import DeskServices, GatewayWatch, Starter
from clinic_desk.services.face_desk import FACE_RESULT_GONE, FaceReaderSource, FaceSession
from clinic_desk.services.gateway import found_by_number
from clinic_desk.services.periodic import every
from clinic_desk.services.sources import GatewayParts
from offline_cache.models import EligibilitySnapshot, OfflineVisit

log = logging.getLogger("clinic_desk.terminal")

CARD_AT_FACE_READER = "card_at_face_reader"
READINESS_REFRESH_SECONDS = 60.0
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def terminal_settings(gateway: DeskGateway, desk_id: str) -> OqsSettings:
    """``[gateway.oqs]``; its desk id, when not set, from the desk's own (desk-1 → desk1)."""
    oqs = gateway.oqs
    if oqs is None:
        raise ValueError("gateway.oqs is not set")
    if "desk_id" in oqs.model_fields_set:
        return oqs
    derived = _NOT_ALNUM.sub("", desk_id)[:8] or oqs.desk_id
    return oqs.model_copy(update={"desk_id": derived})


def gateway_error(exc: OqsError) -> GatewayError:
    """The HTTPS client's error for a terminal's: the desk acts on either alike."""
    if isinstance(exc, OqsTimeout | OqsUnavailable):
        return GatewayUnavailable(
            exc.message,
            desk_action="The desk uses its offline cache.",
            support_hint="Check that the 資格確認端末 is running and its folder reachable "
            "(clinic-desk doctor).",
            code=f"terminal-{exc.code}",
            request_id=exc.file_id,
        )
    return GatewayProtocolError(
        exc.message,
        desk_action="Check the patient in on paper.",
        support_hint="The terminal's answer is archived under its file id.",
        code=f"terminal-{exc.code}",
        request_id=exc.file_id,
    )


async def lookup_answer(
    client: OqsClient, numbers: InsuredNumbers, birthdate: date, deadline: float | None = None
) -> NumberLookupAnswer:
    """A number lookup through the terminal, as the HTTPS ``$lookup-by-number`` answers
    it (``found`` None for 該当資格なし); raises the HTTPS client's errors."""
    try:
        found = await client.lookup_by_number(
            numbers.insurer_number,
            numbers.symbol,
            numbers.number,
            numbers.branch,
            birthdate,
            deadline,
        )
    except OqsError as exc:
        raise gateway_error(exc) from None
    if found.patient is None:
        return NumberLookupAnswer(found=None)
    return NumberLookupAnswer(
        found=Reverification(patient=found.patient, eligibility=found.eligibility)
    )


async def medications_answer(
    client: OqsClient, numbers: OqsNumbers
) -> ev.MedicationsFetched | ev.MedicationsUnavailable:
    """One 薬剤情報 round trip: the history and the person the answer names (the
    machine checks that person against the confirmed record)."""
    try:
        answer = await client.medications(
            numbers.insurer_number, numbers.symbol, numbers.number, numbers.branch
        )
    except OqsError as exc:
        log.info("terminal medications: %s (file %s)", exc.code, exc.file_id)
        return ev.MedicationsUnavailable(reason=f"terminal-{exc.code}")
    person = answer.person
    if answer.history is None or not person.name or person.birthdate is None:
        # an answer that names nobody cannot be checked: nothing of it is shown
        return ev.MedicationsUnavailable(reason="terminal-no-person")
    named = ev.RecordIdentity(name=person.name, birthdate=person.birthdate, kana=person.kana_name)
    return ev.MedicationsFetched(history=answer.history, person=named)


class TerminalReverify:
    """Re-verification of an offline visit by the numbers and birthdate it confirmed.

    Returns what the terminal links them to today, or the bare ``EligibilityRecord``
    when the answer names nobody (該当資格なし, 複数該当)."""

    def __init__(self, client: OqsClient) -> None:
        self.client = client

    async def __call__(
        self, visit: OfflineVisit, snapshot: EligibilitySnapshot
    ) -> Reverification | EligibilityRecord:
        try:
            shown = EligibilityRecord.model_validate(snapshot.coverage).current
            birthdate = date.fromisoformat(str(snapshot.identity["birthdate"]))
        except (ValidationError, KeyError, ValueError):
            shown, birthdate = None, None
        if shown is None or birthdate is None:
            raise GatewayProtocolError(
                "The visit's snapshot names no coverage to look up by number.",
                desk_action="Staff check this visit's claim by hand.",
                support_hint="The snapshot was made without a valid coverage.",
                code="terminal-no-numbers",
            )
        try:
            found = await self.client.lookup_by_number(
                shown.insurer_number, shown.symbol, shown.number, shown.branch, birthdate
            )
        except OqsError as exc:
            raise gateway_error(exc) from None
        if found.patient is None:
            return found.eligibility
        return Reverification(patient=found.patient, eligibility=found.eligibility)


class TerminalPort:
    """The check-in's gateway port over the terminal (see the module's text for cards)."""

    def __init__(self, client: OqsClient, faces: FaceReaderSource | None = None) -> None:
        self.client = client
        self.faces = faces

    async def challenge(self) -> bytes | GatewayFailure:
        # the screen words it from the catalogue (error.card_at_face_reader), in its language
        return ev.GatewayRejected(code=CARD_AT_FACE_READER, message="")

    async def authenticate(self, *card_proof: object, **resign: object) -> GatewayFailure:
        """No card session exists with a terminal (the challenge was refused)."""
        return ev.Failed(code="unknown_challenge", message="The challenge was not issued.")

    async def fetch_record(self, session: GatewaySession) -> ev.RecordFetched | GatewayFailure:
        return ev.Failed(code="unknown_challenge", message="No card session with a terminal.")

    async def fetch_medications(
        self, session: GatewaySession
    ) -> ev.MedicationsFetched | ev.MedicationsUnavailable:
        """薬剤情報 for a face check-in the patient consented to at the reader."""
        if not isinstance(session, FaceSession):
            return ev.MedicationsUnavailable(reason=CARD_AT_FACE_READER)
        return await medications_answer(self.client, session.numbers)

    # -- the face reader's results (checkin/face.py) ------------------------------
    async def take_face_result(self, result_id: str) -> FaceTaken | GatewayFailure:
        if self.faces is None:
            return ev.Failed(code=FACE_RESULT_GONE, message="The face reader is not watched.")
        return self.faces.take(result_id)

    # -- with the desk's own credential (checkin/path_runner.py): numbers only --------
    async def lookup_by_number(
        self, lookup: NumberLookupInput
    ) -> ev.RecordFetched | pe.NumbersNotFound | GatewayFailure:
        """The record behind a 資格確認書's numbers and birthdate, not yet confirmed."""
        try:
            answer = await lookup_answer(self.client, lookup.numbers, lookup.birthdate)
        except GatewayError as exc:
            log.info("terminal number lookup: %s (file %s)", exc.code, exc.request_id)
            return ev.GatewayUnavailable(reason=exc.code)
        return found_by_number(answer)


class TerminalGateway:
    """The clinic's 資格確認端末 as the desk's gateway source."""

    def __init__(self, settings: OqsSettings, *, archiver: Archiver | None = None) -> None:
        """``archiver`` keeps the processed files (``services.evidence``: the encrypted
        cache); by default the plain ``archive_dir``."""
        self.settings = settings
        self.archiver = archiver
        self.faces: FaceReaderSource | None = None  # the face reader's check-ins

    async def open(self, watch: GatewayWatch) -> GatewayParts:
        client = OqsClient(self.settings, archiver=self.archiver)
        self.faces = FaceReaderSource(client)
        return GatewayParts(
            client=None,
            port=TerminalPort(client, self.faces),
            reverify=TerminalReverify(client),
            faces=self.faces,
            online=None,
            starters=[self._readiness(watch), self.faces.start],
        )

    def _readiness(self, watch: GatewayWatch) -> Starter:
        settings = self.settings

        async def refresh(services: DeskServices) -> None:
            found = await asyncio.to_thread(check_terminal, settings)
            watch.found(found.status is not CheckStatus.FAIL)
            notice = "" if found.status is CheckStatus.OK else f"{found.title}: {found.detail}"
            services.update_status(notice=notice)

        return every(READINESS_REFRESH_SECONDS, refresh, "terminal-readiness")

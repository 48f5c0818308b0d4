"""Face-reader results waiting at the counter (a desk on a 資格確認端末).

The terminal's watcher yields each result as it appears in ``face/`` (the file is
already out of the shared folder, kept as evidence). ``FaceDesk`` keeps the results
waiting, oldest first, and tells the counter ("a patient checked in at the face
reader": the result's id only). The receptionist opens one with the name and the
birthdate the patient states (``checkin.path_events.FaceCheckInChosen``); the
check-in machine then asks for it (``TakeFaceResult``) and ``take_face_result``
hands its record, not yet confirmed, to the identity gate (``checkin/face.py``).
Nothing of a result is shown, logged or cached in clear before that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.face import face_key
from clinic_desk.checkin.path_runner import FaceTaken
from clinic_desk.checkin.ports import GatewayFailure, StorePort
from clinic_desk.oqs import FaceRejected, FaceResult, OqsClient
from clinic_desk.oqs.codes import Consent
from clinic_desk.oqs.models import QualificationResult
from clinic_desk.oqs.requests import InsuredNumbers
from clinic_desk.services.desk import Closer, DeskServices
from clinic_desk.services.gateway import insurer_reference

log = logging.getLogger("clinic_desk.face_desk")

MAX_WAITING = 20  # results waiting at the counter; older ones are dropped (audited)
FACE_RESULT_GONE = "face_result_gone"


@dataclass(frozen=True)
class FaceSession:
    """What a face check-in's medications are fetched with: the numbers of the
    qualification the result named (never shown, never logged)."""

    numbers: InsuredNumbers

    def __repr__(self) -> str:
        return "FaceSession(…)"

    __str__ = __repr__


def medications_consented(result: QualificationResult) -> bool:
    """Whether the patient agreed at the face reader to share 薬剤情報."""
    state = result.consents.get("pharmacists")
    return (
        state is not None
        and state.consent is not None
        and (state.consent.value is Consent.CONSENTED)
    )


def taken(result: FaceResult) -> FaceTaken:
    """A face result as the check-in takes it: its record, not yet confirmed."""
    lookup = result.lookup
    patient = lookup.patient
    identity = (
        ev.RecordIdentity(name=patient.name, birthdate=patient.birthdate, kana=patient.kana_name)
        if patient is not None
        else None
    )
    answered = lookup.response.results
    only = answered[0] if len(answered) == 1 else None
    numbers = InsuredNumbers(
        (only.insurer_number or "") if only else "",
        only.symbol if only else None,
        (only.number or "") if only else "",
        only.branch if only else None,
    )
    return FaceTaken(
        taken=pe.FaceResultTaken(
            medications_consented=only is not None and medications_consented(only)
        ),
        record=ev.RecordFetched(
            patient_ref=patient.reference if patient else "",
            identity=identity,
            eligibility=lookup.eligibility,
            linked_record_ref=patient.reference if patient else "",
            insurer_reference=SecretStr(insurer_reference(lookup.eligibility)),
        ),
        session=FaceSession(numbers=numbers),
    )


class FaceDesk:
    """The face results waiting at one desk, oldest first."""

    def __init__(
        self, store: StorePort, listeners: list[Callable[[str], None]] | None = None
    ) -> None:
        self.store = store
        self.waiting: OrderedDict[str, FaceResult] = OrderedDict()
        self.listeners = listeners if listeners is not None else []
        self._lock = asyncio.Lock()

    async def arrived(self, result: FaceResult) -> str:
        """Keep ``result`` waiting and tell the counter; its id."""
        result_id = result.lookup.file_id
        await self._audit("face_result_arrived", result_id)
        self.waiting[result_id] = result
        while len(self.waiting) > MAX_WAITING:
            old, _ = self.waiting.popitem(last=False)
            await self._audit("face_result_dropped", old)
        for listener in self.listeners:  # the counter: "a patient checked in at the face reader"
            listener(result_id)
        return result_id

    def oldest(self) -> str | None:
        return next(iter(self.waiting), None)

    def take(self, result_id: str) -> FaceTaken | GatewayFailure:
        """The waiting result ``result_id`` for a check-in, off the list."""
        result = self.waiting.pop(result_id, None)
        if result is None:
            return ev.Failed(code=FACE_RESULT_GONE, message="The face result is not waiting.")
        return taken(result)

    async def _audit(self, action: str, result_id: str) -> None:
        async with self._lock:  # one writer, in order
            await asyncio.to_thread(self.store.audit, action, "face", face_key(result_id))

    async def watch(self, client: OqsClient) -> None:
        """Take results as the terminal's folder gets them, until cancelled."""
        async for item in client.face_results():
            if isinstance(item, FaceRejected):
                log.info("face result refused: %s", item.error.code)
                continue
            try:
                await self.arrived(item)
            except Exception as exc:  # a store that fails must not stop the watcher
                log.warning("face result not kept waiting: %s", type(exc).__name__)


@dataclass(frozen=True)
class SimulatedFaceReader:
    """The demo's face reader (a simulated 資格確認端末): the demo panel sends a patient
    through it, and its result arrives in ``face/`` as a real one would."""

    # (dataset patient id, whether their result says they agreed to share 薬剤情報)
    patients: tuple[tuple[str, bool], ...]
    present: Callable[[str], Awaitable[None]]  # the patient passes the reader


class FaceReaderSource:
    """Starts the watcher of ``face/`` with the desk (its audit goes to the desk's store)."""

    def __init__(self, client: OqsClient) -> None:
        self.client = client
        self.desk: FaceDesk | None = None  # the results waiting, once started
        self.listeners: list[Callable[[str], None]] = []
        self.simulated: SimulatedFaceReader | None = None  # the demo's (oqs-sim) only

    def listen(self, listener: Callable[[str], None]) -> None:
        """``listener`` hears of each result's id as it arrives (on the desk's loop)."""
        self.listeners.append(listener)

    def take(self, result_id: str) -> FaceTaken | GatewayFailure:
        if self.desk is None:
            return ev.Failed(code=FACE_RESULT_GONE, message="The face reader is not watched.")
        return self.desk.take(result_id)

    async def start(self, services: DeskServices) -> Closer:
        self.desk = desk = FaceDesk(services.runner.store, self.listeners)
        task = asyncio.create_task(desk.watch(self.client), name="face-reader")

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        return stop

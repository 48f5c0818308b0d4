"""Face-reader check-ins at the counter: results from the 資格確認端末's ``face/``.

``FaceDesk`` takes each result the terminal's watcher yields (the file is already out
of the shared folder, kept as evidence), starts a ``checkin.face.FaceCheckIn`` for
it, and carries out its effects through the desk's store port (flags, audit) on one
thread. The counter lists the check-ins waiting (codes and times only); the people's
answers go to ``birthdate_typed``, ``name_stated`` and ``staff_decided``. Nothing of
a result is shown, logged or cached until the gate and the patient confirmed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from datetime import date

from pydantic import SecretStr

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin.face import FACE_ENDINGS, FaceArrival, FaceCheckIn, FaceView
from clinic_desk.checkin.state import Effects
from clinic_desk.oqs import FaceRejected, FaceResult, OqsClient
from clinic_desk.services.desk import Closer, DeskServices
from clinic_desk.services.gateway import insurer_reference
from clinic_desk.services.store import CacheStorePort

log = logging.getLogger("clinic_desk.face_desk")

MAX_WAITING = 20  # results waiting at the counter; older ones are cancelled (audited)


def arrival_of(result: FaceResult) -> FaceArrival:
    """A face-reader result as the face check-in holds it."""
    lookup = result.lookup
    patient = lookup.patient
    return FaceArrival(
        result_id=lookup.file_id,
        name=patient.name if patient else None,
        kana=patient.kana_name if patient else None,
        birthdate=patient.birthdate if patient else None,
        eligibility=lookup.eligibility,
        linked_record_ref=patient.reference if patient else "",
        insurer_reference=SecretStr(insurer_reference(lookup.eligibility)),
    )


class FaceDesk:
    """The face check-ins of one desk, oldest first."""

    def __init__(self, store: CacheStorePort) -> None:
        self.store = store
        self.waiting: deque[FaceCheckIn] = deque()
        self._lock = asyncio.Lock()

    async def arrived(self, result: FaceResult) -> FaceCheckIn:
        checkin = FaceCheckIn(arrival_of(result))
        await self._carry_out(checkin, checkin.start())
        if checkin.stage not in FACE_ENDINGS:
            self.waiting.append(checkin)
            while len(self.waiting) > MAX_WAITING:
                old = self.waiting.popleft()
                await self._carry_out(old, old.cancel())
        return checkin

    async def birthdate_typed(self, checkin: FaceCheckIn, typed: date) -> FaceView:
        return await self._answer(checkin, checkin.birthdate_typed(typed))

    async def name_stated(self, checkin: FaceCheckIn, kana: str) -> FaceView:
        return await self._answer(checkin, checkin.name_stated(kana))

    async def staff_decided(self, checkin: FaceCheckIn, accept: bool) -> FaceView:
        return await self._answer(checkin, checkin.staff_decided(accept))

    async def cancel(self, checkin: FaceCheckIn) -> FaceView:
        return await self._answer(checkin, checkin.cancel())

    async def _answer(self, checkin: FaceCheckIn, effects: Effects) -> FaceView:
        await self._carry_out(checkin, effects)
        if checkin.stage in FACE_ENDINGS:
            with contextlib.suppress(ValueError):
                self.waiting.remove(checkin)
        return checkin.view()

    async def _carry_out(self, checkin: FaceCheckIn, effects: Effects) -> None:
        async with self._lock:  # one writer, in order
            for effect in effects:
                if isinstance(effect, fx.RaiseFlag):
                    await asyncio.to_thread(self.store.raise_flag, *effect.store_arguments())
                elif isinstance(effect, fx.Audit):
                    await asyncio.to_thread(
                        self.store.audit, effect.action, effect.detail, checkin.key
                    )

    async def watch(self, client: OqsClient) -> None:
        """Take results as the terminal's folder gets them, until cancelled."""
        async for item in client.face_results():
            if isinstance(item, FaceRejected):
                log.info("face result refused: %s", item.error.code)
                continue
            await self.arrived(item)


class FaceReaderSource:
    """Starts the watcher of ``face/`` with the desk (its store is the check-in's)."""

    def __init__(self, client: OqsClient) -> None:
        self.client = client
        self.desk: FaceDesk | None = None  # the counter's face check-ins, once started

    async def start(self, services: DeskServices) -> Closer:
        store = services.runner.store
        assert isinstance(store, CacheStorePort), "face check-ins keep flags in the cache"
        self.desk = desk = FaceDesk(store)
        task = asyncio.create_task(desk.watch(self.client), name="face-reader")

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        return stop

"""The demo's 資格確認端末: the simulator over a temporary folder, run in this process.

``clinic-desk --gateway oqs-sim`` runs the demo desk against it instead of the
embedded HTTPS gateway: the same dataset answers through ``req/`` and ``res/``, and
``clinic-desk oqs-terminal face FOLDER --patient p-yamada-taro`` (from another
terminal) leaves a face-reader result the desk picks up. The folder and the
simulator go when the desk closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
import time
from pathlib import Path

from clinic_desk import paths
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.oqs import OqsSettings
from clinic_desk.oqs.simulator import KnobPlan, TerminalSimulator, parse_knob, write_face_result
from clinic_desk.services.desk import GatewayWatch
from clinic_desk.services.face_desk import SimulatedFaceReader
from clinic_desk.services.sources import GatewayParts
from clinic_desk.services.terminal import TerminalGateway

DEMO_INSTITUTION_CODE = "1311111111"  # the public example's code (test data)
DEMO_MAX_SECONDS = 12 * 3600.0  # the simulator stops by itself after a working day
# who the demo panel can send through the face reader: one who agreed there to share
# their medication information (and has some), one with none to share
DEMO_FACE_PATIENTS = ("p-yamada-taro", "p-nakamura-akemi")


class SimulatedTerminal:
    """A gateway source: the simulator in a thread, the desk's terminal client on it.

    ``knobs``: the simulator's fault knobs (``oqs-terminal serve --fault`` specs), as a
    support fixture asks for them; ``lookup_timeout``: how long the desk waits."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        desk_id: str = "demo",
        poll_interval: float = 0.02,
        knobs: list[str] | None = None,
        lookup_timeout: float = 8.0,
    ) -> None:
        self.dataset = dataset
        self.desk_id = desk_id
        self.poll_interval = poll_interval
        self.knobs = list(knobs or [])
        self.lookup_timeout = lookup_timeout
        self.folder: Path | None = None
        self._gateway: TerminalGateway | None = None

    def arm(self) -> None:
        """The knobs are in force from the start (a replay calls this after priming)."""

    async def _present(self, patient_id: str) -> None:
        """A patient of the dataset passes the simulated face reader (the demo panel)."""
        dataset, folder = self.dataset, self.folder
        assert dataset is not None and folder is not None, "open() first"
        entry = dataset.patient(patient_id)
        if entry is None:
            raise LookupError(f"The dataset has no patient {patient_id!r}.")
        await asyncio.to_thread(
            write_face_result, folder / "terminal", entry, institution=DEMO_INSTITUTION_CODE
        )

    async def face_result(self, patient_id: str, deadline: float) -> str:
        """The face reader passes a patient of the dataset: its result is written into
        ``face/`` and taken by the desk's watcher; the id it waits under. Raises
        TimeoutError when the desk has not taken it by ``deadline`` (monotonic)."""
        gateway = self._gateway
        assert gateway is not None, "open() first"
        faces = gateway.faces
        before = set(faces.desk.waiting) if faces is not None and faces.desk is not None else set()
        await self._present(patient_id)
        while time.monotonic() < deadline:
            desk = faces.desk if faces is not None else None
            if desk is not None:
                new = [i for i in desk.waiting if i not in before]
                if new:
                    return new[-1]
            await asyncio.sleep(self.poll_interval)
        raise TimeoutError("The desk did not take the face reader's result in time.")

    async def open(self, watch: GatewayWatch) -> GatewayParts:
        dataset = self.dataset
        if dataset is None:
            dataset = await asyncio.to_thread(load_dataset)
        base = await asyncio.to_thread(paths.ensure_dir, paths.cache_dir())
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="oqs-sim-", dir=base))
        self.folder = folder
        terminal = folder / "terminal"
        self.dataset = dataset
        simulator = TerminalSimulator(
            terminal,
            dataset,
            knobs=KnobPlan([parse_knob(spec) for spec in self.knobs]),
            poll_interval=self.poll_interval,
            max_seconds=DEMO_MAX_SECONDS,
        )
        thread = threading.Thread(target=simulator.serve, name="oqs-simulator", daemon=True)
        thread.start()
        settings = OqsSettings(
            root=terminal,
            medical_institution_code=DEMO_INSTITUTION_CODE,
            desk_id=self.desk_id,
            poll_interval=0.05,
            lookup_timeout=self.lookup_timeout,
            medication_timeout=self.lookup_timeout,
            archive_dir=folder / "archive",
            journal_path=folder / "journal.jsonl",
        )
        self._gateway = gateway = TerminalGateway(settings)
        parts = await gateway.open(watch)
        if gateway.faces is not None:
            gateway.faces.simulated = SimulatedFaceReader(
                patients=tuple(
                    (p, bool(entry.medications))  # the simulator's consent flag
                    for p in DEMO_FACE_PATIENTS
                    if (entry := dataset.patient(p)) is not None
                ),
                present=self._present,
            )

        async def close() -> None:
            simulator.stop()
            await asyncio.to_thread(thread.join, 5.0)
            with contextlib.suppress(OSError):
                await asyncio.to_thread(shutil.rmtree, folder)

        parts.closers.append(close)
        return parts

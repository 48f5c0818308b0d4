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
from pathlib import Path

from clinic_desk import paths
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.oqs import OqsSettings
from clinic_desk.oqs.simulator import TerminalSimulator
from clinic_desk.services.desk import GatewayWatch
from clinic_desk.services.sources import GatewayParts
from clinic_desk.services.terminal import TerminalGateway

DEMO_INSTITUTION_CODE = "1311111111"  # the public example's code (test data)
DEMO_MAX_SECONDS = 12 * 3600.0  # the simulator stops by itself after a working day


class SimulatedTerminal:
    """A gateway source: the simulator in a thread, the desk's terminal client on it."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        desk_id: str = "demo",
        poll_interval: float = 0.02,
    ) -> None:
        self.dataset = dataset
        self.desk_id = desk_id
        self.poll_interval = poll_interval
        self.folder: Path | None = None

    async def open(self, watch: GatewayWatch) -> GatewayParts:
        dataset = self.dataset
        if dataset is None:
            dataset = await asyncio.to_thread(load_dataset)
        base = await asyncio.to_thread(paths.ensure_dir, paths.cache_dir())
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="oqs-sim-", dir=base))
        self.folder = folder
        terminal = folder / "terminal"
        simulator = TerminalSimulator(
            terminal,
            dataset,
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
            lookup_timeout=8.0,
            archive_dir=folder / "archive",
            journal_path=folder / "journal.jsonl",
        )
        parts = await TerminalGateway(settings).open(watch)

        async def close() -> None:
            simulator.stop()
            await asyncio.to_thread(thread.join, 5.0)
            with contextlib.suppress(OSError):
                await asyncio.to_thread(shutil.rmtree, folder)

        parts.closers.append(close)
        return parts

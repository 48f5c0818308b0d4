"""`clinic-desk oqs-terminal`: plain errors, and a loop that stops by itself."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from clinic_desk.oqs import OqsClient
from tests.oqs.conftest import _ENTRY, cli


def test_a_bad_fault_is_a_plain_error(root: Path) -> None:
    done = cli("oqs-terminal", "serve", str(root), "--fault", "sideways")
    assert done.returncode == 2
    assert "unknown kind" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_patient_for_the_face_reader(root: Path) -> None:
    done = cli("oqs-terminal", "face", str(root), "--patient", "p-nobody")
    assert done.returncode == 2
    assert "no Patient p-nobody" in done.stderr


async def test_serve_stops_after_its_requests(root: Path, client: OqsClient) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, "oqs-terminal", "serve", str(root),
         "--max-requests", "1", "--poll", "0.01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        found = await client.lookup_by_number("01130012", "1234", "567", "00", date(1980, 4, 1))
        assert found.patient is not None
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "stopped after 1 requests" in out

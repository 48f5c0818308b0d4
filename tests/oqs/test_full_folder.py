"""The terminal's shared folder on a full disk: the desk (another process, its file
size limited below one request) cannot write its request. It says so in one sentence,
leaves nothing half-written in ``req/``, records the failure in its journal, and the
next lookup, once there is room, goes through."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

from clinic_desk.oqs import OqsClient
from tests.cache.support import PYTHON, python_env
from tests.oqs.conftest import Terminal, make_settings

LIMIT = 320  # bytes: a journal line fits, a request (about 600 bytes) does not
_SCRIPT = """
import asyncio, resource, sys
from datetime import date
from pathlib import Path
from clinic_desk.oqs import OqsClient, OqsError, OqsSettings

class Kept:  # the desk's evidence is elsewhere (another disk): only req/ is full
    def keep_copy(self, name, data, reason):
        return name
    def archive(self, path, reason):
        path.unlink()
        return path.name

root, journal, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
settings = OqsSettings(root=root, medical_institution_code="1311111111",
                       poll_interval=0.01, journal_path=journal)
client = OqsClient(settings, archiver=Kept())
client.exchange.journal.states()  # the journal file exists before the limit
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
async def main():
    try:
        await client.lookup_by_number("01130012", "1234", "567", "00", date(1980, 4, 1),
                                      deadline=client.deadline(10))
        print("ANSWERED", flush=True)
    except OqsError as exc:
        print("ERROR", type(exc).__name__, exc.code, exc.message, flush=True)
asyncio.run(main())
"""


def test_a_full_disk_under_the_request_folder_is_one_error_and_leaves_nothing(
    tmp_path: Path, root: Path, terminal: Callable[..., Terminal]
) -> None:
    journal = tmp_path / "journal.jsonl"
    done = subprocess.run(
        [PYTHON, "-c", _SCRIPT, str(root), str(journal), str(LIMIT)],
        capture_output=True, text=True, env=python_env(), timeout=120, check=False,
    )  # fmt: skip
    line = done.stdout.strip()
    assert line.startswith("ERROR OqsUnavailable unwritable "), done.stdout + done.stderr
    assert "cannot be written" in line and "Traceback" not in done.stderr
    assert list((root / "req").iterdir()) == []  # no request, no temporary file
    states = [json.loads(x)["state"] for x in journal.read_text().splitlines()]
    assert states[-2:] == ["sent", "failed"]
    # room again: the next lookup goes through, under a new id
    terminal()
    settings = make_settings(root, journal_path=journal, archive_dir=tmp_path / "archive")
    found = asyncio.run(
        OqsClient(settings).lookup_by_number("01130012", "1234", "567", "00", date(1980, 4, 1))
    )
    assert found.patient is not None

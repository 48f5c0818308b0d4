"""Who may read what: owner-only archive and journal, readable requests for the
terminal's account, and clear errors when the desk's account lacks a right."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from clinic_desk.oqs import OqsClient, OqsTimeout
from clinic_desk.oqs.fields import Exchange
from tests.oqs.conftest import make_settings

NOBODY = 65534
_SCRIPT = """
import asyncio, sys
from datetime import date
from pathlib import Path
from clinic_desk.oqs import OqsClient, OqsError, OqsSettings
settings = OqsSettings(root=Path(sys.argv[1]), medical_institution_code="1311111111",
                       poll_interval=0.01)
async def main():
    client = OqsClient(settings)
    try:
        await client.lookup_by_number("01130012", "1234", "567", "00", date(1980, 4, 1),
                                      deadline=client.deadline(float(sys.argv[2])))
    except OqsError as exc:
        print(type(exc).__name__, exc.code, flush=True)
asyncio.run(main())
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_requests_are_readable_by_the_terminals_group_whatever_the_umask(root: Path) -> None:
    client = OqsClient(make_settings(root))
    before = os.umask(0o077)
    try:
        wait = client.exchange._send(Exchange.QUALIFICATION, lambda _: b"<XmlMsg/>")
    finally:
        os.umask(before)
    assert mode(root / "req" / wait.request_name) == 0o660
    assert [p.name for p in (root / "req").iterdir()] == [wait.request_name]  # no temp left
    assert mode(client.settings.journal_file()) == 0o600


async def test_the_archive_is_owner_only(root: Path) -> None:
    client = OqsClient(make_settings(root))
    with pytest.raises(OqsTimeout):
        await client.lookup_by_number(
            "01130012",
            "1234",
            "567",
            "00",
            date(1980, 4, 1),
            deadline=client.deadline(0.05),
        )
    archive = client.settings.archive_folder()
    files = list(archive.rglob("*.xml"))
    assert files and all(mode(p) == 0o600 for p in files)
    assert all(mode(p) == 0o700 for p in archive.rglob("*") if p.is_dir())
    assert mode(archive) == 0o700


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder another account can enter (pytest's own tmp folder is root-only).

    The tests run the desk as ``nobody`` with setpriv, so they run as root (as CI does).
    """
    folder = Path(tempfile.mkdtemp(prefix="oqs-perm-", dir="/tmp"))
    folder.chmod(0o755)
    home = folder / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_nobody(folder: Path, seconds: float) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESK_")}
    env["CLINIC_DESK_HOME"] = str(folder / "home")
    return subprocess.Popen(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         sys.executable, "-c", _SCRIPT, str(folder / "terminal"), str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def journal(folder: Path) -> list[str]:
    path = folder / "home" / "data" / "oqs-journal.jsonl"
    return [json.loads(line)["state"] for line in path.read_text().splitlines()]


def test_a_request_folder_the_desk_cannot_write(shared: Path) -> None:
    for name in ("req", "res", "face"):
        (shared / "terminal" / name).mkdir(parents=True, mode=0o755)
    shared.joinpath("terminal").chmod(0o755)
    out, err = as_nobody(shared, 5).communicate(timeout=60)
    assert out.split() == ["OqsUnavailable", "unwritable"], err
    assert journal(shared) == ["sent", "failed"]


def test_an_answer_the_desk_cannot_read(shared: Path) -> None:
    terminal = shared / "terminal"
    for name in ("req", "res", "face"):
        (terminal / name).mkdir(parents=True)
        (terminal / name).chmod(0o777)
    terminal.chmod(0o755)
    desk = as_nobody(shared, 30)
    request = None
    for _ in range(3000):
        found = list((terminal / "req").glob("OQSsiquc01req_*.xml"))
        if found:
            request = found[0]
            break
        time.sleep(0.01)
    assert request is not None
    answer = terminal / "res" / request.name.replace("req_", "res_")
    answer.write_bytes(b"<XmlMsg/>")
    answer.chmod(0o600)  # root's, not readable by the desk's account
    request.unlink()  # the terminal took it
    out, err = desk.communicate(timeout=60)
    assert out.split() == ["OqsUnavailable", "unreadable"], err
    assert journal(shared)[-1] == "abandoned"

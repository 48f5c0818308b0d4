"""The terminal's files are kept in the encrypted cache, not as plain files: through a
real simulator process, a real SQLCipher file, and a desk whose disk is full (a
file-size limit in another process) — nothing is lost and the error is one sentence."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from clinic_desk.oqs import OqsClient, OqsSettings, OqsUnavailable
from clinic_desk.services.evidence import EvidenceArchiver
from offline_cache import OfflineCache
from tests.cache.support import PASSPHRASE, PYTHON, TEST_SCRYPT_N, python_env
from tests.oqs.conftest import Terminal, make_settings

YAMADA = ("01130012", "1234", "567", "00", date(1980, 4, 1))


def _settings(root: Path) -> OqsSettings:
    return make_settings(
        root, archive_dir=root.parent / "plain-archive", journal_path=root.parent / "j.jsonl"
    )


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_an_exchange_is_kept_encrypted_and_leaves_no_plain_file(
    cache: OfflineCache, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    settings = _settings(root)
    archiver = EvidenceArchiver(cache, desk_id="desk", quarantine=settings.archive_folder())
    client = OqsClient(settings, archiver=archiver)
    found = asyncio.run(client.lookup_by_number(*YAMADA))
    assert found.patient is not None
    kept = {e[1]: e[2] for e in cache.evidence.listing()}
    request = f"OQSsiquc01req_{found.file_id}.xml"
    answer = f"OQSsiquc01res_{found.file_id}.xml"
    assert kept == {answer: "answered", request: "sent"}
    (body,) = cache.evidence.named(answer)
    assert found.file_id.encode() in body.body and b"<XmlMsg>" in body.body
    assert cache.verify().ok
    assert _files(root) == [] and _files(settings.archive_folder()) == []
    # the kept bodies are not readable in the file on disk
    raw = b"".join(p.read_bytes() for p in cache.files.data_dir.iterdir() if p.is_file())
    assert found.file_id.encode() not in raw and "診療".encode() not in raw


FULL_DISK = """
import asyncio, os, sys, resource
from datetime import date
from pathlib import Path
from offline_cache import OfflineCache, CacheError
from clinic_desk.oqs import OqsClient, OqsError, OqsSettings
from clinic_desk.services.evidence import EvidenceArchiver
data, config, passphrase, root, when = sys.argv[1:6]
cache = OfflineCache.open(data, config, passphrase)
resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, resource.RLIM_INFINITY))
def fill():  # until not even a byte fits
    for size in (30_000, 3_000, 300, 1):
        for i in range(1000):
            try:
                cache.evidence.keep(f"filler{size}-{i}.xml", os.urandom(size),
                                    reason="filler", desk_id="d")
            except CacheError as exc:
                failed = type(exc).__name__
                break
    print("FULL", failed, flush=True)
journal = Path(root).parent / "j.jsonl"
settings = OqsSettings(root=Path(root), medical_institution_code="1311111111",
                       poll_interval=0.01, archive_dir=Path(root).parent / "plain",
                       journal_path=journal)
client = OqsClient(settings, archiver=EvidenceArchiver(cache, desk_id="desk",
                                                      quarantine=settings.archive_folder()))
async def main():
    if when == "before":
        fill()
    lookup = asyncio.create_task(client.lookup_by_number(
        "01130012", "1234", "567", "00", date(1980, 4, 1), deadline=client.deadline(30)))
    if when == "after":  # once the request is on its way (the terminal answers slowly)
        while not (journal.exists() and "sent" in journal.read_text()):
            await asyncio.sleep(0.01)
        fill()
    try:
        await lookup
        print("ANSWERED", flush=True)
    except OqsError as exc:
        print("ERROR", type(exc).__name__, exc.code, exc.message, flush=True)
asyncio.run(main())
cache.close()
"""


def _full_disk(tmp_path: Path, root: Path, when: str) -> list[str]:
    OfflineCache.create(
        tmp_path / "data", tmp_path / "config", PASSPHRASE, scrypt_n=TEST_SCRYPT_N
    ).close()
    done = subprocess.run(
        [PYTHON, "-c", FULL_DISK, str(tmp_path / "data"), str(tmp_path / "config"),
         PASSPHRASE, str(root), when],
        capture_output=True, text=True, env=python_env(), timeout=120, check=False,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines[0] == "FULL CacheDiskFull", done.stdout + done.stderr
    assert lines[1].startswith("ERROR OqsUnavailable evidence "), lines[1]
    assert "cannot be kept in the desk's encrypted store" in lines[1]
    assert "the disk holding the offline cache is full" in lines[1]
    # the warning names the error, never a file's content
    assert "not kept: CacheDiskFull" in done.stderr and "Traceback" not in done.stderr
    return lines


def _later_lookup(tmp_path: Path, root: Path) -> OfflineCache:
    cache = OfflineCache.open(tmp_path / "data", tmp_path / "config", PASSPHRASE)
    settings = OqsSettings(
        root=root,
        medical_institution_code="1311111111",
        poll_interval=0.01,
        archive_dir=root.parent / "plain",
        journal_path=root.parent / "j.jsonl",
    )
    archiver = EvidenceArchiver(cache, desk_id="desk", quarantine=root.parent / "plain")
    found = asyncio.run(OqsClient(settings, archiver=archiver).lookup_by_number(*YAMADA))
    assert found.patient is not None
    return cache


def test_a_full_disk_before_sending_sends_nothing(
    tmp_path: Path, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    lines = _full_disk(tmp_path, root, "before")
    assert lines[1].endswith("it was not sent.")
    assert _files(root) == [] and _files(root.parent / "plain") == []
    assert not (root.parent / "j.jsonl").exists()  # nothing went to the national system
    with _later_lookup(tmp_path, root) as cache:
        assert cache.verify().ok


def test_a_full_disk_before_the_answer_loses_nothing(
    tmp_path: Path, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("slow:2*1")
    lines = _full_disk(tmp_path, root, "after")
    assert "the file stays in the terminal's folder and nothing was lost" in lines[1]
    # the answer is still in res/, and the journal knows its request is open
    (left,) = _files(root / "res")
    file_id = left.name.removeprefix("OQSsiquc01res_").removesuffix(".xml")
    journal = (root.parent / "j.jsonl").read_text()
    assert file_id in journal and "abandoned" in journal
    assert _files(root.parent / "plain") == []  # never a plain copy instead
    # with room again, the next round trip keeps what was left, then answers anew
    with _later_lookup(tmp_path, root) as cache:
        (late,) = cache.evidence.named(left.name)
        assert late.reason == "late" and late.body.startswith(b"<?xml")
        assert [e.name for e in cache.evidence.named(f"OQSsiquc01req_{file_id}.xml")]
        assert cache.verify().ok
    assert _files(root) == []


def test_a_file_that_cannot_be_kept_is_moved_aside_unread(
    cache: OfflineCache, root: Path, tmp_path: Path
) -> None:
    target = tmp_path / "secret"
    target.write_text("not for the desk")
    link = root / "face" / "OQSsiquc01res_face_x_20260101000000.xml"
    link.symlink_to(target)
    archiver = EvidenceArchiver(cache, desk_id="desk", quarantine=tmp_path / "aside")
    archiver.archive(link, "face-rejected")
    assert not link.is_symlink() and target.read_text() == "not for the desk"
    assert cache.evidence.listing() == []
    with pytest.raises(OqsUnavailable, match="cannot be kept"):
        big = root / "res" / "OQSsiquc01res_big.xml"
        big.write_bytes(b"x")
        cache.close()  # a closed cache cannot keep anything: the file stays
        archiver.archive(big, "answered")
    assert big.exists()

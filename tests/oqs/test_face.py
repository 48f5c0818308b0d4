"""Face-reader results: files another process leaves in face/, taken and archived."""

from __future__ import annotations

import stat
from pathlib import Path

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.oqs import FaceRejected, FaceResult, OqsClient
from clinic_desk.oqs.face import FaceWatcher
from tests.oqs import samples
from tests.oqs.conftest import cli, make_settings


def poll_until_taken(watcher: FaceWatcher, polls: int = 400) -> list[FaceResult | FaceRejected]:
    taken: list[FaceResult | FaceRejected] = []
    for _ in range(polls):
        taken += watcher.poll()
        if taken:
            return taken
    return taken


def test_a_result_written_by_the_face_reader_is_taken(root: Path) -> None:
    done = cli("oqs-terminal", "face", str(root), "--patient", "p-yamada-taro")
    assert done.returncode == 0, done.stderr
    watcher = FaceWatcher(make_settings(root))
    taken = poll_until_taken(watcher)
    assert len(taken) == 1 and isinstance(taken[0], FaceResult)
    result = taken[0]
    assert result.lookup.patient is not None
    assert result.lookup.patient.name == "山田　太郎"
    assert result.lookup.eligibility.state is ValidityState.VALID
    assert result.written_at is not None
    assert list((root / "face").iterdir()) == []  # personal data does not stay behind
    archived = list(make_settings(root).archive_folder().rglob("*.xml"))
    assert [p.parent.name for p in archived] == ["face"]
    assert stat.S_IMODE(archived[0].stat().st_mode) == 0o600


def test_a_shift_jis_result(root: Path) -> None:
    done = cli(
        "oqs-terminal",
        "face",
        str(root),
        "--patient",
        "p-watanabe-hanako",
        "--encoding",
        "shift_jis",
    )
    assert done.returncode == 0, done.stderr
    taken = poll_until_taken(FaceWatcher(make_settings(root)))
    assert isinstance(taken[0], FaceResult)
    assert taken[0].lookup.patient is not None
    assert taken[0].lookup.patient.name == "渡●　花子"


def test_a_half_written_result_is_taken_once_complete(root: Path) -> None:
    watcher = FaceWatcher(make_settings(root))
    path = root / "face" / "OQSsiquc01res_face_abc123_20260401090000.xml"
    data = samples.qualification().encode()
    path.write_bytes(data[: len(data) // 2])
    for _ in range(5):
        assert watcher.poll() == []  # unreadable, but within the grace a writer gets
    with path.open("ab") as handle:
        handle.write(data[len(data) // 2 :])
    taken = poll_until_taken(watcher)
    assert isinstance(taken[0], FaceResult)


def test_unusable_files_are_put_aside(root: Path) -> None:
    settings = make_settings(root, unreadable_grace=0.01)
    watcher = FaceWatcher(settings)
    (root / "face" / "OQSsiquc01res_face_bad_20260401090000.xml").write_bytes(b"<XmlMsg><")
    target = root / "elsewhere.xml"
    target.write_bytes(samples.qualification().encode())
    (root / "face" / "OQSsiquc01res_face_link_20260401090000.xml").symlink_to(target)
    rejected: list[FaceResult | FaceRejected] = []
    for _ in range(400):
        rejected += watcher.poll()
        if len(rejected) == 2:
            break
    assert all(isinstance(r, FaceRejected) for r in rejected)
    assert {r.error.code for r in rejected if isinstance(r, FaceRejected)} == {
        "format",
        "not-regular",
    }
    assert list((root / "face").iterdir()) == []
    assert target.exists()  # the link's target is never touched


async def test_the_client_yields_face_results(root: Path) -> None:
    client = OqsClient(make_settings(root))
    cli("oqs-terminal", "face", str(root), "--patient", "p-ito-makoto")
    async for item in client.face_results(until=client.deadline(20)):
        assert isinstance(item, FaceResult)
        assert item.lookup.patient is not None
        assert item.lookup.patient.name == "伊藤　誠"
        break

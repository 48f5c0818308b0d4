"""`clinic-desk review` through clinic_desk.cli.main, on a real SQLCipher cache."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.manager.sealing import key_file_path
from tests.manager.support import OTHER_PIN, PASSPHRASE, PIN, create_cache, raise_desk_flag


@pytest.fixture(autouse=True)
def desk_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    create_cache().close()
    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", PASSPHRASE)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


def raise_flags(*reasons: str) -> list[str]:
    from offline_cache import OfflineCache

    with OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE) as cache:
        return [raise_desk_flag(cache, reason=r).id for r in reasons]


def test_review_needs_a_pin_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 2 and "run `clinic-desk review set-pin` first" in err


def test_set_pin_list_export_and_change(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 0 and "the manager PIN is set" in out
    config = paths.config_file().read_text(encoding="utf-8")
    assert PIN not in config and tomllib.loads(config)["manager"]["pin_hash"].startswith("scrypt$")
    assert key_file_path().exists()

    ids = raise_flags("name_mismatch", "several_qualifications")

    code, out, _ = run(capsys, monkeypatch, "list", "--json", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["id"] for r in rows} == set(ids)
    assert {r["reason"] for r in rows} == {"name_mismatch", "several_qualifications"}
    fields = {"id", "reference", "created_at", "desk_id", "reason", "status"}
    assert all(set(r) == fields for r in rows)
    assert "山田" not in out  # the listing carries codes, not names

    code, out, _ = run(
        capsys, monkeypatch, "list", "--reason", "name_mismatch", "--pin-stdin", stdin=f"{PIN}\n"
    )
    assert code == 0 and "1 flag\n" in out and "name_mismatch" in out

    code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin="000000\n")
    assert code == 2 and "not the manager PIN (4 tries left)" in err

    target = tmp_path / "open.csv"
    code, out, _ = run(
        capsys,
        monkeypatch,
        "--lang",
        "ja",
        "export",
        "--csv",
        str(target),
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    assert code == 0 and "2 件を書き出しました" in out  # the command line speaks Japanese too
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # a Japanese export has Japanese headers
    assert {r["理由"] for r in rows} == {"氏名の不一致", "複数の資格が該当"}
    assert {r["保険者情報"] for r in rows} == {"06400021 52 3301 00 | 39131012 高齢 77 01"}
    code, _, err = run(
        capsys, monkeypatch, "export", "--csv", str(target), "--pin-stdin", stdin=f"{PIN}\n"
    )
    assert code == 2 and "already exists" in err

    code, out, _ = run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n{OTHER_PIN}\n")
    assert code == 0 and "was changed" in out
    code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 2 and "not the manager PIN" in err
    code, out, _ = run(
        capsys,
        monkeypatch,
        "export",
        "--csv",
        str(tmp_path / "b.csv"),
        "--pin-stdin",
        stdin=f"{OTHER_PIN}\n",
    )
    assert code == 0 and "wrote 2 flags" in out


def test_lockout_from_the_cli_survives_between_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    for _ in range(5):
        code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin="000000\n")
    assert code == 2 and "locked until" in err
    code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 2 and "locked until" in err


def test_reset_makes_a_new_key_and_keeps_the_old_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    old_key = key_file_path().read_text(encoding="utf-8")
    code, out, _ = run(
        capsys, monkeypatch, "set-pin", "--reset", "--pin-stdin", stdin=f"{OTHER_PIN}\n"
    )
    assert code == 0 and "new manager PIN and key" in out
    assert key_file_path().read_text(encoding="utf-8") != old_key
    (kept,) = key_file_path().parent.glob("manager-key.json.replaced-*")
    assert kept.read_text(encoding="utf-8") == old_key


def test_pin_prompts_need_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "set-pin")
    assert code == 2 and "use --pin-stdin" in err
    code, _, err = run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin="12\n")
    assert code == 2 and "6 to 32" in err


def test_review_opens_the_screen_on_the_desks_cache(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.pilot import Pilot

    from clinic_desk.app.review_app import ReviewApp
    from clinic_desk.app.screens.review import QueueScreen

    run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    raise_flags("name_mismatch")
    seen: list[str] = []

    async def drive(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ReviewApp)
        await pilot.press(*PIN, "enter")
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            queue = next((s for s in app.screen_stack if isinstance(s, QueueScreen)), None)
            if queue is not None and queue.all_flags:
                break
        assert queue is not None
        seen.extend(f.reason for f in queue.shown)
        await pilot.press("escape")

    original = ReviewApp.run

    def headless(self: ReviewApp, **_: object) -> None:
        original(self, headless=True, size=(120, 40), auto_pilot=drive)

    monkeypatch.setattr(ReviewApp, "run", headless)
    code, _, _ = run(capsys, monkeypatch, "--lang", "en")
    assert code == 0 and seen == ["name_mismatch"]
    from offline_cache import OfflineCache

    with OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE) as cache:
        actions = [e.action for e in cache.audit.entries()]
    assert actions[-3:] == ["manager.unlock", "review.open", "review.close"]


def test_language_from_either_place(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    raise_flags("patient_said_not_me")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PIN}\n"))
    target = tmp_path / "en.csv"
    assert main(["--lang", "en", "review", "export", "--csv", str(target), "--pin-stdin"]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["reason"] for r in csv.DictReader(handle)] == ['Patient said "not me"']


def test_the_last_try_is_one_try(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "set-pin", "--pin-stdin", stdin=f"{PIN}\n")
    raise_flags("name_mismatch")
    for left in ("4 tries left", "3 tries left", "2 tries left", "1 try left"):
        code, _, err = run(capsys, monkeypatch, "list", "--pin-stdin", stdin="000000\n")
        assert code == 2 and f"not the manager PIN ({left})" in err
    code, out, _ = run(capsys, monkeypatch, "list", "--pin-stdin", stdin=f"{PIN}\n")
    assert code == 0 and "1 flag\n" in out

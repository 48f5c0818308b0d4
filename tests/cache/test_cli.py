"""`clinic-desk cache …` through the real entry point (in process and as a subprocess)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from offline_cache import CURRENT_VERSION, CacheFiles, GateOutcome, OfflineCache
from tests.cache.support import OTHER_PASSPHRASE, PASSPHRASE, PYTHON, cert, python_env, raw_connect

PASS_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"
NEW_ENV = "CLINIC_DESK_CACHE_NEW_PASSPHRASE"
ENTRY_POINT = "import sys; from clinic_desk.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture
def desk_files(monkeypatch: pytest.MonkeyPatch) -> CacheFiles:
    monkeypatch.setenv(PASS_ENV, PASSPHRASE)
    return CacheFiles(paths.data_dir(), paths.config_dir())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_status_and_unlock_test(
    desk_files: CacheFiles, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0 and str(desk_files.database) in out
    assert desk_files.database.exists() and desk_files.key_file.exists()

    code, _, err = run(capsys, "init")
    assert code == 2 and "already exists" in err

    code, out, _ = run(capsys, "status")
    assert code == 0
    assert "mode -rw-------" in out and f"schema:     version {CURRENT_VERSION}" in out
    assert "audit rows: 1" in out and "in use:     no" in out

    code, out, _ = run(capsys, "unlock-test")
    assert code == 0 and out.startswith("unlocked")

    monkeypatch.setenv(PASS_ENV, "not the passphrase")
    code, out, err = run(capsys, "unlock-test")
    assert code == 2 and out == ""
    assert err == "clinic-desk: this passphrase does not unlock this cache\n"

    monkeypatch.delenv(PASS_ENV)
    code, out, _ = run(capsys, "status")
    assert code == 0 and "row counts need the passphrase" in out and "schema" not in out
    code, _, err = run(capsys, "unlock-test")  # stdin is not a terminal under pytest
    assert code == 2 and "no passphrase: set CLINIC_DESK_CACHE_PASSPHRASE" in err


def test_status_names_the_process_holding_the_cache(
    desk_files: CacheFiles, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASS_ENV)
    code, out, _ = run(capsys, "status")
    assert code == 0 and "(absent)" in out
    with OfflineCache.create(desk_files.data_dir, desk_files.config_dir, PASSPHRASE):
        code, out, _ = run(capsys, "status")
        assert f"in use:     yes, by process {os.getpid()}" in out
        monkeypatch.setenv(PASS_ENV, PASSPHRASE)
        code, _, err = run(capsys, "verify")
        assert code == 2 and "in use by process" in err


def test_rekey_purge_verify_and_wipe(
    desk_files: CacheFiles, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "init")[0] == 0
    with OfflineCache.open(desk_files.data_dir, desk_files.config_dir, PASSPHRASE) as cache:
        cache.snapshots.put_confirmed(
            cert("ito"), identity={}, coverage={}, gate_outcome=GateOutcome.MATCH
        )

    monkeypatch.setenv(NEW_ENV, OTHER_PASSPHRASE)
    code, out, _ = run(capsys, "rekey")
    assert code == 0 and "old passphrase no longer unlocks" in out
    assert run(capsys, "unlock-test")[0] == 2
    monkeypatch.setenv(PASS_ENV, OTHER_PASSPHRASE)
    assert run(capsys, "unlock-test")[0] == 0

    code, out, _ = run(capsys, "purge")
    assert code == 0 and out.startswith("purged 0 snapshots")

    code, out, _ = run(capsys, "verify")
    assert code == 0 and "audit chain: ok (4 rows)" in out  # create, store, rekey, purge

    conn: Any = raw_connect(
        desk_files, OfflineCache.unlock_key(desk_files.config_dir, OTHER_PASSPHRASE)
    )
    conn.execute("DROP TRIGGER audit_log_append_only_update")
    conn.execute("UPDATE audit_log SET action = 'cache.nothing' WHERE seq = 3")
    conn.close()
    code, out, _ = run(capsys, "verify")
    assert code == 1 and "audit chain: BROKEN" in out
    assert "problem: audit row 3 was changed after it was written" in out

    code, _, err = run(capsys, "wipe")
    assert code == 2 and "--yes" in err and desk_files.database.exists()
    code, out, _ = run(capsys, "wipe", "--yes")
    assert code == 0 and f"deleted {desk_files.key_file}" in out
    assert not desk_files.database.exists() and not desk_files.key_file.exists()
    code, out, _ = run(capsys, "wipe", "--yes")
    assert code == 0 and "there was no offline cache" in out


def test_reset_keeps_the_damaged_file(
    desk_files: CacheFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    code, _, err = run(capsys, "init", "--reset")
    assert code == 2 and "not damaged; nothing was reset" in err
    with desk_files.database.open("r+b") as handle:
        handle.seek(300)
        handle.write(b"\0" * 64)
    damaged = desk_files.database.read_bytes()

    code, _, err = run(capsys, "unlock-test")
    assert code == 2 and "cache init --reset" in err
    code, out, _ = run(capsys, "init", "--reset")
    assert code == 0 and "started a new offline cache" in out
    kept = [Path(line.split()[-1]) for line in out.splitlines() if line.startswith("kept")]
    assert any(p.read_bytes() == damaged for p in kept)
    assert run(capsys, "unlock-test")[0] == 0


def test_damaged_file_prints_one_plain_line_and_no_sqlcipher_log(
    desk_files: CacheFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    with desk_files.database.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 32)
    result = subprocess.run(
        [PYTHON, "-c", ENTRY_POINT, "cache", "unlock-test"],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "damaged" in lines[0]
    assert "hmac" not in result.stderr.lower()

"""Runs every case of the bad-input catalogue through the real command."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.catalogue import CASES, Case, case_env
from tests.support.leaks import leaked

CLI = str(Path(sys.executable).with_name("clinic-desk"))


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_the_catalogue_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    if case.prepare is not None:
        case.prepare(root)
    before = {name: _digest(root / name) for name in case.unchanged}
    argv = [arg.replace("{root}", str(root)) for arg in case.argv]
    done = subprocess.run(
        [CLI, *argv],
        env=case_env(root, case.env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=case.timeout,
        cwd=root,
    )
    output = done.stdout + done.stderr
    assert done.returncode == case.exit, output
    assert "Traceback" not in output
    assert re.search(case.message, output), output
    for name, digest in before.items():
        assert digest is not None, f"{name} was not there before the case ran"
        assert _digest(root / name) == digest, f"{name} changed"
    assert leaked(output, case.never_shown) == []

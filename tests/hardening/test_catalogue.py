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
AREAS = {"card", "gateway", "cache", "config", "fixtures", "review", "cli"}


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_the_catalogue_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_the_catalogue_covers_every_area_with_at_least_80_cases() -> None:
    assert len(CASES) >= 80
    assert {case.area for case in CASES} == AREAS


def test_the_documented_count_is_the_catalogue_s() -> None:
    security = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(
        encoding="utf-8"
    )
    assert f"{len(CASES)} cases" in security


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
        env=case_env(root, {k: v.replace("{root}", str(root)) for k, v in case.env.items()}),
        input=case.stdin if case.stdin is not None else "",
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
    if case.check is not None:
        case.check(root)

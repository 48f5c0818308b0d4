"""The desk installs as a wheel into a fresh virtual environment and runs from there,
with its fixtures carried inside the package (clinic_desk/_fixtures).

Slow (builds the wheel): one test. The fresh environment reuses this environment's
installed dependencies through a .pth line, so nothing but the build backend is
fetched; clinic_desk itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import clinic_desk

REPO = Path(__file__).resolve().parents[2]


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_and_runs_from_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO, cwd=tmp_path)
    (wheel,) = dist.glob("clinic_desk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "clinic_desk/_fixtures/cards/yamada-taro.json" in names
    assert "clinic_desk/_fixtures/gateway/dataset.json" in names
    assert any(n.startswith("reader/") for n in names)
    assert any(n.startswith("offline_cache/") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        wheel,
        cwd=tmp_path,
    )

    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESK_")}
    env["CLINIC_DESK_HOME"] = str(tmp_path / "home")
    version = run(venv / "bin" / "clinic-desk", "--version", cwd=tmp_path, env=env)
    assert version.strip() == f"clinic-desk {clinic_desk.__version__}"
    where = run(
        python,
        "-c",
        "import clinic_desk, json; from clinic_desk import paths; "
        "print(json.dumps([clinic_desk.__file__, str(paths.fixtures_dir())]))",
        cwd=tmp_path,
        env=env,
    )
    module, fixtures = map(Path, json.loads(where))
    assert module.is_relative_to(site), module  # the wheel's copy, not the source tree
    assert fixtures == site / "clinic_desk" / "_fixtures"
    assert (fixtures / "cards" / "yamada-taro.json").is_file()

    # the installed desk works: config template, and doctor's demo checks (its embedded
    # gateway serves the dataset from the wheel's fixtures)
    run(venv / "bin" / "clinic-desk", "config", "init", "--mode", "demo", cwd=tmp_path, env=env)
    assert (tmp_path / "home" / "config" / "config.toml").is_file()
    doctor = run(venv / "bin" / "clinic-desk", "doctor", "--json", cwd=tmp_path, env=env)
    rows = {r["key"]: r for r in map(json.loads, doctor.splitlines())}
    assert rows["gateway"]["status"] == "ok", rows["gateway"]
    assert rows["cache"]["status"] == "ok", rows["cache"]

"""The import contracts hold, cover every package, and can fail."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import clinic_desk

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
IO_MODULES = ("httpx", "sqlcipher3", "smartcard", "uvicorn", "starlette", "textual")


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_every_package_of_the_application_has_a_layer() -> None:
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    assert isinstance(layers, list)
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {f"clinic_desk.{m.name}" for m in pkgutil.iter_modules(clinic_desk.__path__)}
    assert packages - placed == set(), "place each new package in the layers contract"


def test_no_contract_ignores_imports() -> None:
    assert [c["name"] for c in _contracts() if c.get("ignore_imports")] == []


def test_the_contracts_hold() -> None:
    done = subprocess.run(
        [LINT_IMPORTS], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_import_breaks_the_contracts(tmp_path: Path) -> None:
    for name in ("clinic_desk", "reader", "offline_cache"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    wrong = {
        "clinic_desk/checkin/machine.py": "import httpx  # noqa\nimport sqlcipher3  # noqa\n",
        "clinic_desk/identity/kana.py": "import clinic_desk.services  # noqa\n",
        "reader/ber.py": "import offline_cache  # noqa\n",
        "offline_cache/fsutil.py": "import clinic_desk.paths  # noqa\n",
        "clinic_desk/manager/queue.py": "import clinic_desk.app  # noqa\n",
        "clinic_desk/domain/clock.py": "import clinic_desk.checkin  # noqa\n",
    }
    for relative, line in wrong.items():
        path = tmp_path / relative
        path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
    done = subprocess.run(
        [LINT_IMPORTS],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 1, report
    assert "The check-in core does no I/O" in report and "BROKEN" in report
    assert "clinic_desk.checkin.machine -> httpx" in report
    assert "clinic_desk.identity.kana -> clinic_desk.services" in report
    assert "reader.ber -> offline_cache" in report
    assert "offline_cache.fsutil -> clinic_desk.paths" in report
    assert "clinic_desk.manager.queue -> clinic_desk.app" in report
    assert "clinic_desk.domain.clock -> clinic_desk.checkin" in report


def test_importing_the_check_in_core_loads_no_io_library() -> None:
    """Every module of the domain, the identity gate and the check-in, imported in a
    fresh interpreter, loads no I/O library and neither the reader nor the cache."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import clinic_desk.checkin, clinic_desk.identity, clinic_desk.domain\n"
        "names = []\n"
        "for package in (clinic_desk.checkin, clinic_desk.identity, clinic_desk.domain):\n"
        "    for found in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(found.name)\n"
        "        names.append(found.name)\n"
        "print(len(names))\n"
        f"print(sorted(m for m in {(*IO_MODULES, 'reader', 'offline_cache')!r} "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    imported, loaded = done.stdout.split("\n")[:2]
    assert int(imported) > 40  # the whole core, not only its packages
    assert loaded == "[]"

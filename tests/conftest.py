from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pcscd import PcscService, ensure_pcscd, stop_pcscd

_PATH_VARS = (
    "CLINIC_DESK_HOME",
    "CLINIC_DESK_CONFIG_DIR",
    "CLINIC_DESK_DATA_DIR",
    "CLINIC_DESK_CACHE_DIR",
    "CLINIC_DESK_LOG_DIR",
    "CLINIC_DESK_RUNTIME_DIR",
    "XDG_RUNTIME_DIR",
    "CLINIC_DESK_CACHE_PASSPHRASE",
)


@pytest.fixture(autouse=True)
def desk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CLINIC_DESK_HOME: the real profile is never touched."""
    for var in _PATH_VARS:
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "desk-home"
    monkeypatch.setenv("CLINIC_DESK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def pcscd() -> Iterator[PcscService]:
    """A real pcscd with the vsmartcard virtual readers (started here if absent)."""
    service, proc = ensure_pcscd()
    try:
        yield service
    finally:
        if proc is not None:
            stop_pcscd(proc)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch pcscd share one virtual reader: with -n, they run on one worker."""
    for item in items:
        if item.get_closest_marker("pcscd") or "pcscd" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("vpcd"))

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desk import paths


def test_home_moves_every_path(desk_home: Path) -> None:
    for folder in (paths.config_dir(), paths.data_dir(), paths.cache_dir(), paths.log_dir()):
        assert folder.is_relative_to(desk_home)
    assert paths.config_file().parent == paths.config_dir()


def test_each_path_can_be_moved_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_DESK_DATA_DIR", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"
    assert paths.config_dir() != tmp_path / "elsewhere"


def test_without_home_paths_follow_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_DESK_HOME")
    assert "clinic-desk" in str(paths.data_dir())
    assert "clinic-desk" in str(paths.log_dir())


def test_fixtures_dir_holds_card_profiles() -> None:
    assert any(paths.fixtures_dir().joinpath("cards").glob("*.json"))


def test_ensure_dir_is_owner_only(tmp_path: Path) -> None:
    folder = paths.ensure_dir(tmp_path / "a" / "b")
    assert folder.is_dir()
    assert folder.stat().st_mode & 0o077 == 0

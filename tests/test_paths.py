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


def test_the_runtime_folder_is_the_sessions_or_the_cache_folders_never_a_shared_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, desk_home: Path
) -> None:
    assert paths.runtime_dir() == desk_home / "run"
    monkeypatch.delenv("CLINIC_DESK_HOME")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    assert paths.runtime_dir() == tmp_path / "xdg" / "clinic-desk"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert paths.runtime_dir() == paths.cache_dir() / "run"


def test_fixtures_dir_holds_card_profiles() -> None:
    assert any(paths.fixtures_dir().joinpath("cards").glob("*.json"))


def test_ensure_dir_is_owner_only(tmp_path: Path) -> None:
    folder = paths.ensure_dir(tmp_path / "a" / "b")
    assert folder.is_dir()
    assert folder.stat().st_mode & 0o077 == 0


_FOLDER_VARIABLES = {
    "CLINIC_DESK_CONFIG_DIR": paths.config_dir,
    "CLINIC_DESK_DATA_DIR": paths.data_dir,
    "CLINIC_DESK_CACHE_DIR": paths.cache_dir,
    "CLINIC_DESK_LOG_DIR": paths.log_dir,
    "CLINIC_DESK_RUNTIME_DIR": paths.runtime_dir,
    "CLINIC_DESK_FIXTURES_DIR": paths.fixtures_dir,
}


@pytest.mark.parametrize("variable", ["CLINIC_DESK_HOME", *_FOLDER_VARIABLES])
def test_a_variable_naming_a_file_is_one_error_naming_it(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(variable, str(a_file))
    with pytest.raises(paths.LocationError) as refused:
        paths.check_locations()
    assert refused.value.variable == variable
    assert str(refused.value).startswith(f"{variable} is set to {a_file}, which is a file")
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_a_folder_inside_a_file_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    monkeypatch.setenv("CLINIC_DESK_DATA_DIR", str(a_file / "data" / "deeper"))
    with pytest.raises(paths.LocationError, match=f"but {a_file} is a file") as refused:
        paths.data_dir()
    assert refused.value.blocker == a_file


def test_a_file_where_home_keeps_a_folder_is_named(
    desk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk_home.mkdir(parents=True)
    (desk_home / "logs").write_text("", encoding="utf-8")
    with pytest.raises(paths.LocationError) as refused:
        paths.log_dir()
    assert refused.value.variable == "CLINIC_DESK_HOME"
    assert f"but {desk_home / 'logs'} is a file" in str(refused.value)
    assert paths.config_dir() == desk_home / "config"  # the others are unaffected


def test_folders_that_do_not_exist_yet_are_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLINIC_DESK_HOME", str(tmp_path / "not" / "yet"))
    paths.check_locations()
    assert not (tmp_path / "not").exists()  # checking creates nothing

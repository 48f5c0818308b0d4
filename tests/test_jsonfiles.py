"""The one bounded reader for JSON and TOML from outside."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from clinic_desk.jsonfiles import (
    load_json_data,
    load_json_model,
    load_toml,
    parse_json,
    read_bounded,
)


class Unreadable(Exception):
    pass


class Thing(BaseModel):
    name: str
    count: int


def test_a_valid_file_gives_the_model(tmp_path: Path) -> None:
    path = tmp_path / "thing.json"
    path.write_text('{"name": "佐藤", "count": 2}', encoding="utf-8")
    assert load_json_model(path, Thing, "thing", Unreadable) == Thing(name="佐藤", count=2)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match=r"thing .*nope\.json does not exist"):
        load_json_data(tmp_path / "nope.json", "thing", Unreadable)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="is a folder"):
        load_json_data(tmp_path, "thing", Unreadable)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(Unreadable, match="not a regular file"):
        load_json_data(fifo, "thing", Unreadable)


def test_a_device_is_refused() -> None:
    with pytest.raises(Unreadable, match="not a regular file"):
        read_bounded(Path("/dev/zero"), "dataset", Unreadable)


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2048)
    with pytest.raises(Unreadable, match="larger than 1024 bytes"):
        load_json_data(path, "thing", Unreadable, max_bytes=1024)


def test_deep_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(Unreadable, match="nested more than 64 levels"):
        load_json_data(path, "fixture", Unreadable)


def test_json_just_over_the_depth_cap_is_refused() -> None:
    assert parse_json("[" * 64 + "]" * 64, "body", Unreadable) is not None
    with pytest.raises(Unreadable, match="nested"):
        parse_json("[" * 65 + "]" * 65, "body", Unreadable)


def test_invalid_json_and_invalid_utf8_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"name": "\xff\xfe"}')
    with pytest.raises(Unreadable, match=r"bad\.json"):
        load_json_data(path, "thing", Unreadable)
    path.write_text("{not json")
    with pytest.raises(Unreadable, match="not valid JSON"):
        load_json_data(path, "thing", Unreadable)


def test_a_model_error_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "thing.json"
    path.write_text('{"name": "a", "count": "many"}')
    with pytest.raises(Unreadable, match="not valid at count"):
        load_json_model(path, Thing, "thing", Unreadable)


def test_toml_deep_invalid_and_valid(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(Unreadable, match="nested"):
        load_toml(path, "configuration file", Unreadable)
    path.write_text("a = = 1")
    with pytest.raises(Unreadable, match="not valid TOML"):
        load_toml(path, "configuration file", Unreadable)
    path.write_text('[gateway]\nbase_url = "https://example.invalid"\n')
    assert load_toml(path, "configuration file", Unreadable) == {
        "gateway": {"base_url": "https://example.invalid"}
    }


@given(st.binary(max_size=512))
def test_any_bytes_parse_or_give_the_one_error(raw: bytes) -> None:
    with contextlib.suppress(Unreadable):
        parse_json(raw, "body", Unreadable)

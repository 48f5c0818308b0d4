"""The one-key TOML update of ``[manager] pin_hash``: the rest of the file stays."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from clinic_desk.manager.config_file import updated_text, write_pin_hash
from clinic_desk.manager.errors import ConfigWriteError

HASH = "scrypt$ln=12,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"


def test_new_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "config.toml"
    write_pin_hash(path, HASH)
    assert tomllib.loads(path.read_text()) == {"manager": {"pin_hash": HASH}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('mode = "demo"', f'mode = "demo"\n\n[manager]\npin_hash = "{HASH}"\n'),
        (
            "[manager]\nlockout_tries = 3\n[desk]\nlang = 'ja'\n",
            f"[manager]\nlockout_tries = 3\npin_hash = \"{HASH}\"\n[desk]\nlang = 'ja'\n",
        ),
        (
            "[manager] # who\n  pin_hash = 'old' # comment\n",
            f'[manager] # who\n  pin_hash = "{HASH}" # comment\n',
        ),
        (
            "# clinic 0001\n[manager]\n# set by `review set-pin`\npin_hash = 'a'\n\n[desk] # d\n",
            f'# clinic 0001\n[manager]\n# set by `review set-pin`\npin_hash = "{HASH}"\n\n'
            "[desk] # d\n",
        ),
        (
            "[desk]\r\nlang = 'en'\r\n[manager]\r\npin_hash = \"x\"\r\n",
            f"[desk]\r\nlang = 'en'\r\n[manager]\r\npin_hash = \"{HASH}\"\r\n",
        ),
        ('manager.pin_hash = "x"\n', f'manager.pin_hash = "{HASH}"\n'),
        (
            "manager = { lockout_tries = 3 }\n",
            f'manager = {{ lockout_tries = 3, pin_hash = "{HASH}"}}\n',
        ),
    ],
)
def test_only_the_one_key_changes_and_comments_stay(
    before: str, after: str, tmp_path: Path
) -> None:
    assert updated_text(before, HASH, tmp_path / "c.toml") == after


@pytest.mark.parametrize("layout", ["[manager\n", "manager = 3\n", "a = [[[[[[1]]]]]]\n[x\n"])
def test_files_it_cannot_edit_are_refused_and_left_alone(layout: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(layout, encoding="utf-8")
    with pytest.raises(ConfigWriteError):
        write_pin_hash(path, HASH)
    assert path.read_text(encoding="utf-8") == layout


def test_a_fifo_or_a_huge_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigWriteError, match="not a regular file"):
        write_pin_hash(fifo, HASH)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    with pytest.raises(ConfigWriteError, match="larger than"):
        write_pin_hash(huge, HASH)

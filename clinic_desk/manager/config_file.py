"""Writing ``[manager] pin_hash`` into ``config.toml`` without touching anything else.

The file is edited with tomlkit, which keeps comments, blank lines, quoting and the
order of every other setting as they were: only the one key changes (or is added to
the ``[manager]`` table, wherever and however that table is written, or the table is
appended). The result is parsed again and compared with the original before it
replaces the file atomically; an edit that would change anything else is refused.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from clinic_desk.jsonfiles import read_bounded
from clinic_desk.manager.errors import ConfigWriteError
from offline_cache.fsutil import write_atomically

_VALUE = re.compile(r"^[A-Za-z0-9$=,+/]{1,400}$")
MAX_CONFIG_BYTES = 1024 * 1024


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigWriteError(
            f"the configuration file {path} is not valid TOML ({exc}); it was left as it was"
        ) from None


def updated_text(text: str, value: str, path: Path) -> str:
    """``text`` with ``[manager] pin_hash = "value"``; everything else unchanged."""
    if not _VALUE.match(value):
        raise ValueError("a PIN hash is a short ASCII code")
    before = _parse(text, path)
    manager = before.get("manager", {})
    if not isinstance(manager, dict):
        raise ConfigWriteError(f"'manager' in {path} is not a table; edit the file by hand")
    try:
        ended = text if not text or text.endswith("\n") else text + "\n"
        doc = tomlkit.parse(ended)
        table = doc.get("manager")
        if table is None:
            if text.strip():
                doc.add(tomlkit.nl())
            new = tomlkit.table()
            new.add("pin_hash", value)
            doc.add("manager", new)
        else:
            table["pin_hash"] = value
        result = tomlkit.dumps(doc)
    except (TOMLKitError, TypeError, ValueError):
        result = ""
    if "\n" in text and text.split("\n", 1)[0].endswith("\r"):
        result = result.replace("\r\n", "\n").replace("\n", "\r\n")  # keep CRLF files CRLF
    after = _parse(result, path) if result else None
    expected = dict(before)
    expected["manager"] = {**manager, "pin_hash": value}
    if after != expected:
        raise ConfigWriteError(
            f"the configuration file {path} has a layout this command cannot edit safely; "
            f'add pin_hash = "…" under [manager] by hand'
        )
    return result


def write_pin_hash(path: Path, value: str) -> None:
    """Set ``[manager] pin_hash`` in the file at ``path`` (created 0600 if absent)."""
    text = ""
    if path.exists() or path.is_symlink():
        raw = read_bounded(path, "configuration file", ConfigWriteError, max_bytes=MAX_CONFIG_BYTES)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigWriteError(f"the configuration file {path} is not UTF-8 text") from None
    result = updated_text(text, value, path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(path, result.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise ConfigWriteError(
            f"the configuration file {path} could not be written ({exc.strerror}); "
            "it was left as it was"
        ) from None

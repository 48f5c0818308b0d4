"""Writing ``[manager] pin_hash`` into ``config.toml`` without touching anything else.

The file is edited as text, line by line: the one key is replaced (or added to the
``[manager]`` table, or the table is appended), comments and every other setting stay
byte for byte. The result is parsed again and compared with the original before it
replaces the file atomically; a layout this cannot edit safely (a dotted
``manager.pin_hash`` key, an inline ``manager = {…}`` table) is refused, never guessed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from clinic_desk.manager.errors import ConfigWriteError
from offline_cache.fsutil import write_atomically

_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
_MANAGER_TABLE = re.compile(r"^\s*\[\s*manager\s*\]\s*(#.*)?$")
_PIN_KEY = re.compile(r"^\s*pin_hash\s*=")
_VALUE = re.compile(r"^[A-Za-z0-9$=,+/]{1,400}$")


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
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
    line_for_key = f'pin_hash = "{value}"'
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = next((i for i, line in enumerate(lines) if _MANAGER_TABLE.match(line)), None)
    if start is None:
        if "manager" in before:
            raise ConfigWriteError(
                f"the [manager] settings in {path} are written in a form this command "
                "does not edit; move them under a [manager] table header"
            )
        tail = "" if not text or text.endswith(("\n", "\r\n")) else newline
        result = f"{text}{tail}{newline}[manager]{newline}{line_for_key}{newline}"
    else:
        end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
        key_line = next((i for i in range(start + 1, end) if _PIN_KEY.match(lines[i])), None)
        if key_line is not None:
            ending = newline if lines[key_line].endswith(("\n", "\r\n")) else ""
            indent = lines[key_line][: len(lines[key_line]) - len(lines[key_line].lstrip())]
            lines[key_line] = f"{indent}{line_for_key}{ending}"
        else:
            if not lines[start].endswith(("\n", "\r\n")):
                lines[start] += newline
            lines.insert(start + 1, f"{line_for_key}{newline}")
        result = "".join(lines)
    after = _parse(result, path)
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
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigWriteError(f"the configuration file {path} cannot be read: {exc}") from None
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

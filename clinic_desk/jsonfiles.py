"""Reading JSON and TOML from outside: bounded, regular files only, one plain sentence on failure.

Every file and body the program reads (fixtures, datasets, key files, config, gateway
answers) goes through here: a size cap, a nesting cap, no FIFO, device or directory
(opened without blocking, so a FIFO cannot hang the desk), and one error naming the file.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
ErrorFactory = Callable[[str], Exception]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


def read_bounded(
    path: Path, what: str, error: ErrorFactory, *, max_bytes: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error(f"The {what} {path} does not exist.") from None
    except IsADirectoryError:
        raise error(f"The {what} {path} is a folder, not a file.") from None
    except OSError as exc:
        raise error(f"The {what} {path} cannot be read: {exc.strerror or exc}.") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error(f"The {what} {path} is a folder, not a file.")
        if not stat.S_ISREG(mode):
            raise error(f"The {what} {path} is not a regular file (a pipe or a device).")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise error(f"The {what} {path} is larger than {max_bytes} bytes.")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"The {what} {path} cannot be read: {exc.strerror or exc}.") from None
    finally:
        os.close(fd)


def _depth_exceeds(value: object, max_depth: int) -> bool:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_json(
    raw: bytes | str, what: str, error: ErrorFactory, *, max_depth: int = MAX_DEPTH
) -> Any:
    """JSON from ``raw`` (a file's bytes or a body), nested at most ``max_depth`` deep."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise error(f"The {what} is nested more than {max_depth} levels deep.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"The {what} cannot be read: it is not valid JSON ({exc}).") from None
    if _depth_exceeds(value, max_depth):
        raise error(f"The {what} is nested more than {max_depth} levels deep.")
    return value


def load_json_data(
    path: Path,
    what: str,
    error: ErrorFactory,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Plain JSON data from the file at ``path`` (bounded)."""
    raw = read_bounded(path, what, error, max_bytes=max_bytes)
    return parse_json(raw, f"{what} {path}", error, max_depth=max_depth)


def validate_model(data: object, model: type[M], what: str, error: ErrorFactory) -> M:
    """``model`` from already-parsed data; the first problem named by its field path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise error(f"The {what} is not valid at {where}: {first['msg']}.") from None


def load_json_model(
    path: Path,
    model: type[M],
    what: str,
    error: ErrorFactory,
    *,
    max_bytes: int = MAX_FILE_BYTES,
) -> M:
    """``model`` from the JSON file at ``path``; ``error(sentence)`` is raised when the
    file is missing, unreadable, too large, too deep or not valid (``what`` names it)."""
    data = load_json_data(path, what, error, max_bytes=max_bytes)
    return validate_model(data, model, f"{what} {path}", error)


def load_toml(
    path: Path,
    what: str,
    error: ErrorFactory,
    *,
    max_bytes: int = 1024 * 1024,
    max_depth: int = MAX_DEPTH,
) -> dict[str, Any]:
    """The TOML document at ``path`` (bounded), as a dict."""
    raw = read_bounded(path, what, error, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"The {what} {path} is not UTF-8 text.") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise error(f"The {what} {path} is nested more than {max_depth} levels deep.") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"The {what} {path} is not valid TOML: {exc}.") from None
    if _depth_exceeds(data, max_depth):
        raise error(f"The {what} {path} is nested more than {max_depth} levels deep.")
    return data

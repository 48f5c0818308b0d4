"""Reading a JSON file into a pydantic model, with one plain sentence on failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def load_json_model(path: Path, model: type[M], what: str, error: Callable[[str], Exception]) -> M:
    """``model`` from the JSON file at ``path``; ``error(sentence)`` is raised when the
    file is missing, unreadable or not valid (``what`` names it: "fixture", …)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"The {what} {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"The {what} {path} cannot be read: {exc}.") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise error(f"The {what} {path} is not valid at {where}: {first['msg']}.") from None

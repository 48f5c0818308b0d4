"""Reading the configuration: the file, the environment, and one sentence a problem.

A bad value is reported in one plain sentence naming the key (or the environment
variable that set it), the value and what is allowed (``ConfigError``), never as a
traceback; secrets are never repeated.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from clinic_desk import paths
from clinic_desk.config.rules import production_problems
from clinic_desk.config.settings import DeskSettings, reading_file
from clinic_desk.eligibility.settings import redact_url
from clinic_desk.jsonfiles import load_toml
from clinic_desk.texts.said import Said


class ConfigError(Exception):
    """The configuration cannot be used; ``message`` says why in plain sentences.

    ``problems`` holds one sentence per problem (``message`` joins them); ``said``
    the same problems in the catalogue's words when each has them (else empty).
    """

    def __init__(
        self, message: str, problems: list[str] | None = None, said: tuple[Said, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]
        self.said = said


def is_secret(key: str) -> bool:
    return any(word in key for word in ("password", "passphrase", "pin_hash"))


def _shown(key: str, value: object) -> str:
    """A refused value as a message may show it: secrets hidden, URL credentials masked."""
    if is_secret(key):
        return "(secret)"
    if isinstance(value, str):
        return repr(redact_url(value) if "://" in value else value)
    if isinstance(value, dict | list):
        return "(a table)" if isinstance(value, dict) else "(a list)"
    return repr(value)


def _env_name(loc: tuple[Any, ...]) -> str | None:
    """The ``CLINIC_DESK_…`` variable that set the setting at ``loc``, if one did."""
    present = {name.upper() for name in os.environ if name.upper().startswith("CLINIC_DESK_")}
    for depth in range(len(loc), 0, -1):
        name = "CLINIC_DESK_" + "__".join(str(part).upper() for part in loc[:depth])
        if name in present:
            return name
    return None


def _describe(error: Any, source: Path | None) -> list[str]:
    loc = ".".join(str(part) for part in error["loc"])
    variable = _env_name(tuple(error["loc"]))
    if variable:
        where = f" (from the environment variable {variable})"
    else:
        where = f" in {source}" if source else ""
    if error["type"] == "desk_rule":
        prefix = f"{loc}." if loc else ""
        return [f"setting {prefix + k!r}{where} {why}" for k, why in error["ctx"]["problems"]]
    if error["type"] == "extra_forbidden":
        return [f"unknown setting {loc!r}{where}: remove it or check its spelling"]
    message = str(error["msg"]).removeprefix("Value error, ")
    return [f"setting {loc!r}{where} has the value {_shown(loc, error.get('input'))}: {message}"]


def _environment_problem(exc: SettingsError) -> str:
    """One sentence naming the ``CLINIC_DESK_<SECTION>`` variable that cannot be read."""
    found = re.search(r'field "(\w+)"', str(exc))
    field = found.group(1) if found else ""
    name = f"CLINIC_DESK_{field.upper()}" if field else "a CLINIC_DESK_ variable"
    return (
        f"the environment variable {name} is not a JSON object: a whole section set from "
        f'the environment must look like \'{{"key": "value"}}\' (or set one key with '
        f"{name}__KEY instead)"
    )


def _said(error: Any, source: Path | None) -> Said | None:
    """A refused value or an unknown setting in the catalogue's words (the reason a
    value is refused stays in ``_describe``'s sentence)."""
    loc = ".".join(str(part) for part in error["loc"])
    unknown = error["type"] == "extra_forbidden"
    if error["type"] == "desk_rule":
        return None
    values: dict[str, object] = {"setting": repr(loc)}
    if not unknown:
        values["value"] = _shown(loc, error.get("input"))
    variable = _env_name(tuple(error["loc"]))
    if variable:
        values["name"] = variable
        return Said.of("config.unknown.env" if unknown else "config.value.env", **values)
    if source:
        values["path"] = source
        return Said.of("config.unknown.file" if unknown else "config.value.file", **values)
    return Said.of("config.unknown" if unknown else "config.value", **values)


def load_settings(path: Path | None = None) -> DeskSettings:
    """Read the configuration file (default: ``paths.config_file()``) and the environment.

    Raises ConfigError (one sentence per problem, naming the setting or the variable)
    for anything that cannot be used: a file that is not valid TOML, too large, too
    deep, not a regular file; a refused value; a section override that is not JSON.
    """
    source = path or paths.config_file()
    data: dict[str, Any] | None = None
    if source.exists() or source.is_symlink():
        data = load_toml(source, "configuration file", ConfigError)
    try:
        with reading_file(data):
            return DeskSettings()
    except ValidationError as exc:
        shown = source if data is not None else None
        errors = exc.errors()
        messages = [line for e in errors for line in _describe(e, shown)]
        said = [_said(e, shown) for e in errors]
        words = tuple(s for s in said if s is not None) if None not in said else ()
        raise ConfigError("; ".join(messages), messages, words) from None
    except SettingsError as exc:
        raise ConfigError(_environment_problem(exc)) from None


def check_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> DeskSettings:
    """``load_settings`` plus ``production_problems``: the settings a desk can start with."""
    settings = load_settings(path)
    problems = production_problems(settings, environ)
    if problems:
        raise ConfigError("; ".join(problems), problems)
    return settings

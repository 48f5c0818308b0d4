"""The desk's configuration: one TOML file, ``CLINIC_DESK_…`` overrides, one model.

``config.toml`` lives in ``paths.config_dir()`` (moved by ``CLINIC_DESK_HOME``).
Environment variables override it, sections joined by a double underscore:
``CLINIC_DESK_GATEWAY__BASE_URL=https://…``. Nothing configured means the demo.
A bad value is reported in one plain sentence naming the key, the value and what
is allowed (``ConfigError``), never as a traceback.

Two layers of rules: ``load_settings`` refuses values that are wrong or unsafe
anywhere (an unknown key, plain HTTP to another computer, TLS verification off
or an unencrypted cache in production, a virtual reader in production);
``production_problems`` then lists what a production desk still lacks (files
that do not exist, a passphrase that is not set), because those depend on the
machine the desk runs on, not on the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from clinic_desk import paths
from clinic_desk.eligibility.settings import (
    redact_url,
    settings_rule,
)
from clinic_desk.jsonfiles import load_toml
from clinic_desk.oqs.settings import DeskGateway
from clinic_desk.texts.said import Said
from reader.transport import is_virtual_reader

Mode = Literal["demo", "production"]
PASSPHRASE_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 8  # the offline cache's own minimum


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReaderConfig(_Section):
    name_pattern: str | None = Field(
        default=None,
        description="which reader to use: exact name, glob or substring (production: "
        "required; `clinic-desk card readers` lists the names)",
    )
    pin_pad: Literal["prefer", "require", "off"] = Field(
        default="prefer",
        description="prefer: the PIN on the reader's PIN pad when it has one, else on the "
        "keyboard; require: only on a PIN pad (a reader without one stops the check-in); "
        "off: always on the keyboard",
    )
    pin_pad_timeout_seconds: int = Field(
        default=30, ge=5, le=255, description="how long the PIN pad waits for the patient"
    )


class CacheConfig(_Section):
    passphrase_source: Literal["env", "prompt", "none"] = Field(
        default="env",
        description=f"env: {PASSPHRASE_ENV}; prompt: asked before the desk starts; "
        "none: demo only (production refuses an unencrypted cache)",
    )
    eligibility_ttl_days: int = Field(
        default=30, ge=1, le=365, description="how long a confirmed eligibility serves offline"
    )
    medication_ttl_hours: int = Field(
        default=24, ge=1, le=24, description="never beyond the 24-hour consent window"
    )


class DeskConfig(_Section):
    clinic_id: str = Field(
        default="demo-clinic",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="the clinic's id (letters, digits, . _ -): logged and audited",
    )
    desk_id: str = Field(
        default="desk-1",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="this desk's id (letters, digits, . _ -): logged and audited",
    )
    lang: Literal["ja", "en"] | None = Field(
        default=None, description="ja or en (default: the system's locale)"
    )
    idle_lock_seconds: int = Field(
        default=120, ge=10, le=3600, description="idle this long: the desk clears to its start"
    )
    min_free_disk_mb: int = Field(
        default=200,
        ge=1,
        description="less free space than this under the cache or logs: not ready",
    )
    patient_display: bool = Field(
        default=True,
        description="let a patient display (clinic-desk patient-display) pair with the desk "
        "through its owner-only socket; the desk asks everything itself while none is paired",
    )


class ManagerConfig(_Section):
    pin_hash: str | None = Field(default=None, description="salted scrypt hash, never the PIN")
    lockout_tries: int = Field(default=5, ge=1, le=20)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    idle_lock_seconds: int = Field(default=60, ge=10, le=3600)


class VisualCheckConfig(_Section):
    """Who may switch a check-in to the visual check (目視) at a production desk."""

    staff_pin_hashes: dict[str, str] = Field(
        default_factory=dict,
        description="staff id -> salted scrypt hash of their PIN (never the PIN); a staff "
        "id not listed cannot switch to the visual check",
    )

    @field_validator("staff_pin_hashes")
    @classmethod
    def _staff_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for staff_id in value:
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", staff_id):
                raise ValueError(f"staff id {staff_id[:32]!r}: letters, digits, - _ . only")
        return value


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=64 * 1024, description="size at which desk.jsonl rotates"
    )
    backups: int = Field(default=5, ge=1, le=100, description="rotated files kept")


class DeskSettings(BaseSettings):
    """Everything configurable about one desk."""

    model_config = SettingsConfigDict(
        env_prefix="CLINIC_DESK_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    mode: Mode = Field(
        default="demo",
        description="demo: the embedded gateway and fixture cards; production: the clinic's "
        "reader, gateway and cache",
    )
    reader: ReaderConfig = Field(default_factory=ReaderConfig)
    gateway: DeskGateway = Field(default_factory=DeskGateway)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    manager: ManagerConfig = Field(default_factory=ManagerConfig)
    visual_check: VisualCheckConfig = Field(default_factory=VisualCheckConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> DeskSettings:
        problems = unsafe_settings(self)
        if problems:
            raise settings_rule(problems)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        data = _file_data.get()
        if data is None:
            return (init_settings, env_settings)
        return (init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=data))


def unsafe_settings(settings: DeskSettings) -> list[tuple[str, str]]:
    """(key, why) for each value refused whatever the machine holds: the gateway
    section's own rules, then what production mode refuses besides."""
    gateway = settings.gateway
    production = settings.mode == "production"
    problems = [
        (f"gateway.{key}", why)
        for key, why in [*gateway.rule_problems(), *gateway.backend_problems()]
        # production refuses verification off everywhere, in its own words below
        if not (production and key == "verify_tls")
    ]
    if not production:
        return problems
    if not gateway.verify_tls:
        problems.append(
            (
                "gateway.verify_tls",
                "is refused in production: without verification anyone on the network "
                "could pose as the gateway and read patients' data",
            )
        )
    if settings.cache.passphrase_source == "none":
        problems.append(
            (
                "cache.passphrase_source",
                "'none' is refused in production: the offline cache holds patients' "
                "eligibility and must be encrypted with a passphrase (use 'env' or 'prompt')",
            )
        )
    pattern = settings.reader.name_pattern
    if pattern is not None and is_virtual_reader(pattern):
        problems.append(
            (
                "reader.name_pattern",
                f"{pattern!r} names a virtual reader, refused in production: vpcd listens "
                "on the network, so anyone who can reach it could present a forged card",
            )
        )
    return problems


def production_problems(
    settings: DeskSettings, environ: Mapping[str, str] | None = None
) -> list[str]:
    """What a production desk still lacks on this machine, one plain sentence each.

    Empty in demo mode. Checks that required settings are there, that the files
    they name exist, and that the cache's passphrase can be had.
    """
    if settings.mode != "production":
        return []
    env = os.environ if environ is None else environ
    problems: list[str] = []
    if not settings.reader.name_pattern:
        problems.append(
            "setting 'reader.name_pattern' is required in production: part of the reader's "
            "name (run `clinic-desk card readers` to see it)"
        )
    gateway = settings.gateway
    if gateway.files:
        pass  # the folder's own readiness is doctor's (readiness.terminal)
    elif not gateway.base_url:
        problems.append(
            "setting 'gateway.base_url' is required in production: the https:// address "
            "of the clinic's eligibility gateway"
        )
    elif urlsplit(gateway.base_url).scheme == "https":
        for key, what in (
            ("ca_bundle", "the CA bundle that signs the gateway's certificate"),
            ("client_certificate", "this desk's certificate for mutual TLS"),
            ("client_key", "the private key of the desk's certificate"),
        ):
            if getattr(gateway, key) is None:
                problems.append(f"setting 'gateway.{key}' is required in production: {what}")
    for key in ("ca_bundle", "client_certificate", "client_key"):
        path: Path | None = getattr(gateway, key)
        if path is None:
            continue
        if not path.exists():
            problems.append(f"setting 'gateway.{key}' names {path}, which does not exist")
        elif not path.is_file():
            problems.append(f"setting 'gateway.{key}' names {path}, which is not a file")
        elif not os.access(path, os.R_OK):
            problems.append(f"setting 'gateway.{key}' names {path}, which cannot be read")
    if settings.cache.passphrase_source == "env":
        value = env.get(PASSPHRASE_ENV, "")
        if not value:
            problems.append(
                f"cache.passphrase_source is 'env' but {PASSPHRASE_ENV} is not set: the "
                "offline cache must not be used without its passphrase (set it, or use "
                "passphrase_source = 'prompt')"
            )
        elif len(value) < MIN_PASSPHRASE_LENGTH:
            problems.append(
                f"{PASSPHRASE_ENV} is shorter than {MIN_PASSPHRASE_LENGTH} characters: "
                "too weak to protect patients' data"
            )
    return problems


# The configuration file's data while ``load_settings`` builds the settings (read once,
# bounded, by ``jsonfiles.load_toml``): the lowest-priority source, under the environment.
_file_data: ContextVar[dict[str, Any] | None] = ContextVar("config_file_data", default=None)


@contextmanager
def _reading(data: dict[str, Any] | None) -> Iterator[None]:
    token = _file_data.set(data)
    try:
        yield
    finally:
        _file_data.reset(token)


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
        with _reading(data):
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

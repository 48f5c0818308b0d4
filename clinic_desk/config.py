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
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from clinic_desk import paths
from clinic_desk.eligibility.settings import is_loopback_host
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


class GatewayConfig(_Section):
    base_url: str | None = Field(
        default=None,
        description="https://… of the clinic's eligibility gateway (production: required; "
        "plain http only to this computer)",
    )
    ca_bundle: Path | None = Field(
        default=None, description="PEM file of the CAs that sign the gateway's certificate"
    )
    client_certificate: Path | None = Field(
        default=None, description="PEM certificate of this desk, for mutual TLS"
    )
    client_key: Path | None = Field(
        default=None, description="PEM private key of client_certificate"
    )
    client_key_password: SecretStr | None = Field(
        default=None, description="password of client_key, if it is encrypted"
    )
    verify_tls: bool = Field(
        default=True, description="never false in production; false only for a loopback gateway"
    )
    connect_timeout: float = Field(default=1.0, gt=0, le=60, description="seconds")
    read_timeout: float = Field(default=5.0, gt=0, le=300, description="seconds")
    checkin_budget: float = Field(
        default=10.0, gt=0, le=600, description="seconds one check-in may wait on the gateway"
    )
    reverify_interval_seconds: float = Field(
        default=60.0,
        ge=5,
        le=24 * 3600,
        description="how often visits checked in from the offline cache are re-checked "
        "while any wait (also at once after an online check-in)",
    )

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an https:// URL with a host name")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise ValueError(
                "plain http is allowed only to this computer (127.0.0.1 or localhost); "
                "patient data to another computer must go over https"
            )
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query (?…) or a fragment (#…)")
        return value.rstrip("/")


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


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=64 * 1024, description="size at which desk.jsonl rotates"
    )
    backups: int = Field(default=5, ge=1, le=100, description="rotated files kept")


def _rule(problems: list[tuple[str, str]]) -> PydanticCustomError:
    text = "; ".join(f"{key}: {why}" for key, why in problems)
    return PydanticCustomError("desk_rule", text, {"problems": problems})


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
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    manager: ManagerConfig = Field(default_factory=ManagerConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> DeskSettings:
        problems = unsafe_settings(self)
        if problems:
            raise _rule(problems)
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
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_toml_path.get())
        return (init_settings, env_settings, toml)


def unsafe_settings(settings: DeskSettings) -> list[tuple[str, str]]:
    """(key, why) for each value that is refused whatever the machine holds."""
    problems: list[tuple[str, str]] = []
    gateway = settings.gateway
    for key in ("ca_bundle", "client_certificate", "client_key"):
        value = getattr(gateway, key)
        if value is not None and not value.is_absolute():
            problems.append((f"gateway.{key}", f"{str(value)!r} must be an absolute path"))
    if gateway.client_key is not None and gateway.client_certificate is None:
        problems.append(("gateway.client_key", "is set without gateway.client_certificate"))
    if gateway.client_certificate is not None and gateway.client_key is None:
        problems.append(("gateway.client_certificate", "is set without gateway.client_key"))
    host = urlsplit(gateway.base_url or "").hostname
    production = settings.mode == "production"
    if not gateway.verify_tls and host and not is_loopback_host(host) and not production:
        problems.append(("gateway.verify_tls", "may be false only for a gateway on this computer"))
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
    if not gateway.base_url:
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


class _TomlPath:
    """The file the next ``DeskSettings()`` reads (set by ``load_settings``)."""

    def __init__(self) -> None:
        self._path: Path | None = None

    def get(self) -> Path | None:
        return self._path if self._path is not None and self._path.exists() else None

    def set(self, path: Path | None) -> None:
        self._path = path


_toml_path = _TomlPath()


class ConfigError(Exception):
    """The configuration cannot be used; ``message`` says why in plain sentences.

    ``problems`` holds one sentence per problem (``message`` joins them).
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


def _is_secret(key: str) -> bool:
    return any(word in key for word in ("password", "passphrase", "pin_hash"))


def _describe(error: Any, source: Path | None) -> list[str]:
    key = ".".join(str(part) for part in error["loc"])
    where = f" in {source}" if source else ""
    if error["type"] == "desk_rule":
        return [f"setting {k!r}{where} {why}" for k, why in error["ctx"]["problems"]]
    if error["type"] == "extra_forbidden":
        return [f"unknown setting {key!r}{where}: remove it or check its spelling"]
    value = error.get("input")
    shown = "(secret)" if _is_secret(key) else repr(value)
    message = str(error["msg"]).removeprefix("Value error, ")
    return [f"setting {key!r}{where} has the value {shown}: {message}"]


def load_settings(path: Path | None = None) -> DeskSettings:
    """Read the configuration file (default: ``paths.config_file()``) and the environment."""
    source = path or paths.config_file()
    if source.exists():
        try:
            tomllib.loads(source.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"the configuration file {source} is not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(
                f"the configuration file {source} cannot be read: {exc.strerror}"
            ) from None
    _toml_path.set(source)
    try:
        return DeskSettings()
    except ValidationError as exc:
        messages = [
            line for e in exc.errors() for line in _describe(e, source if source.exists() else None)
        ]
        raise ConfigError("; ".join(messages), messages) from None
    finally:
        _toml_path.set(None)


def check_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> DeskSettings:
    """``load_settings`` plus ``production_problems``: the settings a desk can start with."""
    settings = load_settings(path)
    problems = production_problems(settings, environ)
    if problems:
        raise ConfigError("; ".join(problems), problems)
    return settings


# --- the commented template (`clinic-desk config init`) ------------------------------

_PRODUCTION_EXAMPLES: dict[str, dict[str, object]] = {
    "reader": {"name_pattern": "ACR39U"},
    "gateway": {
        "base_url": "https://gateway.clinic.example:8443",
        "ca_bundle": "/etc/clinic-desk/gateway-ca.pem",
        "client_certificate": "/etc/clinic-desk/desk.pem",
        "client_key": "/etc/clinic-desk/desk.key",
    },
    "desk": {"clinic_id": "clinic-0001", "desk_id": "desk-1"},
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render_template(mode: Mode = "demo") -> str:
    """A commented config.toml listing every setting with its meaning and default.

    ``demo``: everything commented out (the file loads as the demo). ``production``:
    the settings a clinic must fill in are written out with example values to replace.
    """
    lines = [
        "# clinic-desk configuration (written by `clinic-desk config init`).",
        "# Every setting may also come from the environment: CLINIC_DESK_<SECTION>__<KEY>,",
        "# e.g. CLINIC_DESK_GATEWAY__BASE_URL. A line starting with # shows the default.",
        "# Check this file with `clinic-desk config check`, then `clinic-desk doctor`.",
        "",
    ]
    mode_field = DeskSettings.model_fields["mode"]
    lines.append(f"# {mode_field.description}")
    lines.append(f'mode = "{mode}"' if mode == "production" else '# mode = "demo"')
    for section, field in DeskSettings.model_fields.items():
        if section == "mode":
            continue
        model = field.default_factory() if field.default_factory else None  # type: ignore[call-arg]
        assert isinstance(model, BaseModel)
        examples = _PRODUCTION_EXAMPLES.get(section, {}) if mode == "production" else {}
        lines += ["", f"[{section}]"]
        for key, sub in type(model).model_fields.items():
            if sub.description:
                lines.append(f"# {sub.description}")
            if key in examples:
                lines.append("# CHANGE THIS: an example value")
                lines.append(f"{key} = {_toml_value(examples[key])}")
                continue
            default = getattr(model, key)
            if default is None:
                lines.append(f"# {key} =    (not set)")
            else:
                lines.append(f"# {key} = {_toml_value(default)}")
    return "\n".join(lines) + "\n"


def masked_dump(settings: DeskSettings) -> dict[str, Any]:
    """The settings as plain data with every secret replaced by ``********``."""
    data = settings.model_dump(mode="json")
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if _is_secret(key) and value is not None:
                values[key] = "********"
        data[section] = values
    return data


def to_toml(data: Mapping[str, Any]) -> str:
    """Render ``masked_dump`` output as TOML (unset values as comments)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        elif value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table in tables:
        lines += ["", f"[{name}]"]
        for key, value in table.items():
            lines.append(
                f"# {key} =    (not set)" if value is None else f"{key} = {_toml_value(value)}"
            )
    return "\n".join(lines) + "\n"

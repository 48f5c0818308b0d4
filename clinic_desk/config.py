"""The desk's configuration: one TOML file, ``CLINIC_DESK_…`` overrides, one model.

``config.toml`` lives in ``paths.config_dir()`` (moved by ``CLINIC_DESK_HOME``).
Environment variables override it, sections joined by a double underscore:
``CLINIC_DESK_GATEWAY__BASE_URL=https://…``. Nothing configured means the demo.
A bad value is reported in one plain sentence naming the key, the value and what
is allowed (``ConfigError``), never as a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from clinic_desk import paths

Mode = Literal["demo", "production"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReaderConfig(_Section):
    name_pattern: str | None = Field(
        default=None,
        description="which reader to use: exact name, glob or substring (required when "
        "several readers are attached)",
    )


class GatewayConfig(_Section):
    base_url: str | None = Field(default=None, description="https://… of the clinic's gateway")
    ca_bundle: Path | None = None
    client_certificate: Path | None = None
    client_key: Path | None = None
    client_key_password: SecretStr | None = None
    verify_tls: bool = True
    connect_timeout: float = Field(default=1.0, gt=0, le=60)
    read_timeout: float = Field(default=5.0, gt=0, le=300)
    checkin_budget: float = Field(default=10.0, gt=0, le=600)


class CacheConfig(_Section):
    passphrase_source: Literal["env", "prompt"] = Field(
        default="env", description="env: CLINIC_DESK_CACHE_PASSPHRASE; prompt: asked at start"
    )
    eligibility_ttl_days: int = Field(default=30, ge=1, le=365)
    medication_ttl_hours: int = Field(
        default=24, ge=1, le=24, description="never beyond the 24-hour consent window"
    )


class DeskConfig(_Section):
    clinic_id: str = Field(default="demo-clinic", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    desk_id: str = Field(default="desk-1", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    lang: Literal["ja", "en"] | None = None
    idle_lock_seconds: int = Field(default=120, ge=10, le=3600)


class ManagerConfig(_Section):
    pin_hash: str | None = Field(default=None, description="salted scrypt hash, never the PIN")
    lockout_tries: int = Field(default=5, ge=1, le=20)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    idle_lock_seconds: int = Field(default=60, ge=10, le=3600)


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_bytes: int = Field(default=5 * 1024 * 1024, ge=64 * 1024)
    backups: int = Field(default=5, ge=1, le=100)


class DeskSettings(BaseSettings):
    """Everything configurable about one desk."""

    model_config = SettingsConfigDict(
        env_prefix="CLINIC_DESK_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    mode: Mode = "demo"
    reader: ReaderConfig = Field(default_factory=ReaderConfig)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    manager: ManagerConfig = Field(default_factory=ManagerConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

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
    """The configuration cannot be used; ``message`` says why in one plain sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _describe(error: Any, source: Path | None) -> str:
    key = ".".join(str(part) for part in error["loc"])
    where = f" in {source}" if source else ""
    if error["type"] == "extra_forbidden":
        return f"unknown setting {key!r}{where}: remove it or check its spelling"
    value = error.get("input")
    shown = "(secret)" if "password" in key or "passphrase" in key else repr(value)
    return f"setting {key!r}{where} has the value {shown}: {error['msg']}"


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
        messages = [_describe(e, source if source.exists() else None) for e in exc.errors()]
        raise ConfigError("; ".join(messages)) from None
    finally:
        _toml_path.set(None)

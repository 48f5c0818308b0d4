"""The settings model: one section a table of ``config.toml``, one ``DeskSettings``.

Each value's own bounds live here; the rules that weigh values against each other
(``rules.unsafe_settings``) are asked when the model is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from clinic_desk.config.rules import PASSPHRASE_ENV, unsafe_settings
from clinic_desk.eligibility.settings import settings_rule
from clinic_desk.oqs.settings import DeskGateway

Mode = Literal["demo", "production"]


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


# The configuration file's data while ``load_settings`` builds the settings (read once,
# bounded, by ``jsonfiles.load_toml``): the lowest-priority source, under the environment.
_file_data: ContextVar[dict[str, Any] | None] = ContextVar("config_file_data", default=None)


@contextmanager
def reading_file(data: dict[str, Any] | None) -> Iterator[None]:
    token = _file_data.set(data)
    try:
        yield
    finally:
        _file_data.reset(token)

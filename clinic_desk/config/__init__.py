"""The desk's configuration: one TOML file, ``CLINIC_DESK_…`` overrides, one model.

``config.toml`` lives in ``paths.config_dir()`` (moved by ``CLINIC_DESK_HOME``).
Environment variables override it, sections joined by a double underscore:
``CLINIC_DESK_GATEWAY__BASE_URL=https://…``. Nothing configured means the demo.
A bad value is reported in one plain sentence naming the key, the value and what
is allowed (``ConfigError``), never as a traceback.

Three parts: the model (``settings``: the sections and ``DeskSettings``), the rules
(``rules``: ``unsafe_settings`` refuses values that are wrong or unsafe anywhere,
``production_problems`` lists what a production desk still lacks on this machine)
and the reading (``loading``: ``load_settings``, ``check_settings``, ``ConfigError``).
"""

from clinic_desk.config.loading import ConfigError, check_settings, is_secret, load_settings
from clinic_desk.config.rules import (
    MIN_PASSPHRASE_LENGTH,
    PASSPHRASE_ENV,
    production_problems,
    unsafe_settings,
)
from clinic_desk.config.settings import (
    CacheConfig,
    DeskConfig,
    DeskSettings,
    LoggingConfig,
    ManagerConfig,
    Mode,
    ReaderConfig,
    VisualCheckConfig,
)

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "PASSPHRASE_ENV",
    "CacheConfig",
    "ConfigError",
    "DeskConfig",
    "DeskSettings",
    "LoggingConfig",
    "ManagerConfig",
    "Mode",
    "ReaderConfig",
    "VisualCheckConfig",
    "check_settings",
    "is_secret",
    "load_settings",
    "production_problems",
    "unsafe_settings",
]

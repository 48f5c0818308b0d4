"""Every place clinic-desk reads or writes on disk, in one module.

Built on platformdirs. ``CLINIC_DESK_HOME`` moves all of them under one folder
(tests, kiosks, support machines); each one can also be moved on its own by
``CLINIC_DESK_CONFIG_DIR``, ``CLINIC_DESK_DATA_DIR``, ``CLINIC_DESK_CACHE_DIR``,
``CLINIC_DESK_LOG_DIR`` and ``CLINIC_DESK_RUNTIME_DIR``. Nothing else in the code base
builds a path to the user's profile.

A variable that names a file (or a folder inside a file) is a ``LocationError`` naming
the variable, raised before anything is read or written there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path, user_log_path

APP_NAME = "clinic-desk"
HOME_ENV = "CLINIC_DESK_HOME"
FIXTURES_ENV = "CLINIC_DESK_FIXTURES_DIR"

_PACKAGE_DIR = Path(__file__).resolve().parent


class LocationError(NotADirectoryError):
    """A folder clinic-desk needs is, or lies inside, something that is not a folder."""

    def __init__(self, variable: str | None, value: Path, blocker: Path) -> None:
        self.variable = variable
        self.value = value
        self.blocker = blocker
        if variable is None:
            message = (
                f"{blocker} is a file, not a folder, so clinic-desk cannot keep its files in "
                f"{value}: move the file aside, or set {HOME_ENV} to a folder"
            )
        elif blocker == value:
            message = (
                f"{variable} is set to {value}, which is a file, not a folder: set it to a "
                "folder (it is created when missing)"
            )
        else:
            message = (
                f"{variable} is set to {value}, but {blocker} is a file, not a folder: set "
                f"{variable} to a folder (it is created when missing)"
            )
        super().__init__(message)


def _require_folder(path: Path, variable: str | None, value: Path) -> Path:
    """``path`` when it is a folder or can become one; else ``LocationError``."""
    probe = path
    while True:
        try:
            mode = os.stat(probe).st_mode
        except (FileNotFoundError, NotADirectoryError):
            if probe.parent == probe:
                return path
            probe = probe.parent
            continue
        except OSError:
            return path  # unreadable: whoever uses the folder says so
        if stat.S_ISDIR(mode):
            return path
        raise LocationError(variable, value, probe)


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def _resolve(env: str, sub: str, default: Path) -> Path:
    own = os.environ.get(env)
    if own:
        path = Path(own).expanduser()
        return _require_folder(path, env, path)
    home = _home()
    if home is not None:
        return _require_folder(home / sub, HOME_ENV, home)
    return _require_folder(default, None, default)


def config_dir() -> Path:
    """Folder of the configuration file and the cache key file."""
    return _resolve("CLINIC_DESK_CONFIG_DIR", "config", user_config_path(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Folder of the encrypted offline cache."""
    return _resolve("CLINIC_DESK_DATA_DIR", "data", user_data_path(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Folder for throw-away files (derived data that can be rebuilt)."""
    return _resolve("CLINIC_DESK_CACHE_DIR", "cache", user_cache_path(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Folder of the desk's structured logs."""
    return _resolve("CLINIC_DESK_LOG_DIR", "logs", user_log_path(APP_NAME, appauthor=False))


def runtime_dir() -> Path:
    """Folder of the desk's local socket (the patient display pairs through it).

    ``$XDG_RUNTIME_DIR/clinic-desk`` where the session has one (a per-user tmpfs),
    otherwise a ``run`` folder in the cache folder: never a shared folder such as /tmp.
    """
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    default = Path(xdg) / APP_NAME if xdg else cache_dir() / "run"
    return _resolve("CLINIC_DESK_RUNTIME_DIR", "run", default)


def config_file() -> Path:
    return config_dir() / "config.toml"


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (owner-only) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def fixtures_dir() -> Path:
    """The shipped scenario and card fixtures.

    In a source checkout they live in ``fixtures/`` at the repository root; an
    installed wheel carries them as ``clinic_desk/_fixtures``.
    """
    override = os.environ.get(FIXTURES_ENV)
    if override:
        path = Path(override).expanduser()
        return _require_folder(path, FIXTURES_ENV, path)
    bundled = _PACKAGE_DIR / "_fixtures"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "fixtures"


def check_locations() -> None:
    """Every folder clinic-desk may use, checked at once (``LocationError``)."""
    for folder in (config_dir, data_dir, cache_dir, log_dir, runtime_dir, fixtures_dir):
        folder()

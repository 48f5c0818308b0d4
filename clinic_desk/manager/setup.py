"""Setting the manager PIN: the hash in the configuration and the key pair's wrapping.

The PIN hash (``config.toml``) and the manager key (``manager-key.json``) must agree.
The new key file is written beside the old one first, then the configuration, then
the key file is moved into place, so a failure leaves the old PIN working.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC
from pathlib import Path
from typing import Literal

from clinic_desk import paths
from clinic_desk.config import ManagerConfig
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.manager.config_file import write_pin_hash
from clinic_desk.manager.errors import ManagerError, ManagerKeyMissing
from clinic_desk.manager.pin import (
    LOCKOUT_NAME,
    SCRYPT_LOG_N,
    ManagerPin,
    Verdict,
    check_pin_format,
    hash_pin,
)
from clinic_desk.manager.sealing import ManagerKeyFile, key_file_path, new_manager_key
from offline_cache import LockoutState, OfflineCache

SetPinKind = Literal["first", "change", "reset"]


class PinRefused(ManagerError):
    """The current PIN was wrong, or the PIN is locked."""


def needs_current_pin(settings: ManagerConfig, key_path: Path | None = None) -> bool:
    """True when a PIN or a manager key exists, so changing it needs the current PIN."""
    return settings.pin_hash is not None or (key_path or key_file_path()).exists()


def set_manager_pin(
    new_pin: str,
    *,
    settings: ManagerConfig,
    current_pin: str | None = None,
    cache: OfflineCache | None = None,
    reset: bool = False,
    config_path: Path | None = None,
    key_path: Path | None = None,
    now: Clock = utc_now,
    scrypt_n: int = 2**15,
    log_n: int = SCRYPT_LOG_N,
) -> SetPinKind:
    """Set the first PIN, change it (``current_pin`` needed) or, when it is forgotten,
    ``reset`` it: a new manager key replaces the old one (kept aside as a file), so
    references sealed before can only be opened with the old key and the old PIN.
    Changing or resetting needs the offline cache (wrong tries count, audit rows)."""
    check_pin_format(new_pin)
    config = config_path or paths.config_file()
    key_file = key_path or key_file_path()
    kind: SetPinKind = "first"
    if needs_current_pin(settings, key_file):
        if cache is None:
            raise ManagerError(
                "changing the manager PIN needs the offline cache (to count wrong tries)"
            )
        kind = "reset" if reset else "change"
    if kind == "change":
        if current_pin is None:
            raise PinRefused("type the current manager PIN to change it")
        if settings.pin_hash is not None:
            assert cache is not None
            check = ManagerPin(cache, settings, now=now).verify(current_pin, purpose="set-pin")
            if check.verdict is Verdict.LOCKED:
                until = f"{check.locked_until:%H:%M} UTC" if check.locked_until else "later"
                raise PinRefused(f"the manager PIN is locked until {until}")
            if not check.ok:
                raise PinRefused(f"that is not the manager PIN ({check.tries_words})")
        try:
            replacement = ManagerKeyFile.load(key_file).rewrap(
                current_pin, new_pin, scrypt_n=scrypt_n
            )
        except ManagerKeyMissing:
            replacement = new_manager_key(new_pin, scrypt_n=scrypt_n)
    else:
        replacement = new_manager_key(new_pin, scrypt_n=scrypt_n)

    staged = key_file.with_name(key_file.name + ".new")
    replacement.save(staged, replace=True)
    try:
        write_pin_hash(config, hash_pin(new_pin, log_n=log_n))
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise
    if kind == "reset" and key_file.exists():
        stamp = now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        os.replace(key_file, key_file.with_name(f"{key_file.name}.replaced-{stamp}"))
    os.replace(staged, key_file)
    if cache is not None:
        cache.lockouts.put(
            LOCKOUT_NAME, LockoutState(), action=f"manager.pin_{kind}", actor="manager"
        )
    return kind

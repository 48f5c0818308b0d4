"""The staff PIN that a production desk asks before a visual check (目視).

Each receptionist who may switch a check-in to the visual check has a salted scrypt
hash in ``[visual_check] staff_pin_hashes`` of ``config.toml`` (staff id → hash, the
manager PIN's format: ``clinic-desk``'s ``hash_pin``). Wrong tries are counted per
staff id in the encrypted cache and lock that id for a while, as for the manager PIN;
every try is an audit row with the staff id and a code only. The PIN is never kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import timedelta

from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.manager.pin import pin_matches
from offline_cache import LockoutState, OfflineCache

LOCKOUT_TRIES = 5
LOCKOUT_MINUTES = 15


class StaffPins:
    """Checks a staff id and PIN; blocking (scrypt, SQLCipher): call it from a thread."""

    def __init__(
        self, cache: OfflineCache, hashes: Mapping[str, str], *, now: Clock = utc_now
    ) -> None:
        self._cache = cache
        self._hashes = dict(hashes)
        self._now = now
        self._lock = threading.Lock()

    def verify(self, staff_id: str, pin: str) -> str:
        """ "" when the PIN is this staff member's; else ``staff_unknown``,
        ``staff_pin_wrong`` or ``staff_pin_locked``."""
        stored = self._hashes.get(staff_id)
        if stored is None:
            self._cache.audit.record("staff.unknown", (), note="visual", actor=staff_id)
            return "staff_unknown"
        name = f"staff_pin:{staff_id}"
        with self._lock:
            now = self._now()
            state = self._cache.lockouts.get(name)
            if state.locked(now):
                self._cache.audit.record("staff.pin_refused", (name,), actor=staff_id)
                return "staff_pin_locked"
            failed = 0 if state.locked_until is not None else state.failed_tries
            if pin and pin_matches(pin, stored):
                self._cache.lockouts.put(
                    name, LockoutState(), action="staff.pin_ok", note="visual", actor=staff_id
                )
                return ""
            failed += 1
            until = None
            if failed >= LOCKOUT_TRIES:
                until = now + timedelta(minutes=LOCKOUT_MINUTES)
            self._cache.lockouts.put(
                name,
                LockoutState(failed_tries=failed, locked_until=until),
                action="staff.lockout" if until else "staff.pin_wrong",
                note=f"tries={failed}",
                actor=staff_id,
            )
            return "staff_pin_locked" if until else "staff_pin_wrong"

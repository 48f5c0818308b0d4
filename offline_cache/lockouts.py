"""Wrong-try counters and locks of secrets the program checks (the manager PIN).

Sealed like the other tables: a counter reset with plain SQL shows in ``cache verify``.
"""

from __future__ import annotations

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.models import LockoutState
from offline_cache.tables import LOCKOUTS
from offline_cache.unit import UnitOfWork

_REPLACE = (
    "ON CONFLICT (name) DO UPDATE SET failed_tries = excluded.failed_tries, "
    "locked_until = excluded.locked_until, updated_at = excluded.updated_at, "
    "seal = excluded.seal"
)


class LockoutStore:
    def __init__(self, unit: UnitOfWork, audit: AuditLog) -> None:
        self._unit = unit
        self._audit = audit

    def get(self, name: str) -> LockoutState:
        """Wrong tries in a row at the secret ``name`` (e.g. ``manager_pin``) and its lock."""
        key = codec.code(name, "lockout name")
        with self._unit.read() as conn:
            found = LOCKOUTS.find(conn, key)
        return found if found is not None else LockoutState()

    def put(
        self,
        name: str,
        state: LockoutState,
        *,
        action: str,
        note: str = "",
        actor: str | None = None,
    ) -> LockoutState:
        """Store the counter and lock of ``name`` with an audit row ``action`` (one
        transaction), so a restart neither forgets wrong tries nor lifts a lock."""
        key = codec.code(name, "lockout name")
        values = (
            key,
            state.failed_tries,
            codec.ts(state.locked_until) if state.locked_until else None,
            codec.ts(self._unit.now()),
        )
        with self._unit.write() as tx:
            tx.put(LOCKOUTS, values, replace=_REPLACE)
            self._audit.append(tx, action, (key,), note, actor)
        return state

"""Names the gate has learned: a card holder's spelling aliases, as the caller gives them.

The cache keeps each alias as JSON (the spellings, who proposed, approved or revoked
it and when) with the card and record it belongs to; it knows nothing of names. Every
change writes an audit row (ids and the status only, never a spelling) in the same
transaction. Aliases are never deleted: a revoked one stays, listed as revoked.
"""

from __future__ import annotations

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.models import AliasRow, AliasStatus, JsonObject
from offline_cache.tables import ALIASES
from offline_cache.unit import UnitOfWork

_REPLACE = (
    "ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
    "alias_json = excluded.alias_json, updated_at = excluded.updated_at, seal = excluded.seal"
)
MAX_ALIAS_JSON = 4096  # characters: a few spellings and ids, bounded


class AliasStore:
    def __init__(self, unit: UnitOfWork, audit: AuditLog) -> None:
        self._unit = unit
        self._audit = audit

    def put(
        self,
        alias_id: str,
        *,
        cert_sha256: str,
        record_ref: str,
        status: AliasStatus,
        alias: JsonObject,
        action: str,
        actor: str | None = None,
    ) -> AliasRow:
        """Store (or replace) one alias with an audit row ``action`` (one transaction).

        A stored alias keeps its card and record: only its status and JSON change.
        """
        key = codec.code(alias_id, "alias id")
        cert = codec.cert(cert_sha256)
        text = codec.json_text(alias)
        if len(text) > MAX_ALIAS_JSON:
            raise ValueError("the alias is too large")
        if not record_ref or len(record_ref) > 80:
            raise ValueError("the alias's record reference is empty or too long")
        now = self._unit.now()
        values = (key, cert, record_ref, AliasStatus(status).value, text, codec.ts(now))
        with self._unit.write() as tx:
            before = ALIASES.find(tx.conn, key)
            if before is not None and (
                before.cert_sha256 != cert or before.record_ref != record_ref
            ):
                raise ValueError("an alias cannot move to another card or record")
            tx.put(ALIASES, values, replace=_REPLACE)
            self._audit.append(tx, action, (key,), AliasStatus(status).value, actor)
        return ALIASES.decode(values)

    def get(self, alias_id: str) -> AliasRow | None:
        with self._unit.read() as conn:
            return ALIASES.find(conn, alias_id)

    def for_card(self, cert_sha256: str) -> list[AliasRow]:
        """The aliases of one card (every status), oldest first."""
        with self._unit.read() as conn:
            rows = conn.execute(
                f"{ALIASES.select} WHERE cert_sha256 = ? ORDER BY updated_at, id",
                (codec.cert(cert_sha256),),
            ).fetchall()
        return [ALIASES.decode(r) for r in rows]

    def find(self, status: AliasStatus | None = None) -> list[AliasRow]:
        """Every alias (only those in ``status`` when given), newest change first."""
        query = ALIASES.select
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (AliasStatus(status).value,)
        with self._unit.read() as conn:
            rows = conn.execute(query + " ORDER BY updated_at DESC, id", params).fetchall()
        return [ALIASES.decode(r) for r in rows]

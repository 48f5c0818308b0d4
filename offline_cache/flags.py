"""Mismatch flags (what the chip said about a withheld record) and their review history.

Flags are never deleted. A flag's status moves only through ``mark_reported``,
``resolve`` and ``reopen``, each of which writes a history step and an audit row in the
same transaction; a status changed any other way fails its seal (``cache verify``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.errors import InvalidTransition
from offline_cache.models import FlagMove, FlagStatus, FlagSummary, JsonObject, MismatchFlag
from offline_cache.tables import FLAG_HISTORY, FLAGS
from offline_cache.unit import UnitOfWork

_FLAG_MOVES: dict[FlagStatus, set[FlagStatus]] = {
    FlagStatus.OPEN: {FlagStatus.REPORTED, FlagStatus.RESOLVED},
    FlagStatus.REPORTED: {FlagStatus.RESOLVED, FlagStatus.OPEN},
    FlagStatus.RESOLVED: {FlagStatus.OPEN},
}


class FlagStore:
    """The manager's review queue."""

    def __init__(self, unit: UnitOfWork, audit: AuditLog) -> None:
        self._unit = unit
        self._audit = audit

    def raise_flag(
        self,
        *,
        desk_id: str,
        reason: str,
        card_identity: JsonObject,
        insurer_reference: str | None = None,
        actor: str | None = None,
    ) -> MismatchFlag:
        """Queue a withheld mismatch for the manager. Flags are never deleted.

        ``card_identity`` is what the chip said; of the linked record only the insurer's
        reference is kept (enough to report the wrong link, nothing of its content).
        """
        desk = codec.code(desk_id, "desk id")
        reason_code = codec.code(reason, "reason")
        flag = MismatchFlag(
            id=uuid.uuid4().hex,
            created_at=self._unit.now(),
            desk_id=desk,
            reason=reason_code,
            status=FlagStatus.OPEN,
            card_identity=card_identity,
            insurer_reference=insurer_reference,
        )
        values = (
            flag.id,
            codec.ts(flag.created_at),
            desk,
            reason_code,
            FlagStatus.OPEN.value,
            codec.json_text(card_identity),
            insurer_reference,
            None,
            None,
            None,
            None,
        )
        with self._unit.write() as tx:
            tx.put(FLAGS, values)
            self._audit.append(tx, "flag.raise", (flag.id,), reason_code, actor)
        return flag

    def find(self, status: FlagStatus | None = None) -> list[MismatchFlag]:
        """Flags, newest first; only those in ``status`` when given."""
        query = FLAGS.select
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (FlagStatus(status).value,)
        with self._unit.read() as conn:
            rows = conn.execute(query + " ORDER BY created_at DESC, id", params).fetchall()
        return [FLAGS.decode(r) for r in rows]

    def summaries(self) -> list[FlagSummary]:
        """Every flag as a queue line, newest first: no JSON payloads are decoded, so
        tens of thousands come back in a few milliseconds."""
        with self._unit.read() as conn:
            rows = conn.execute(
                "SELECT id, created_at, desk_id, reason, status FROM mismatch_flag "
                "ORDER BY created_at DESC, id"
            ).fetchall()
        statuses = {s.value: s for s in FlagStatus}
        return [
            FlagSummary(fid, datetime.fromisoformat(created), desk, reason, statuses[status])
            for fid, created, desk, reason, status in rows
        ]

    def get(self, flag_id: str) -> MismatchFlag:
        with self._unit.read() as conn:
            return FLAGS.get(conn, flag_id)

    def history(self, flag_id: str) -> list[FlagMove]:
        """Every review step of the flag, oldest first."""
        with self._unit.read() as conn:
            rows = conn.execute(
                f"{FLAG_HISTORY.select} WHERE flag_id = ? ORDER BY seq", (flag_id,)
            ).fetchall()
        return [FLAG_HISTORY.decode(r) for r in rows]

    def mark_reported(
        self,
        flag_id: str,
        *,
        insurer_contact: str,
        reported_at: datetime | None = None,
        actor: str | None = None,
    ) -> MismatchFlag:
        """Record that the wrong link was reported to the insurer (``reported_at``: when,
        if not now)."""
        when = codec.ts(reported_at if reported_at is not None else self._unit.now())
        return self._move(
            flag_id,
            FlagStatus.REPORTED,
            {"reported_at": when, "insurer_contact": insurer_contact},
            actor,
            history=(when, insurer_contact, None),
        )

    def resolve(self, flag_id: str, *, note: str, actor: str | None = None) -> MismatchFlag:
        """Close the flag with the manager's resolution note."""
        return self._move(
            flag_id,
            FlagStatus.RESOLVED,
            {"resolved_at": codec.ts(self._unit.now()), "resolution_note": note},
            actor,
            history=(None, None, note),
        )

    def reopen(self, flag_id: str, *, note: str = "", actor: str | None = None) -> MismatchFlag:
        """Put a reported or resolved flag back in the queue.

        The resolution moves out of the flag's row into its history (``flag_history``),
        where every earlier step stays; the last report to the insurer stays on the row.
        """
        return self._move(
            flag_id,
            FlagStatus.OPEN,
            {"resolved_at": None, "resolution_note": None},
            actor,
            history=(None, None, note or None),
            action="flag.reopen",
        )

    def _move(
        self,
        flag_id: str,
        target: FlagStatus,
        changes: dict[str, str | None],
        actor: str | None,
        *,
        history: tuple[str | None, str | None, str | None],
        action: str | None = None,
    ) -> MismatchFlag:
        who = codec.code(actor, "actor") if actor else self._audit.actor
        with self._unit.write() as tx:
            current = FLAGS.get(tx.conn, flag_id).status
            if target not in _FLAG_MOVES[current]:
                raise InvalidTransition(f"a {current.value} flag cannot become {target.value}")
            tx.update(FLAGS, flag_id, {"status": target.value, **changes})
            seq = tx.execute("SELECT coalesce(max(seq), 0) + 1 FROM flag_history").fetchone()[0]
            at = codec.ts(self._unit.now())
            tx.put(FLAG_HISTORY, (seq, flag_id, at, who, current.value, target.value, *history))
            self._audit.append(
                tx, action or f"flag.{target.value}", (flag_id,), current.value, actor
            )
            return FLAGS.get(tx.conn, flag_id)

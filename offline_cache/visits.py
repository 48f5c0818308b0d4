"""Check-ins made from the cache during an outage, waiting to be re-verified."""

from __future__ import annotations

import uuid
from datetime import datetime

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.errors import InvalidTransition, SnapshotUnavailable
from offline_cache.models import JsonObject, OfflineVisit, VisitStatus
from offline_cache.tables import VISITS
from offline_cache.unit import UnitOfWork


class VisitStore:
    """Offline visits: queued from a current snapshot, then re-verified once."""

    def __init__(self, unit: UnitOfWork, audit: AuditLog) -> None:
        self._unit = unit
        self._audit = audit

    def record_offline(
        self,
        cert_sha256: str,
        *,
        desk_id: str,
        checked_in_at: datetime | None = None,
        actor: str | None = None,
    ) -> OfflineVisit:
        """Queue a check-in made from the card's current snapshot during an outage."""
        cert = codec.cert(cert_sha256)
        desk = codec.code(desk_id, "desk id")
        now = self._unit.now()
        at = codec.aware(checked_in_at) if checked_in_at else now
        visit_id = uuid.uuid4().hex
        with self._unit.write() as tx:
            row = tx.execute(
                "SELECT fetched_at FROM eligibility_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, codec.ts(now)),
            ).fetchone()
            if row is None:
                raise SnapshotUnavailable()
            values = (visit_id, cert, desk, codec.ts(at), row[0], "pending", None, None)
            tx.put(VISITS, values)
            self._audit.append(tx, "visit.offline", (visit_id, cert), desk, actor)
        return OfflineVisit(
            id=visit_id,
            cert_sha256=cert,
            desk_id=desk,
            checked_in_at=at,
            snapshot_fetched_at=codec.dt(row[0]),
            status=VisitStatus.PENDING,
        )

    def pending(self) -> list[OfflineVisit]:
        """Visits still waiting for re-verification, oldest first."""
        with self._unit.read() as conn:
            rows = conn.execute(
                f"{VISITS.select} WHERE status = 'pending' ORDER BY checked_in_at, id"
            ).fetchall()
        return [VISITS.decode(r) for r in rows]

    def get(self, visit_id: str) -> OfflineVisit:
        with self._unit.read() as conn:
            return VISITS.get(conn, visit_id)

    def record_reverification(
        self,
        visit_id: str,
        *,
        status: VisitStatus,
        result: JsonObject,
        actor: str | None = None,
    ) -> OfflineVisit:
        """Record what the gateway said when the pending visit was re-verified."""
        outcome = VisitStatus(status)
        if outcome is VisitStatus.PENDING:
            raise InvalidTransition("a re-verification must end in confirmed, changed or rejected")
        now = self._unit.now()
        with self._unit.write() as tx:
            if VISITS.get(tx.conn, visit_id).status is not VisitStatus.PENDING:
                raise InvalidTransition("this offline visit was already re-verified")
            tx.update(
                VISITS,
                visit_id,
                {
                    "status": outcome.value,
                    "reverified_at": codec.ts(now),
                    "reverification_json": codec.json_text(result),
                },
            )
            self._audit.append(tx, "visit.reverified", (visit_id,), outcome.value, actor)
            return VISITS.get(tx.conn, visit_id)

"""Evidence: files a clinic keeps of its exchanges with the national system.

A 資格確認端末's requests, answers and face-reader results hold personal data; the
desk keeps them here (encrypted, sealed, audited) rather than as plain files. Rows
are never changed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from datetime import datetime

from offline_cache import codec
from offline_cache.audit import AuditLog
from offline_cache.models import Evidence
from offline_cache.tables import EVIDENCE
from offline_cache.unit import UnitOfWork

MAX_EVIDENCE_BYTES = 16 * 1024 * 1024
MAX_LISTED = 1000
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,160}$")


class EvidenceStore:
    """Kept files, newest last."""

    def __init__(self, unit: UnitOfWork, audit: AuditLog) -> None:
        self._unit = unit
        self._audit = audit

    def keep(
        self, name: str, body: bytes, *, reason: str, desk_id: str, actor: str | None = None
    ) -> Evidence:
        """Keep ``body`` (the file ``name``) in one transaction with its audit row.

        ``name`` and ``reason`` are file-name and code characters only (they go into
        the audit row); a body over MAX_EVIDENCE_BYTES is refused (ValueError)."""
        if not _NAME.match(name):
            raise ValueError("an evidence name is a file name of letters, digits, . _ -")
        if len(body) > MAX_EVIDENCE_BYTES:
            raise ValueError(f"evidence files are at most {MAX_EVIDENCE_BYTES} bytes")
        why = codec.code(reason, "reason")
        desk = codec.code(desk_id, "desk id")
        now = self._unit.now()
        digest = hashlib.sha256(body).hexdigest()
        key = uuid.uuid4().hex
        values = (
            key,
            codec.ts(now),
            desk,
            why,
            name,
            digest,
            len(body),
            base64.b64encode(body).decode("ascii"),
        )
        with self._unit.write() as tx:
            tx.put(EVIDENCE, values)
            self._audit.append(tx, "evidence.kept", (key,), f"{why} {name}"[:200], actor)
        return Evidence(
            id=key,
            stored_at=now,
            desk_id=desk,
            reason=why,
            name=name,
            sha256=digest,
            size=len(body),
            body=body,
        )

    def get(self, evidence_id: str) -> Evidence:
        with self._unit.read() as conn:
            return EVIDENCE.get(conn, evidence_id)

    def named(self, name: str) -> list[Evidence]:
        """Every kept file of that name (oldest first)."""
        with self._unit.read() as conn:
            rows = conn.execute(
                f"{EVIDENCE.select} WHERE name = ? ORDER BY stored_at, id LIMIT {MAX_LISTED}",
                (name,),
            ).fetchall()
        return [EVIDENCE.decode(r) for r in rows]

    def listing(self, since: datetime | None = None) -> list[tuple[str, str, str, int]]:
        """(id, name, reason, size) of kept files, oldest first (bodies not read)."""
        after = codec.ts(codec.aware(since)) if since else ""
        with self._unit.read() as conn:
            rows = conn.execute(
                "SELECT id, name, reason, size FROM evidence WHERE stored_at >= ? "
                f"ORDER BY stored_at, id LIMIT {MAX_LISTED}",
                (after,),
            ).fetchall()
        return [(str(a), str(b), str(c), int(d)) for a, b, c, d in rows]

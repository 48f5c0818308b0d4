"""The audit log: an append-only, hash-chained record of every write.

Each row's hash covers its own fields and the previous row's hash, so editing or
deleting any row breaks the chain from that row on. From schema 4 on the hash is an
HMAC under the seal key (``seals.py``) and also covers the seals of the rows the write
left behind; rows written before (schema 1-3) keep their plain SHA-256, anchored by the
first sealed row that links to them. The head (last seq and hash) is also kept in
``meta`` in the same transaction, so removing the newest rows is caught as well unless
the head is rewritten too; for that, note the head printed by ``clinic-desk cache
verify`` somewhere outside the desk.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from offline_cache import codec
from offline_cache.models import AuditEntry
from offline_cache.seals import SealEntry, Sealer, parse_seals, seals_json
from offline_cache.unit import Tx, UnitOfWork

GENESIS_HASH = "0" * 64
AUDIT_COLUMNS = "seq, at, actor, action, subjects_json, note, prev_hash, hash"
CHAIN_COLUMNS = f"{AUDIT_COLUMNS}, seals_json"


def entry_hash(
    *,
    seq: int,
    at: str,
    actor: str,
    action: str,
    subject_ids: Sequence[str],
    note: str,
    prev_hash: str,
) -> str:
    """The plain SHA-256 of a row written before schema 4 (canonical JSON with the
    previous hash)."""
    body = json.dumps(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subjects": list(subject_ids),
            "note": note,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def read_head(conn: Any) -> tuple[int, str]:
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if row is None:
        return 0, GENESIS_HASH
    seq, _, digest = str(row[0]).partition(":")
    return int(seq), digest


class AuditLog:
    """Appends sealed audit rows and reads them back."""

    def __init__(self, unit: UnitOfWork, actor: str) -> None:
        self._unit = unit
        self.actor = codec.code(actor, "actor")

    def append(
        self,
        tx: Tx,
        action: str,
        subject_ids: Sequence[str] = (),
        note: str = "",
        actor: str | None = None,
    ) -> AuditEntry:
        """Append the audit row of the write ``tx``, with the seals it changed."""
        who = codec.code(actor, "actor") if actor else self.actor
        what = codec.code(action, "action")
        subjects = tuple(codec.code(s, "subject id") for s in subject_ids)
        codec.note(note)
        seals = tx.take_seals()
        head_seq, head_hash = read_head(tx.conn)
        seq = head_seq + 1
        at = codec.ts(self._unit.now())
        digest = self._unit.sealer.entry(
            seq=seq,
            at=at,
            actor=who,
            action=what,
            subject_ids=subjects,
            note=note,
            prev_hash=head_hash,
            seals=seals,
        )
        tx.execute(
            f"INSERT INTO audit_log ({CHAIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                at,
                who,
                what,
                json.dumps(list(subjects)),
                note,
                head_hash,
                digest,
                seals_json(seals),
            ),
        )
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"{seq}:{digest}",),
        )
        return AuditEntry(
            seq=seq,
            at=codec.dt(at),
            actor=who,
            action=what,
            subject_ids=subjects,
            note=note,
            prev_hash=head_hash,
            hash=digest,
        )

    def record(
        self,
        action: str,
        subject_ids: Sequence[str] = (),
        *,
        note: str = "",
        actor: str | None = None,
    ) -> AuditEntry:
        """Append an audit row for something the desk did (ids and codes only)."""
        with self._unit.write() as tx:
            return self.append(tx, action, tuple(subject_ids), note, actor)

    def entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Audit rows in order, starting after ``after_seq``."""
        query = f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq"
        params: tuple[int, ...] = (after_seq,)
        if limit is not None:
            query += " LIMIT ?"
            params = (after_seq, limit)
        with self._unit.read() as conn:
            rows = conn.execute(query, params).fetchall()
        return [entry_from_row(r) for r in rows]


class ChainCheck:
    """Walks audit rows in seq order, collects every break, and replays the seals the
    rows record into the state every sealed row must have now (``expected``)."""

    def __init__(self, sealer: Sealer, sealed_from: int) -> None:
        self._sealer = sealer
        self._sealed_from = sealed_from
        self.rows = 0
        self.head_seq = 0
        self.head_hash = GENESIS_HASH
        self.problems: list[str] = []
        # rows changed outside the program before a later write of the program
        self.row_problems: list[str] = []
        # (table, key) -> the seal the row must carry; absent when the row must not exist
        self.expected: dict[tuple[str, str], str] = {}

    def feed(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows as stored: ``CHAIN_COLUMNS``."""
        for row in rows:
            seq, at, actor, action, subjects_json, note, prev_hash, stored_hash, seals = row
            self.rows += 1
            if seq != self.head_seq + 1:
                self.problems.append(
                    f"audit rows {self.head_seq + 1}..{seq - 1} are missing"
                    if seq > self.head_seq + 1
                    else f"audit row {seq} is out of order"
                )
            if prev_hash != self.head_hash:
                self.problems.append(f"audit row {seq} does not link to the row before it")
            subjects = _subjects(subjects_json)
            if subjects is None:
                self.problems.append(f"audit row {seq} has damaged subject ids")
                subjects = []
            if seq >= self._sealed_from:
                entries = parse_seals(seals)
                if entries is None:
                    self.problems.append(f"audit row {seq} has a damaged seal list")
                    entries = []
                recomputed = self._sealer.entry(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    subject_ids=subjects,
                    note=note,
                    prev_hash=prev_hash,
                    seals=entries,
                )
                self._replay(seq, entries)
            else:
                recomputed = entry_hash(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    subject_ids=subjects,
                    note=note,
                    prev_hash=prev_hash,
                )
            if not self._sealer.same(recomputed, str(stored_hash)):
                self.problems.append(f"audit row {seq} was changed after it was written")
            self.head_seq = seq
            self.head_hash = str(stored_hash)

    def _replay(self, seq: int, entries: Iterable[SealEntry]) -> None:
        for name, key, before, after in entries:
            table = sys.intern(name)  # a few table names, repeated once per row
            must = self.expected.get((table, key))
            if before != must:
                what = "added" if must is None else "deleted" if before is None else "changed"
                self.row_problems.append(
                    f"{table} row {key} was {what} outside clinic-desk before audit row {seq}"
                )
            if after is None:
                self.expected.pop((table, key), None)
            else:
                self.expected[(table, key)] = after

    def check_head(self, meta_seq: int, meta_hash: str) -> None:
        """Compare the walked chain's end with the head recorded in ``meta``."""
        if (meta_seq, meta_hash) != (self.head_seq, self.head_hash):
            if meta_seq > self.head_seq:
                self.problems.append(
                    f"the newest audit rows ({self.head_seq + 1}..{meta_seq}) were removed"
                )
            else:
                self.problems.append("the recorded audit head does not match the last row")

    @property
    def ok(self) -> bool:
        return not self.problems


def _subjects(text: object) -> list[str] | None:
    try:
        subjects = json.loads(str(text))
    except ValueError:
        return None
    if not isinstance(subjects, list):
        return None
    return [str(s) for s in subjects]


def entry_from_row(row: Sequence[object]) -> AuditEntry:
    seq, at, actor, action, subjects_json, note, prev_hash, stored_hash = row
    return AuditEntry.model_validate(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subject_ids": tuple(json.loads(str(subjects_json))),
            "note": note,
            "prev_hash": prev_hash,
            "hash": stored_hash,
        }
    )

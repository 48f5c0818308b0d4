"""The hash chain of the audit log.

Each row's hash covers its own fields and the previous row's hash, so editing or
deleting any row breaks the chain from that row on. The head (last seq and hash) is
also kept in the ``meta`` table in the same transaction, so removing the newest rows
is caught as well unless the head is rewritten too; for that, note the head printed
by ``clinic-desk cache verify`` somewhere outside the desk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

from offline_cache.models import AuditEntry

GENESIS_HASH = "0" * 64


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
    """SHA-256 over a canonical JSON encoding of the row and the previous hash."""
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


class ChainCheck:
    """Walks audit rows in seq order and collects every break it finds."""

    def __init__(self) -> None:
        self.rows = 0
        self.head_seq = 0
        self.head_hash = GENESIS_HASH
        self.problems: list[str] = []

    def feed(self, rows: Iterable[tuple[int, str, str, str, str, str, str, str]]) -> None:
        """Rows as stored: (seq, at, actor, action, subjects_json, note, prev_hash, hash)."""
        for seq, at, actor, action, subjects_json, note, prev_hash, stored_hash in rows:
            self.rows += 1
            if seq != self.head_seq + 1:
                self.problems.append(
                    f"audit rows {self.head_seq + 1}..{seq - 1} are missing"
                    if seq > self.head_seq + 1
                    else f"audit row {seq} is out of order"
                )
            if prev_hash != self.head_hash:
                self.problems.append(f"audit row {seq} does not link to the row before it")
            try:
                subjects = json.loads(subjects_json)
            except ValueError:
                subjects = None
            if not isinstance(subjects, list):
                self.problems.append(f"audit row {seq} has damaged subject ids")
                subjects = []
            recomputed = entry_hash(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                subject_ids=[str(s) for s in subjects],
                note=note,
                prev_hash=prev_hash,
            )
            if recomputed != stored_hash:
                self.problems.append(f"audit row {seq} was changed after it was written")
            self.head_seq = seq
            self.head_hash = stored_hash

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

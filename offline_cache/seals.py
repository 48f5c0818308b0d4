"""Seals: HMACs under a key that only the program derives, so rows edited with plain SQL
show.

Someone who knows the passphrase can open the file with any SQLCipher tool, and with it
drop triggers and edit, insert or delete rows, and even recompute a plain hash chain. The
seal key is derived from the data key with HKDF and a fixed label inside the program; it
is never stored, so a plain SQL session cannot compute a valid seal. Each sealed row
carries the HMAC of its table name and every column (``seal``); each audit row from
schema 4 on is an HMAC over its fields, the previous row's hash and the seals of the rows
its write found and left behind, so the chain also records which rows must exist with
which seal, and a change made outside the program shows even after a later write.

This holds against edits made without the program. Someone who has the passphrase and
runs (or rewrites) the program's own code can compute seals too: the seals detect, they
do not stop a determined insider.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from offline_cache.keyfile import DataKey

SEAL_LABEL = b"clinic-desk offline cache seals v1"

# Canonical JSON (sorted keys, no spaces); one encoder for every seal, built once.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)

# One entry of an audit row's list: (table, row key, the seal of the row as the write
# found it, the seal it left); None where the row did not exist or was deleted.
SealEntry = tuple[str, str, str | None, str | None]


class Sealer:
    """Computes seals; holds only the derived key (its repr hides it)."""

    __slots__ = ("_keyed",)

    def __init__(self, data_key: DataKey) -> None:
        # Keyed once; each seal starts from a copy (verify computes one per row).
        self._keyed = hmac.new(data_key.derive(SEAL_LABEL), digestmod=hashlib.sha256)

    def _mac(self, payload: Any) -> str:
        mac = self._keyed.copy()
        mac.update(_CANONICAL.encode(payload).encode("utf-8"))
        return mac.hexdigest()

    def row(self, table: str, values: Sequence[object]) -> str:
        """The seal of one row: its table and every column but the seal, in table order."""
        return self._mac(["row", table, list(values)])

    def entry(
        self,
        *,
        seq: int,
        at: str,
        actor: str,
        action: str,
        subject_ids: Sequence[str],
        note: str,
        prev_hash: str,
        seals: Sequence[SealEntry],
    ) -> str:
        """The hash of a sealed audit row."""
        return self._mac(
            {
                "kind": "audit",
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "subjects": list(subject_ids),
                "note": note,
                "prev": prev_hash,
                "seals": [list(s) for s in seals],
            }
        )

    def marker(self, seq: int) -> str:
        """The seal of "audit rows are sealed from ``seq`` on" (kept in ``meta``)."""
        return self._mac(["sealed_from", seq])

    def same(self, a: str, b: str) -> bool:
        return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))

    def __repr__(self) -> str:
        return "Sealer(<hidden>)"


def seals_json(seals: Sequence[SealEntry]) -> str:
    return json.dumps([list(s) for s in seals], separators=(",", ":"))


def parse_seals(text: object) -> list[SealEntry] | None:
    """An audit row's seal list as stored, or None when it is not a valid list."""
    try:
        raw = json.loads(str(text))
    except ValueError:
        return None
    if not isinstance(raw, list):
        return None
    out: list[SealEntry] = []
    for item in raw:
        if (
            not isinstance(item, list)
            or len(item) != 4
            or not all(isinstance(v, str) for v in item[:2])
            or not all(v is None or isinstance(v, str) for v in item[2:])
        ):
            return None
        out.append((item[0], item[1], item[2], item[3]))
    return out

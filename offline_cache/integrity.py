"""Integrity: the file's pages, the audit chain and the sealed rows, checked together.

``verify`` walks the audit chain and replays the seals its rows recorded into the state
every sealed row must have now, then compares each table with it row by row. Whatever
was edited, inserted or deleted without the program (plain SQL with the key) is named
by table and row key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlcipher3

from offline_cache.audit import CHAIN_COLUMNS, AuditLog, ChainCheck, read_head
from offline_cache.connection import page_problems
from offline_cache.models import VerifyReport
from offline_cache.schema import SEALED_SINCE
from offline_cache.seals import Sealer
from offline_cache.tables import SEALED_TABLES
from offline_cache.unit import Tx, UnitOfWork

MARKER_KEY = "sealed_from"
# A file edited wholesale would otherwise print a line per row.
MAX_ROW_PROBLEMS = 100


def seal_on_migration(tx: Tx, audit: AuditLog, sealer: Sealer, start: int, target: int) -> None:
    """In the last migration's transaction: when the file had no seals yet, record where
    sealed audit rows begin and seal every existing row; then record the migration in
    one audit row. A new file (``start == 0``) has no rows: its first audit row is the
    creation. A file sealed already keeps its seals as they are."""
    if start < SEALED_SINCE:
        seq = read_head(tx.conn)[0] + 1
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (MARKER_KEY, f"{seq}:{sealer.marker(seq)}"),
        )
    if start == 0:
        return
    if start < SEALED_SINCE:  # a file that was sealed already keeps its rows' seals
        for table in SEALED_TABLES:
            tx.seal_all(table)
    audit.append(tx, "cache.migrate", (), f"schema {start} -> {target}")


def sealed_from(conn: Any, sealer: Sealer) -> int | None:
    """The seq of the first sealed audit row, or None when its record is missing or was
    changed."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (MARKER_KEY,)).fetchone()
    if row is None:
        return None
    seq_text, _, mac = str(row[0]).partition(":")
    if not seq_text.isdigit() or not sealer.same(sealer.marker(int(seq_text)), mac):
        return None
    return int(seq_text)


def verify(unit: UnitOfWork) -> VerifyReport:
    """Check the pages (SQLCipher HMACs), SQLite's integrity, the audit chain and every
    sealed row. A page that cannot be read is reported, never raised."""
    problems: list[str] = []
    sealer = unit.sealer
    with unit.mutex:
        conn = unit.conn
        problems.extend(page_problems(conn))
        try:
            integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                problems.extend(f"database check: {i}" for i in integrity[:10])
        except sqlcipher3.DatabaseError as exc:
            problems.append(f"database check failed: {exc}")
        integrity_ok = not problems
        try:
            first = sealed_from(conn, sealer)
            chain = ChainCheck(sealer, first or 1)
            if first is None:
                chain.problems.append(
                    "the record of where sealed audit rows begin is missing or was changed"
                )
            chain.feed(conn.execute(f"SELECT {CHAIN_COLUMNS} FROM audit_log ORDER BY seq"))
            chain.check_head(*read_head(conn))
        except sqlcipher3.DatabaseError as exc:
            problems.append(f"the audit log could not be read: {exc}")
            return VerifyReport(
                integrity_ok=integrity_ok,
                audit_ok=False,
                audit_readable=False,
                rows_ok=False,
                audit_rows=0,
                audit_head="",
                problems=tuple(problems),
            )
        rows = _RowCheck(sealer, chain.expected)
        try:
            for table in SEALED_TABLES:
                rows.feed(
                    table.name,
                    conn.execute(f"SELECT {table.column_list}, seal FROM {table.name}"),
                )
        except sqlcipher3.DatabaseError as exc:
            rows.problems.append(f"sealed rows could not be read: {exc}")
    rows.finish()
    row_problems = [*chain.row_problems, *rows.problems]
    if len(row_problems) > MAX_ROW_PROBLEMS:
        more = len(row_problems) - MAX_ROW_PROBLEMS
        row_problems = [*row_problems[:MAX_ROW_PROBLEMS], f"… and {more} more row problems"]
    problems.extend(chain.problems)
    problems.extend(row_problems)
    return VerifyReport(
        integrity_ok=integrity_ok,
        audit_ok=chain.ok,
        audit_rows=chain.rows,
        audit_head=chain.head_hash,
        rows_ok=not row_problems,
        rows_checked=rows.checked,
        problems=tuple(problems),
    )


class _RowCheck:
    """Compares the rows as they are with the state the audit chain says they must have."""

    def __init__(self, sealer: Sealer, expected: dict[tuple[str, str], str]) -> None:
        self._sealer = sealer
        self._expected = expected  # taken over and emptied: it can hold every row
        self.checked = 0
        self.problems: list[str] = []

    def feed(self, table: str, rows: Iterable[Any]) -> None:
        for row in rows:
            *values, stored = row
            self.checked += 1
            key = str(values[0])
            seal = self._sealer.row(table, values)
            must = self._expected.pop((table, key), None)
            if must is None:
                self.problems.append(f"{table} row {key} was added outside clinic-desk")
            elif not self._sealer.same(seal, must):
                # A row that carries a valid seal of its own is an older version put back.
                earlier = stored is not None and self._sealer.same(seal, str(stored))
                what = "put back to an earlier version" if earlier else "changed"
                self.problems.append(f"{table} row {key} was {what} outside clinic-desk")

    def finish(self) -> None:
        for table, key in sorted(self._expected):
            self.problems.append(f"{table} row {key} was deleted outside clinic-desk")
        self._expected.clear()

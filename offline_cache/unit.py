"""The unit of work: the cache's one connection, its lock and its transactions.

Threading: the cache owns ONE connection opened with ``check_same_thread=False`` and
serialises every call on a re-entrant lock, so it is at once the single writer and the
single reader. The desk calls it from Textual thread workers on changing threads; each
call is short (well under a millisecond for a lookup), so serialising costs nothing
noticeable, avoids a second connection's extra key setup and memory, and keeps every
write plus its audit row in one transaction that no other call can interleave with.
Other processes are kept out by an exclusive lock file (see ``lock.py``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlcipher3

from offline_cache.codec import Clock
from offline_cache.connection import close_quietly, translate
from offline_cache.errors import CacheClosed
from offline_cache.files import CacheFiles
from offline_cache.lock import ProcessLock
from offline_cache.seals import SealEntry, Sealer
from offline_cache.tables import Table


class Tx:
    """One write under way: the connection, and the seals it changed for its audit row.

    Stores change sealed rows only through ``put``, ``update`` and ``delete``, which
    record each row's seal before and after. A write that changed a sealed row must end
    with an audit row (``AuditLog.append``), which takes those seals; committing with
    seals not taken is refused, so no sealed row changes without its audit row.
    """

    def __init__(self, conn: Any, sealer: Sealer) -> None:
        self.conn = conn
        self._sealer = sealer
        self._seals: list[SealEntry] = []

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self.conn.execute(sql, params)

    def _current(self, table: Table[Any], key: object) -> str | None:
        """The seal of the row ``key`` as it stands now (recomputed), None when absent."""
        row = self.conn.execute(f"{table.select} WHERE {table.key} = ?", (key,)).fetchone()
        return None if row is None else self._sealer.row(table.name, tuple(row))

    def put(self, table: Table[Any], values: Sequence[object], *, replace: str = "") -> None:
        """Insert the row ``values`` (every column, in table order) with its seal.

        ``replace`` is the conflict clause of an upsert (e.g. ``ON CONFLICT ... DO UPDATE``).
        """
        before = self._current(table, values[0])
        seal = self._sealer.row(table.name, values)
        marks = ", ".join("?" * (len(values) + 1))
        self.conn.execute(
            f"INSERT INTO {table.name} ({table.column_list}, seal) VALUES ({marks}) {replace}",
            (*values, seal),
        )
        self._seals.append((table.name, str(values[0]), before, seal))

    def update(self, table: Table[Any], key: object, changes: Mapping[str, object]) -> None:
        """Change columns of the existing row ``key`` and seal what it becomes."""
        row = self.conn.execute(f"{table.select} WHERE {table.key} = ?", (key,)).fetchone()
        if row is None:
            raise LookupError(f"{table.name} row {key} is not there")
        unknown = set(changes) - set(table.columns[1:])
        if unknown:
            raise ValueError(f"{table.name} has no updatable column {sorted(unknown)}")
        before = self._sealer.row(table.name, tuple(row))
        values = tuple(changes.get(c, v) for c, v in zip(table.columns, row, strict=True))
        seal = self._sealer.row(table.name, values)
        assignments = ", ".join(f"{c} = ?" for c in changes)
        self.conn.execute(
            f"UPDATE {table.name} SET {assignments}, seal = ? WHERE {table.key} = ?",
            (*changes.values(), seal, key),
        )
        self._seals.append((table.name, str(key), before, seal))

    def delete(self, table: Table[Any], where: str, params: Sequence[object] = ()) -> int:
        """Delete the rows matching ``where``; returns how many."""
        rows = self.conn.execute(f"{table.select} WHERE {where}", params).fetchall()
        for row in rows:
            self._seals.append((table.name, str(row[0]), self._sealer.row(table.name, row), None))
        self.conn.executemany(
            f"DELETE FROM {table.name} WHERE {table.key} = ?", [(row[0],) for row in rows]
        )
        return len(rows)

    def seal_all(self, table: Table[Any]) -> int:
        """Seal every row of ``table`` as it stands (when a file gains seals by migration)."""
        rows = self.conn.execute(table.select).fetchall()
        for row in rows:
            seal = self._sealer.row(table.name, row)
            self.conn.execute(
                f"UPDATE {table.name} SET seal = ? WHERE {table.key} = ?", (seal, row[0])
            )
            self._seals.append((table.name, str(row[0]), None, seal))
        return len(rows)

    def take_seals(self) -> list[SealEntry]:
        seals, self._seals = self._seals, []
        return seals

    @property
    def unaudited(self) -> bool:
        return bool(self._seals)


class UnitOfWork:
    """The connection, serialised; reads, write transactions and batches over it."""

    def __init__(
        self, conn: Any, files: CacheFiles, lock: ProcessLock, sealer: Sealer, now: Clock
    ) -> None:
        self._conn: Any = conn
        self.files = files
        self._process_lock = lock
        self.sealer = sealer
        self.now = now
        self.mutex = threading.RLock()

    @property
    def conn(self) -> Any:
        """The open connection (CacheClosed after ``close``); hold ``mutex`` to use it."""
        if self._conn is None:
            raise CacheClosed()
        return self._conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Any]:
        with self.mutex:
            conn = self.conn
            try:
                yield conn
            except sqlcipher3.Error as exc:
                raise translate(exc, self.files) from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        """One write transaction; rolled back whole on any error, so no half-written rows.

        Inside ``batch()`` each write is a savepoint: a failed write leaves nothing of
        itself behind even if the caller catches the error and carries on.
        """
        with self.mutex:
            conn = self.conn
            nested = conn.in_transaction
            begin, commit, undo = (
                ("SAVEPOINT write", "RELEASE write", "ROLLBACK TO write")
                if nested
                else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
            )
            try:
                conn.execute(begin)
                tx = Tx(conn, self.sealer)
                yield tx
                if tx.unaudited:
                    raise RuntimeError("a write changed sealed rows without an audit row")
                conn.execute(commit)
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlcipher3.Error):
                        conn.execute(undo)
                        if nested:
                            conn.execute(commit)
                if isinstance(exc, sqlcipher3.Error):
                    raise translate(exc, self.files) from exc
                raise

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes in one transaction (one disk sync)."""
        with self.write():
            yield

    def close(self, *, release: bool = True) -> None:
        """Close the connection (checkpointing the WAL) and release the process lock
        (``release=False`` keeps it, for a caller that goes on with the files)."""
        with self.mutex:
            conn, self._conn = self._conn, None
            try:
                close_quietly(conn)
            finally:
                if release:
                    self._process_lock.release()

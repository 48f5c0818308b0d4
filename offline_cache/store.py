"""The offline cache: one encrypted SQLCipher file, opened by one process at a time.

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
import json
import os
import re
import resource
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import sqlcipher3

from offline_cache import schema
from offline_cache.audit import GENESIS_HASH, ChainCheck, entry_from_row, entry_hash
from offline_cache.errors import (
    CacheClosed,
    CacheCorrupt,
    CacheDiskFull,
    CacheError,
    CacheExists,
    CacheInUse,
    CacheMissing,
    CacheTooNew,
    CacheWriteFailed,
    InvalidTransition,
    NotFound,
    SnapshotUnavailable,
)
from offline_cache.files import KEY_FILE_NAME, CacheFiles
from offline_cache.fsutil import ensure_private_dir, fsync_dir, os_error
from offline_cache.keyfile import DataKey, KeyFile, check_passphrase_strength
from offline_cache.lock import ProcessLock
from offline_cache.models import (
    AuditEntry,
    CacheCounts,
    CachePolicy,
    EligibilitySnapshot,
    FlagMove,
    FlagStatus,
    FlagSummary,
    GateOutcome,
    JsonObject,
    LockoutState,
    MedicationSnapshot,
    MismatchFlag,
    OfflineVisit,
    PurgeReport,
    VerifyReport,
    VisitStatus,
)

Clock = Callable[[], datetime]

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Audit actors and subject ids are codes, never names: ASCII only keeps names out.
_CODE = re.compile(r"^[A-Za-z0-9_.:@/-]{1,128}$")
_NOTE = re.compile(r"^[\x20-\x7e]{0,200}$")
_LOW_SPACE_BYTES = 1 << 20
_MIN_FILE_BYTES = 512

_SNAPSHOT_COLUMNS = (
    "cert_sha256, identity_json, coverage_json, gate_outcome, fetched_at, expires_at, stored_at"
)
_MEDICATION_COLUMNS = "cert_sha256, medications_json, consented_at, fetched_at, expires_at"
_VISIT_COLUMNS = (
    "id, cert_sha256, desk_id, checked_in_at, snapshot_fetched_at, status, reverified_at, "
    "reverification_json"
)
_FLAG_COLUMNS = (
    "id, created_at, desk_id, reason, status, card_identity_json, insurer_reference, "
    "reported_at, insurer_contact, resolved_at, resolution_note"
)
_AUDIT_COLUMNS = "seq, at, actor, action, subjects_json, note, prev_hash, hash"
_HISTORY_COLUMNS = (
    "seq, flag_id, at, actor, from_status, to_status, reported_at, insurer_contact, note"
)

_FLAG_MOVES: dict[FlagStatus, set[FlagStatus]] = {
    FlagStatus.OPEN: {FlagStatus.REPORTED, FlagStatus.RESOLVED},
    FlagStatus.REPORTED: {FlagStatus.RESOLVED, FlagStatus.OPEN},
    FlagStatus.RESOLVED: {FlagStatus.OPEN},
}


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


class OfflineCache:
    """The desk's encrypted offline store. Build it with ``create`` or ``open``."""

    def __init__(
        self,
        conn: Any,
        files: CacheFiles,
        lock: ProcessLock,
        key: DataKey,
        *,
        now: Clock,
        policy: CachePolicy,
        actor: str,
    ) -> None:
        self._conn: Any = conn
        self._files = files
        self._process_lock = lock
        self._key = key
        self._now = now
        self.policy = policy
        self.actor = _code(actor, "actor")
        self._mutex = threading.RLock()

    # --- life cycle ----------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        config_dir: Path,
        passphrase: str,
        *,
        now: Clock = utc_now,
        policy: CachePolicy | None = None,
        actor: str = "desk",
        scrypt_n: int = 2**15,
    ) -> OfflineCache:
        """Create a new cache; refuses (CacheExists) when its data or key file exists."""
        check_passphrase_strength(passphrase)
        files = CacheFiles(Path(data_dir), Path(config_dir))
        ensure_private_dir(files.data_dir)
        ensure_private_dir(files.config_dir)
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        try:
            return cls._create_locked(files, lock, passphrase, now, policy, actor, scrypt_n)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open(
        cls,
        data_dir: Path,
        config_dir: Path,
        unlock: str | DataKey,
        *,
        now: Clock = utc_now,
        policy: CachePolicy | None = None,
        actor: str = "desk",
    ) -> OfflineCache:
        """Open an existing cache with the passphrase (or an already unwrapped DataKey).

        Migrates an older schema forward. Never creates, rewrites or removes a file it
        could not open: wrong passphrase, damaged file and the rest raise typed errors.
        """
        files = CacheFiles(Path(data_dir), Path(config_dir))
        _require_both(files)
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        try:
            return cls._open_locked(files, lock, unlock, now, policy, actor)
        except BaseException:
            lock.release()
            raise

    @staticmethod
    def unlock_key(config_dir: Path, passphrase: str) -> DataKey:
        """Unwrap the data key once (costs the scrypt derivation); reopen cheaply with it."""
        path = Path(config_dir) / KEY_FILE_NAME
        try:
            key_file = KeyFile.load(path)
        except FileNotFoundError:
            raise CacheMissing(f"the cache key file {path} is missing") from None
        return key_file.unwrap(passphrase)

    @classmethod
    def reset(
        cls,
        data_dir: Path,
        config_dir: Path,
        passphrase: str,
        *,
        now: Clock = utc_now,
        policy: CachePolicy | None = None,
        actor: str = "desk",
        scrypt_n: int = 2**15,
    ) -> tuple[OfflineCache, list[Path]]:
        """Move a damaged cache aside (kept, with a copy of its key file) and start anew.

        Only a cache that fails as damaged or half-missing is reset; a healthy one, a
        wrong passphrase or a newer file raise as they would on open.
        Returns the new cache and the paths the old files were moved to.
        """
        check_passphrase_strength(passphrase)
        files = CacheFiles(Path(data_dir), Path(config_dir))
        ensure_private_dir(files.data_dir)
        ensure_private_dir(files.config_dir)
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        try:
            try:
                _require_both(files)
                healthy = cls._open_locked(files, lock, passphrase, now, policy, actor)
            except (CacheCorrupt, CacheMissing):
                pass
            else:
                healthy._close_connection()
                raise CacheError(
                    "the offline cache opens and is not damaged; nothing was reset "
                    "(use `clinic-desk cache wipe` to remove it)"
                )
            stamp = now().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            kept = _set_aside(files, stamp)
            cache = cls._create_locked(files, lock, passphrase, now, policy, actor, scrypt_n)
            cache.record_event("cache.reset", note=f"moved aside: {len(kept)} files")
            return cache, kept
        except BaseException:
            if lock.held:
                lock.release()
            raise

    @staticmethod
    def wipe(data_dir: Path, config_dir: Path) -> list[Path]:
        """Remove the data file, its companions and the key file. Returns what was removed.

        Without the key file the data cannot be decrypted, even from a copy of the data
        file. Refuses (CacheInUse) while another process has the cache open.
        """
        files = CacheFiles(Path(data_dir), Path(config_dir))
        if not files.data_dir.exists():
            targets = [files.key_file]
            lock: ProcessLock | None = None
        else:
            lock = ProcessLock(files.lock_file)
            lock.acquire()
            targets = [*files.database_files(), files.key_file]
        removed: list[Path] = []
        try:
            for path in targets:
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise os_error(exc, path) from exc
                removed.append(path)
            for folder in {p.parent for p in removed}:
                fsync_dir(folder)
        finally:
            if lock is not None:
                with contextlib.suppress(OSError):
                    files.lock_file.unlink()
                lock.release()
        return removed

    def rekey(self, current_passphrase: str, new_passphrase: str) -> None:
        """Wrap the same data key under a new passphrase; the data file is not re-encrypted.

        The old passphrase stops working at once (the key file is replaced atomically).
        """
        check_passphrase_strength(new_passphrase)
        with self._mutex:
            self._check_open()
            try:
                current = KeyFile.load(self._files.key_file)
            except FileNotFoundError:
                raise CacheMissing(
                    f"the cache key file {self._files.key_file} disappeared"
                ) from None
            unwrapped = current.unwrap(current_passphrase)
            if unwrapped.sqlcipher_pragma_value() != self._key.sqlcipher_pragma_value():
                raise CacheCorrupt("the key file no longer belongs to this cache; nothing changed")
            replacement = current.rewrap(self._key, new_passphrase, now=self._now())
            with self._transaction() as tx:
                self._append_audit(tx, "cache.rekey", (), "", None)
                # Inside the transaction: if the key file cannot be written the audit row
                # is rolled back; the old key file stays valid.
                replacement.save(self._files.key_file)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL) and release the process lock."""
        with self._mutex:
            self._close_connection()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def files(self) -> CacheFiles:
        return self._files

    @property
    def path(self) -> Path:
        return self._files.database

    @property
    def schema_version(self) -> int:
        with self._mutex:
            self._check_open()
            return schema.user_version(self._conn)

    # --- eligibility snapshots -----------------------------------------------------------

    def put_confirmed_snapshot(
        self,
        cert_sha256: str,
        *,
        identity: JsonObject,
        coverage: JsonObject,
        gate_outcome: GateOutcome,
        fetched_at: datetime | None = None,
        actor: str | None = None,
    ) -> EligibilitySnapshot:
        """Store (or replace) the card's snapshot. Only for records the identity gate confirmed.

        ``gate_outcome`` says how the gate confirmed it; anything else must not be cached.
        """
        cert = _cert(cert_sha256)
        outcome = GateOutcome(gate_outcome)
        now = self._now()
        fetched = _aware(fetched_at) if fetched_at else now
        snapshot = EligibilitySnapshot(
            cert_sha256=cert,
            identity=identity,
            coverage=coverage,
            gate_outcome=outcome,
            fetched_at=fetched,
            expires_at=fetched + self.policy.eligibility_ttl,
            stored_at=now,
        )
        with self._transaction() as tx:
            tx.execute(
                f"INSERT INTO eligibility_snapshot ({_SNAPSHOT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (cert_sha256) DO UPDATE SET identity_json = excluded.identity_json, "
                "coverage_json = excluded.coverage_json, gate_outcome = excluded.gate_outcome, "
                "fetched_at = excluded.fetched_at, expires_at = excluded.expires_at, "
                "stored_at = excluded.stored_at",
                (
                    cert,
                    _json(identity),
                    _json(coverage),
                    outcome.value,
                    _ts(snapshot.fetched_at),
                    _ts(snapshot.expires_at),
                    _ts(now),
                ),
            )
            self._append_audit(tx, "snapshot.store", (cert,), outcome.value, actor)
        return snapshot

    def snapshot(
        self, cert_sha256: str, *, include_expired: bool = False
    ) -> EligibilitySnapshot | None:
        """The card's current (unexpired) snapshot, or None.

        ``include_expired=True`` also returns an expired one (not yet purged), so the desk
        can say "the offline record expired on …" instead of "no record"; it must not be
        used for a check-in.
        """
        cert = _cert(cert_sha256)
        cutoff = "" if include_expired else _ts(self._now())
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM eligibility_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, cutoff),
            ).fetchone()
        return None if row is None else _snapshot(row)

    def forget_card(self, cert_sha256: str, *, actor: str | None = None) -> bool:
        """Delete the card's snapshot and medications (e.g. at the patient's request)."""
        cert = _cert(cert_sha256)
        with self._transaction() as tx:
            tx.execute("DELETE FROM medication_snapshot WHERE cert_sha256 = ?", (cert,))
            gone = tx.execute(
                "DELETE FROM eligibility_snapshot WHERE cert_sha256 = ?", (cert,)
            ).rowcount
            self._append_audit(tx, "snapshot.forget", (cert,), f"removed={gone}", actor)
        return bool(gone)

    # --- medication history --------------------------------------------------------------

    def put_medications(
        self,
        cert_sha256: str,
        *,
        medications: JsonObject,
        consented_at: datetime,
        fetched_at: datetime | None = None,
        actor: str | None = None,
    ) -> MedicationSnapshot:
        """Store medication history the patient consented to, expiring before the snapshot.

        Requires the card's current eligibility snapshot (SnapshotUnavailable otherwise).
        """
        cert = _cert(cert_sha256)
        now = self._now()
        consented = _aware(consented_at)
        fetched = _aware(fetched_at) if fetched_at else now
        with self._transaction() as tx:
            row = tx.execute(
                "SELECT expires_at FROM eligibility_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, _ts(now)),
            ).fetchone()
            if row is None:
                raise SnapshotUnavailable(
                    "medication history is only kept with a current eligibility snapshot"
                )
            # Consent covers a limited time; never keep it past the eligibility snapshot.
            expires = min(consented + self.policy.medication_ttl, _dt(row[0]))
            med = MedicationSnapshot(
                cert_sha256=cert,
                medications=medications,
                consented_at=consented,
                fetched_at=fetched,
                expires_at=expires,
            )
            tx.execute(
                f"INSERT OR REPLACE INTO medication_snapshot ({_MEDICATION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?)",
                (cert, _json(medications), _ts(consented), _ts(fetched), _ts(expires)),
            )
            self._append_audit(tx, "medications.store", (cert,), "consented", actor)
        return med

    def medications(self, cert_sha256: str) -> MedicationSnapshot | None:
        """The card's consented, unexpired medication history, or None."""
        cert = _cert(cert_sha256)
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_MEDICATION_COLUMNS} FROM medication_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, _ts(self._now())),
            ).fetchone()
        return None if row is None else _medication(row)

    # --- offline visits ------------------------------------------------------------------

    def record_offline_visit(
        self,
        cert_sha256: str,
        *,
        desk_id: str,
        checked_in_at: datetime | None = None,
        actor: str | None = None,
    ) -> OfflineVisit:
        """Queue a check-in made from the card's current snapshot during an outage."""
        cert = _cert(cert_sha256)
        desk = _code(desk_id, "desk id")
        now = self._now()
        at = _aware(checked_in_at) if checked_in_at else now
        visit_id = uuid.uuid4().hex
        with self._transaction() as tx:
            row = tx.execute(
                "SELECT fetched_at FROM eligibility_snapshot "
                "WHERE cert_sha256 = ? AND expires_at > ?",
                (cert, _ts(now)),
            ).fetchone()
            if row is None:
                raise SnapshotUnavailable()
            tx.execute(
                f"INSERT INTO offline_visit ({_VISIT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, 'pending', NULL, NULL)",
                (visit_id, cert, desk, _ts(at), row[0]),
            )
            self._append_audit(tx, "visit.offline", (visit_id, cert), desk, actor)
        return OfflineVisit(
            id=visit_id,
            cert_sha256=cert,
            desk_id=desk,
            checked_in_at=at,
            snapshot_fetched_at=_dt(row[0]),
            status=VisitStatus.PENDING,
        )

    def pending_visits(self) -> list[OfflineVisit]:
        """Visits still waiting for re-verification, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_VISIT_COLUMNS} FROM offline_visit WHERE status = 'pending' "
                "ORDER BY checked_in_at, id"
            ).fetchall()
        return [_visit(r) for r in rows]

    def visit(self, visit_id: str) -> OfflineVisit:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_VISIT_COLUMNS} FROM offline_visit WHERE id = ?", (visit_id,)
            ).fetchone()
        if row is None:
            raise NotFound(f"there is no offline visit {visit_id}")
        return _visit(row)

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
        now = self._now()
        with self._transaction() as tx:
            changed = tx.execute(
                "UPDATE offline_visit SET status = ?, reverified_at = ?, reverification_json = ? "
                "WHERE id = ? AND status = 'pending'",
                (outcome.value, _ts(now), _json(result), visit_id),
            ).rowcount
            if not changed:
                exists = tx.execute("SELECT 1 FROM offline_visit WHERE id = ?", (visit_id,))
                if exists.fetchone() is None:
                    raise NotFound(f"there is no offline visit {visit_id}")
                raise InvalidTransition("this offline visit was already re-verified")
            self._append_audit(tx, "visit.reverified", (visit_id,), outcome.value, actor)
            row = tx.execute(
                f"SELECT {_VISIT_COLUMNS} FROM offline_visit WHERE id = ?", (visit_id,)
            ).fetchone()
        return _visit(row)

    # --- mismatch flags ------------------------------------------------------------------

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
        desk = _code(desk_id, "desk id")
        reason_code = _code(reason, "reason")
        flag = MismatchFlag(
            id=uuid.uuid4().hex,
            created_at=self._now(),
            desk_id=desk,
            reason=reason_code,
            status=FlagStatus.OPEN,
            card_identity=card_identity,
            insurer_reference=insurer_reference,
        )
        with self._transaction() as tx:
            tx.execute(
                f"INSERT INTO mismatch_flag ({_FLAG_COLUMNS}) "
                "VALUES (?, ?, ?, ?, 'open', ?, ?, NULL, NULL, NULL, NULL)",
                (
                    flag.id,
                    _ts(flag.created_at),
                    desk,
                    reason_code,
                    _json(card_identity),
                    insurer_reference,
                ),
            )
            self._append_audit(tx, "flag.raise", (flag.id,), reason_code, actor)
        return flag

    def flags(self, status: FlagStatus | None = None) -> list[MismatchFlag]:
        """Flags, newest first; only those in ``status`` when given."""
        query = f"SELECT {_FLAG_COLUMNS} FROM mismatch_flag"
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (FlagStatus(status).value,)
        with self._read() as conn:
            rows = conn.execute(query + " ORDER BY created_at DESC, id", params).fetchall()
        return [_flag(r) for r in rows]

    def flag_summaries(self) -> list[FlagSummary]:
        """Every flag as a queue line, newest first: no JSON payloads are decoded, so
        tens of thousands come back in a few milliseconds."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, created_at, desk_id, reason, status FROM mismatch_flag "
                "ORDER BY created_at DESC, id"
            ).fetchall()
        statuses = {s.value: s for s in FlagStatus}
        return [
            FlagSummary(fid, datetime.fromisoformat(created), desk, reason, statuses[status])
            for fid, created, desk, reason, status in rows
        ]

    def flag(self, flag_id: str) -> MismatchFlag:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_FLAG_COLUMNS} FROM mismatch_flag WHERE id = ?", (flag_id,)
            ).fetchone()
        if row is None:
            raise NotFound(f"there is no mismatch flag {flag_id}")
        return _flag(row)

    def mark_flag_reported(
        self,
        flag_id: str,
        *,
        insurer_contact: str,
        reported_at: datetime | None = None,
        actor: str | None = None,
    ) -> MismatchFlag:
        """Record that the wrong link was reported to the insurer (``reported_at``: when,
        if not now)."""
        when = _ts(reported_at if reported_at is not None else self._now())
        return self._move_flag(
            flag_id,
            FlagStatus.REPORTED,
            "reported_at = ?, insurer_contact = ?",
            (when, insurer_contact),
            actor,
            history=(when, insurer_contact, None),
        )

    def resolve_flag(self, flag_id: str, *, note: str, actor: str | None = None) -> MismatchFlag:
        """Close the flag with the manager's resolution note."""
        return self._move_flag(
            flag_id,
            FlagStatus.RESOLVED,
            "resolved_at = ?, resolution_note = ?",
            (_ts(self._now()), note),
            actor,
            history=(None, None, note),
        )

    def reopen_flag(
        self, flag_id: str, *, note: str = "", actor: str | None = None
    ) -> MismatchFlag:
        """Put a reported or resolved flag back in the queue.

        The resolution moves out of the flag's row into its history (``flag_history``),
        where every earlier step stays; the last report to the insurer stays on the row.
        """
        return self._move_flag(
            flag_id,
            FlagStatus.OPEN,
            "resolved_at = ?, resolution_note = ?",
            (None, None),
            actor,
            history=(None, None, note or None),
            action="flag.reopen",
        )

    def flag_history(self, flag_id: str) -> list[FlagMove]:
        """Every review step of the flag, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_HISTORY_COLUMNS} FROM flag_history WHERE flag_id = ? ORDER BY seq",
                (flag_id,),
            ).fetchall()
        return [_move(r) for r in rows]

    def _move_flag(
        self,
        flag_id: str,
        target: FlagStatus,
        assignments: str,
        values: tuple[str | None, str | None],
        actor: str | None,
        *,
        history: tuple[str | None, str | None, str | None],
        action: str | None = None,
    ) -> MismatchFlag:
        who = _code(actor, "actor") if actor else self.actor
        with self._transaction() as tx:
            row = tx.execute("SELECT status FROM mismatch_flag WHERE id = ?", (flag_id,)).fetchone()
            if row is None:
                raise NotFound(f"there is no mismatch flag {flag_id}")
            current = FlagStatus(row[0])
            if target not in _FLAG_MOVES[current]:
                raise InvalidTransition(f"a {current.value} flag cannot become {target.value}")
            tx.execute(
                f"UPDATE mismatch_flag SET status = ?, {assignments} WHERE id = ?",
                (target.value, *values, flag_id),
            )
            tx.execute(
                "INSERT INTO flag_history (flag_id, at, actor, from_status, to_status, "
                "reported_at, insurer_contact, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (flag_id, _ts(self._now()), who, current.value, target.value, *history),
            )
            self._append_audit(
                tx, action or f"flag.{target.value}", (flag_id,), current.value, actor
            )
            updated = tx.execute(
                f"SELECT {_FLAG_COLUMNS} FROM mismatch_flag WHERE id = ?", (flag_id,)
            ).fetchone()
        return _flag(updated)

    # --- lockouts ------------------------------------------------------------------------

    def lockout_state(self, name: str) -> LockoutState:
        """Wrong tries in a row at the secret ``name`` (e.g. ``manager_pin``) and its lock."""
        key = _code(name, "lockout name")
        with self._read() as conn:
            row = conn.execute(
                "SELECT failed_tries, locked_until FROM lockout WHERE name = ?", (key,)
            ).fetchone()
        if row is None:
            return LockoutState()
        return LockoutState(failed_tries=row[0], locked_until=_dt(row[1]) if row[1] else None)

    def set_lockout_state(
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
        key = _code(name, "lockout name")
        with self._transaction() as tx:
            tx.execute(
                "INSERT INTO lockout (name, failed_tries, locked_until, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "failed_tries = excluded.failed_tries, locked_until = excluded.locked_until, "
                "updated_at = excluded.updated_at",
                (
                    key,
                    state.failed_tries,
                    _ts(state.locked_until) if state.locked_until else None,
                    _ts(self._now()),
                ),
            )
            self._append_audit(tx, action, (key,), note, actor)
        return state

    # --- audit log -----------------------------------------------------------------------

    def record_event(
        self,
        action: str,
        subject_ids: Sequence[str] = (),
        *,
        note: str = "",
        actor: str | None = None,
    ) -> AuditEntry:
        """Append an audit row for something the desk did (ids and codes only)."""
        with self._transaction() as tx:
            return self._append_audit(tx, action, tuple(subject_ids), note, actor)

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Audit rows in order, starting after ``after_seq``."""
        query = f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq"
        params: tuple[int, ...] = (after_seq,)
        if limit is not None:
            query += " LIMIT ?"
            params = (after_seq, limit)
        with self._read() as conn:
            rows = conn.execute(query, params).fetchall()
        return [entry_from_row(r) for r in rows]

    def verify(self) -> VerifyReport:
        """Check the file (SQLCipher page HMACs, SQLite integrity) and the audit chain."""
        problems: list[str] = []
        chain = ChainCheck()
        with self._mutex:
            self._check_open()
            conn = self._conn
            # A damaged page makes SQLite raise mid-check: report it instead of stopping.
            try:
                cipher = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
                problems.extend(f"encrypted page check: {c}" for c in cipher[:10])
            except sqlcipher3.DatabaseError as exc:
                problems.append(f"encrypted page check failed: {exc}")
            try:
                integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
                if integrity != ["ok"]:
                    problems.extend(f"database check: {i}" for i in integrity[:10])
            except sqlcipher3.DatabaseError as exc:
                problems.append(f"database check failed: {exc}")
            integrity_ok = not problems
            try:
                chain.feed(conn.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit_log ORDER BY seq"))
                head_seq, head_hash = _meta_head(conn)
                chain.check_head(head_seq, head_hash)
            except sqlcipher3.DatabaseError as exc:
                chain.problems.append(f"the audit log could not be read: {exc}")
        problems.extend(chain.problems)
        return VerifyReport(
            integrity_ok=integrity_ok,
            audit_ok=chain.ok,
            audit_rows=chain.rows,
            audit_head=chain.head_hash,
            problems=tuple(problems),
        )

    # --- expiry --------------------------------------------------------------------------

    def purge(self, *, actor: str | None = None) -> PurgeReport:
        """Delete expired snapshots and medications and old re-verified visits.

        A snapshot that a pending visit still relies on is kept until it is re-verified.
        Flags and audit rows are never purged.
        """
        now = self._now()
        stamp = _ts(now)
        visit_cutoff = _ts(now - self.policy.visit_retention)
        with self._transaction() as tx:
            meds = tx.execute(
                "DELETE FROM medication_snapshot WHERE expires_at <= ?", (stamp,)
            ).rowcount
            kept = tx.execute(
                "SELECT count(*) FROM eligibility_snapshot s WHERE s.expires_at <= ? AND EXISTS "
                "(SELECT 1 FROM offline_visit v WHERE v.cert_sha256 = s.cert_sha256 "
                "AND v.status = 'pending')",
                (stamp,),
            ).fetchone()[0]
            snaps = tx.execute(
                "DELETE FROM eligibility_snapshot WHERE expires_at <= ? AND cert_sha256 NOT IN "
                "(SELECT cert_sha256 FROM offline_visit WHERE status = 'pending')",
                (stamp,),
            ).rowcount
            visits = tx.execute(
                "DELETE FROM offline_visit WHERE status != 'pending' AND reverified_at <= ?",
                (visit_cutoff,),
            ).rowcount
            report = PurgeReport(
                snapshots=snaps, medications=meds, visits=visits, kept_for_pending_visits=kept
            )
            note = f"snapshots={snaps} medications={meds} visits={visits} kept={kept}"
            self._append_audit(tx, "cache.purge", (), note, actor)
        return report

    def counts(self) -> CacheCounts:
        """Row counts for status screens (no personal data)."""
        stamp = _ts(self._now())
        with self._read() as conn:

            def one(sql: str, *params: str) -> int:
                return int(conn.execute(sql, params).fetchone()[0])

            return CacheCounts(
                schema_version=schema.user_version(conn),
                snapshots=one("SELECT count(*) FROM eligibility_snapshot"),
                expired_snapshots=one(
                    "SELECT count(*) FROM eligibility_snapshot WHERE expires_at <= ?", stamp
                ),
                medications=one("SELECT count(*) FROM medication_snapshot"),
                pending_visits=one("SELECT count(*) FROM offline_visit WHERE status = 'pending'"),
                visits=one("SELECT count(*) FROM offline_visit"),
                open_flags=one("SELECT count(*) FROM mismatch_flag WHERE status != 'resolved'"),
                flags=one("SELECT count(*) FROM mismatch_flag"),
                audit_rows=one("SELECT count(*) FROM audit_log"),
            )

    # --- internals -----------------------------------------------------------------------

    @classmethod
    def _create_locked(
        cls,
        files: CacheFiles,
        lock: ProcessLock,
        passphrase: str,
        now: Clock,
        policy: CachePolicy | None,
        actor: str,
        scrypt_n: int,
    ) -> OfflineCache:
        present = [p for p in (*files.database_files(), files.key_file) if p.exists()]
        if present:
            raise CacheExists(
                f"an offline cache already exists here ({present[0]}); it was left untouched"
            )
        key = DataKey.generate()
        key_file = KeyFile.seal(key, passphrase, now=now(), scrypt_n=scrypt_n)
        created: list[Path] = []
        conn: Any = None
        try:
            # Key file first: a data file must never exist without the key that opens it.
            key_file.save(files.key_file)
            created.append(files.key_file)
            try:
                fd = os.open(files.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as exc:
                raise os_error(exc, files.database) from exc
            os.close(fd)
            created.extend(files.database_files())
            conn = _connect(files, key)
            _configure(conn, files)
            schema.migrate(conn)
            cache = cls(
                conn, files, lock, key, now=now, policy=policy or CachePolicy(), actor=actor
            )
            with cache._transaction() as tx:
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('cache_id', ?), ('created_at', ?)",
                    (uuid.uuid4().hex, _ts(now())),
                )
                cache._append_audit(tx, "cache.create", (), f"schema={schema.CURRENT_VERSION}")
            return cache
        except sqlcipher3.Error as exc:
            _discard(conn, created)
            raise _translate(exc, files) from exc
        except BaseException:
            # Nothing but an empty schema was written: remove it so a retry can start clean.
            _discard(conn, created)
            raise

    @classmethod
    def _open_locked(
        cls,
        files: CacheFiles,
        lock: ProcessLock,
        unlock: str | DataKey,
        now: Clock,
        policy: CachePolicy | None,
        actor: str,
    ) -> OfflineCache:
        if isinstance(unlock, DataKey):
            key = unlock
        else:
            try:
                key = KeyFile.load(files.key_file).unwrap(unlock)
            except FileNotFoundError:
                raise CacheMissing(f"the cache key file {files.key_file} is missing") from None
        _check_header(files, key)
        conn = None
        try:
            conn = _connect(files, key)
            # The key is known to be right (key check value + salt), so "not a database"
            # here means damage; other failures (read-only folder...) are translated below.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = schema.user_version(conn)
            if version > schema.CURRENT_VERSION:
                raise CacheTooNew()
            _configure(conn, files)
            if version < schema.CURRENT_VERSION:
                schema.migrate(conn)
            cache = cls(
                conn, files, lock, key, now=now, policy=policy or CachePolicy(), actor=actor
            )
            if version < schema.CURRENT_VERSION:
                cache.record_event(
                    "cache.migrate", note=f"schema {version} -> {schema.CURRENT_VERSION}"
                )
            return cache
        except sqlcipher3.Error as exc:
            _close_quietly(conn)
            raise _translate(exc, files) from exc
        except BaseException:
            _close_quietly(conn)
            raise

    def _check_open(self) -> None:
        if self._conn is None:
            raise CacheClosed()

    def _close_connection(self) -> None:
        conn, self._conn = self._conn, None
        try:
            if conn is not None:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.close()
        finally:
            self._process_lock.release()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Any]:
        with self._mutex:
            self._check_open()
            try:
                yield self._conn
            except sqlcipher3.Error as exc:
                raise _translate(exc, self._files) from exc

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes into one transaction (one disk sync), e.g. when the queue of
        offline visits is re-verified after an outage. Other threads wait until it ends;
        if the block raises, every write in it is rolled back. After a disk error inside
        a batch, leave the batch: SQLite may already have rolled all of it back."""
        with self._transaction():
            yield

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction; rolled back whole on any error, so no half-written rows.

        Inside ``batch()`` each write is a savepoint: a failed write leaves nothing of
        itself behind even if the caller catches the error and carries on.
        """
        with self._mutex:
            self._check_open()
            conn = self._conn
            nested = conn.in_transaction
            begin, commit, undo = (
                ("SAVEPOINT write", "RELEASE write", "ROLLBACK TO write")
                if nested
                else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
            )
            try:
                conn.execute(begin)
                yield conn
                conn.execute(commit)
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlcipher3.Error):
                        conn.execute(undo)
                        if nested:
                            conn.execute(commit)
                if isinstance(exc, sqlcipher3.Error):
                    raise _translate(exc, self._files) from exc
                raise

    def _append_audit(
        self,
        tx: Any,
        action: str,
        subject_ids: Sequence[str],
        note: str,
        actor: str | None = None,
    ) -> AuditEntry:
        who = _code(actor, "actor") if actor else self.actor
        what = _code(action, "action")
        subjects = tuple(_code(s, "subject id") for s in subject_ids)
        if not _NOTE.match(note):
            raise ValueError("an audit note is a short ASCII code or count, never personal data")
        head_seq, head_hash = _meta_head(tx)
        seq = head_seq + 1
        at = _ts(self._now())
        digest = entry_hash(
            seq=seq,
            at=at,
            actor=who,
            action=what,
            subject_ids=subjects,
            note=note,
            prev_hash=head_hash,
        )
        tx.execute(
            f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, who, what, json.dumps(list(subjects)), note, head_hash, digest),
        )
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"{seq}:{digest}",),
        )
        return AuditEntry(
            seq=seq,
            at=_dt(at),
            actor=who,
            action=what,
            subject_ids=subjects,
            note=note,
            prev_hash=head_hash,
            hash=digest,
        )


# --- helpers -----------------------------------------------------------------------------


def _require_both(files: CacheFiles) -> None:
    has_db = files.database.exists()
    has_key = files.key_file.exists()
    if has_db and has_key:
        return
    if not has_db and not has_key:
        raise CacheMissing(
            "there is no offline cache on this desk yet (create one with `clinic-desk cache init`)"
        )
    if has_db:
        raise CacheMissing(
            f"the cache key file {files.key_file} is missing, so the cache cannot be unlocked; "
            "restore the key file from a backup (the cache file was left untouched)"
        )
    raise CacheMissing(
        f"the cache file {files.database} is missing while its key file exists; restore it "
        "from a backup, or run `clinic-desk cache init --reset` to start a new cache"
    )


def _check_header(files: CacheFiles, key: DataKey) -> None:
    """The file's first 16 bytes are SQLCipher's salt, which the key file records."""
    try:
        with files.database.open("rb") as handle:
            head = handle.read(_MIN_FILE_BYTES)
    except FileNotFoundError:
        raise CacheMissing(f"the cache file {files.database} is missing") from None
    except OSError as exc:
        raise CacheWriteFailed(f"the cache file cannot be read: {exc.strerror}") from exc
    if len(head) < _MIN_FILE_BYTES:
        raise CacheCorrupt(
            "the offline cache file is empty or cut short; it was left untouched "
            "(run `clinic-desk cache init --reset` to move it aside and start a new one)"
        )
    if head[:16] != key.salt:
        raise CacheCorrupt(
            "the offline cache file is damaged or does not belong to this key file; "
            "it was left untouched (run `clinic-desk cache init --reset` to move it aside)"
        )


def _connect(files: CacheFiles, key: DataKey) -> Any:
    conn = sqlcipher3.connect(
        str(files.database), isolation_level=None, check_same_thread=False, timeout=5.0
    )
    try:
        # SQLCipher logs decryption failures to stderr, which would tear a terminal UI.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.sqlcipher_pragma_value()}")
    except BaseException:
        conn.close()
        raise
    return conn


def _configure(conn: Any, files: CacheFiles) -> None:
    # WAL + synchronous=FULL: a commit that returned is on disk, even after a power cut.
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise CacheWriteFailed(f"the cache file at {files.database} cannot use its journal")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Keep sorts and temporary tables in memory, never in plain temporary files.
    conn.execute("PRAGMA temp_store = MEMORY")


def _translate(exc: sqlcipher3.Error, files: CacheFiles) -> CacheError:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return CacheCorrupt()
    if name.startswith("SQLITE_FULL"):
        return CacheDiskFull()
    if name.startswith("SQLITE_IOERR"):
        # SQLite reports a write refused at the file-size limit or on a full disk as a
        # plain I/O error; tell those apart by looking at the disk, not by guessing.
        return CacheDiskFull() if _disk_looks_full(files) else CacheWriteFailed()
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return CacheWriteFailed(
            f"the offline cache cannot write to {files.data_dir} (read-only or no permission); "
            "nothing was saved"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return CacheInUse()
    return CacheError(f"the offline cache failed: {exc}")


def _disk_looks_full(files: CacheFiles) -> bool:
    try:
        stats = os.statvfs(files.data_dir)
        if stats.f_bavail * stats.f_frsize < _LOW_SPACE_BYTES:
            return True
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft == resource.RLIM_INFINITY:
            return False
        largest = max((p.stat().st_size for p in files.database_files() if p.exists()), default=0)
        return largest + 2 * 65536 >= soft
    except OSError:
        return False


def _set_aside(files: CacheFiles, stamp: str) -> list[Path]:
    """Move the damaged data file (and companions) aside; keep a copy of its key file."""
    kept: list[Path] = []
    try:
        for path in files.database_files():
            if path.exists():
                target = files.set_aside_name(path, stamp)
                path.rename(target)
                kept.append(target)
        if files.key_file.exists():
            target = files.set_aside_name(files.key_file, stamp)
            shutil.copy2(files.key_file, target)
            os.chmod(target, 0o600)
            kept.append(target)
            files.key_file.unlink()
        fsync_dir(files.data_dir)
        fsync_dir(files.config_dir)
    except OSError as exc:
        raise os_error(exc, files.database) from exc
    return kept


def _discard(conn: Any, created: list[Path]) -> None:
    _close_quietly(conn)
    for path in created:
        with contextlib.suppress(OSError):
            path.unlink()


def _close_quietly(conn: Any) -> None:
    if conn is not None:
        with contextlib.suppress(sqlcipher3.Error):
            conn.close()


def _meta_head(conn: Any) -> tuple[int, str]:
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if row is None:
        return 0, GENESIS_HASH
    seq, _, digest = str(row[0]).partition(":")
    return int(seq), digest


def _ts(value: datetime) -> str:
    return _aware(value).strftime(_TS_FORMAT)


def _dt(text: str) -> datetime:
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value.astimezone(UTC)


def _json(value: JsonObject) -> str:
    if not isinstance(value, dict):
        raise TypeError("payloads are JSON objects")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _cert(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError("cards are keyed by the SHA-256 (64 lowercase hex) of their certificate")
    return value


def _code(value: str, what: str) -> str:
    if not _CODE.match(value):
        raise ValueError(f"{what} must be a short ASCII code (letters, digits, . _ : @ / -)")
    return value


def _snapshot(row: Sequence[Any]) -> EligibilitySnapshot:
    cert, identity, coverage, outcome, fetched, expires, stored = row
    return EligibilitySnapshot(
        cert_sha256=cert,
        identity=json.loads(identity),
        coverage=json.loads(coverage),
        gate_outcome=GateOutcome(outcome),
        fetched_at=_dt(fetched),
        expires_at=_dt(expires),
        stored_at=_dt(stored),
    )


def _medication(row: Sequence[Any]) -> MedicationSnapshot:
    cert, meds, consented, fetched, expires = row
    return MedicationSnapshot(
        cert_sha256=cert,
        medications=json.loads(meds),
        consented_at=_dt(consented),
        fetched_at=_dt(fetched),
        expires_at=_dt(expires),
    )


def _visit(row: Sequence[Any]) -> OfflineVisit:
    vid, cert, desk, at, snap_at, status, reverified_at, result = row
    return OfflineVisit(
        id=vid,
        cert_sha256=cert,
        desk_id=desk,
        checked_in_at=_dt(at),
        snapshot_fetched_at=_dt(snap_at),
        status=VisitStatus(status),
        reverified_at=_dt(reverified_at) if reverified_at else None,
        reverification=json.loads(result) if result else None,
    )


def _move(row: Sequence[Any]) -> FlagMove:
    seq, fid, at, actor, from_status, to_status, reported, contact, note = row
    return FlagMove(
        seq=seq,
        flag_id=fid,
        at=_dt(at),
        actor=actor,
        from_status=FlagStatus(from_status),
        to_status=FlagStatus(to_status),
        reported_at=_dt(reported) if reported else None,
        insurer_contact=contact,
        note=note,
    )


def _flag(row: Sequence[Any]) -> MismatchFlag:
    (fid, created, desk, reason, status, card, ref, reported, contact, resolved, note) = row
    return MismatchFlag(
        id=fid,
        created_at=_dt(created),
        desk_id=desk,
        reason=reason,
        status=FlagStatus(status),
        card_identity=json.loads(card),
        insurer_reference=ref,
        reported_at=_dt(reported) if reported else None,
        insurer_contact=contact,
        resolved_at=_dt(resolved) if resolved else None,
        resolution_note=note,
    )

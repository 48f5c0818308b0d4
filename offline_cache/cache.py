"""The opened cache: one vault, one unit of work, a store per table family.

``OfflineCache.open(data_dir, config_dir, passphrase)`` (or ``create``) returns it;
the stores hang off it: ``cache.snapshots``, ``cache.medications``, ``cache.visits``,
``cache.flags``, ``cache.lockouts``, ``cache.aliases`` and
``cache.audit``. Housekeeping that spans the
tables (``purge``, ``counts``, ``verify``, ``check_pages``, ``batch``, ``rekey``) is
on the cache itself.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import sqlcipher3

from offline_cache import housekeeping, integrity, schema, vault
from offline_cache.aliases import AliasStore
from offline_cache.audit import AuditLog
from offline_cache.codec import Clock, ts, utc_now
from offline_cache.connection import page_problems, translate
from offline_cache.errors import CacheCorrupt, CacheError, CacheMissing
from offline_cache.evidence import EvidenceStore
from offline_cache.files import CacheFiles
from offline_cache.flags import FlagStore
from offline_cache.keyfile import DataKey, check_passphrase_strength
from offline_cache.lock import ProcessLock
from offline_cache.lockouts import LockoutStore
from offline_cache.models import CacheCounts, CachePolicy, PurgeReport, VerifyReport
from offline_cache.seals import SEAL_LABEL, Sealer
from offline_cache.snapshots import MedicationStore, SnapshotStore
from offline_cache.unit import Tx, UnitOfWork
from offline_cache.visits import VisitStore


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
        self._key = key
        self.policy = policy
        self._unit = UnitOfWork(conn, files, lock, Sealer(key), now)
        self.audit = AuditLog(self._unit, actor)
        self.snapshots = SnapshotStore(self._unit, self.audit, policy)
        self.medications = MedicationStore(self._unit, self.audit, policy)
        self.visits = VisitStore(self._unit, self.audit)
        self.flags = FlagStore(self._unit, self.audit)
        self.lockouts = LockoutStore(self._unit, self.audit)
        self.evidence = EvidenceStore(self._unit, self.audit)
        self.aliases = AliasStore(self._unit, self.audit)

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
        files = vault.private_files(data_dir, config_dir)
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
        vault.require_both(files)
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        try:
            return cls._open_locked(files, lock, unlock, now, policy, actor)
        except BaseException:
            lock.release()
            raise

    unlock_key = staticmethod(vault.unlock_key)
    wipe = staticmethod(vault.wipe)

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

        Only a cache that fails as damaged (on open or in its page check) or half-missing
        is reset; a healthy one, a wrong passphrase or a newer file raise as they would
        on open.
        Returns the new cache and the paths the old files were moved to.
        """
        check_passphrase_strength(passphrase)
        files = vault.private_files(data_dir, config_dir)
        lock = ProcessLock(files.lock_file)
        lock.acquire()
        try:
            try:
                vault.require_both(files)
                opened = cls._open_locked(files, lock, passphrase, now, policy, actor)
            except (CacheCorrupt, CacheMissing):
                pass
            else:
                # A damaged page beyond the first does not stop the file from opening.
                try:
                    damaged = opened.check_pages()
                finally:
                    opened._unit.close(release=False)
                if not damaged:
                    raise CacheError(
                        "the offline cache opens and is not damaged; nothing was reset "
                        "(use `clinic-desk cache wipe` to remove it)"
                    )
            kept = vault.set_aside(files, now())
            cache = cls._create_locked(files, lock, passphrase, now, policy, actor, scrypt_n)
            cache.audit.record("cache.reset", note=f"moved aside: {len(kept)} files")
            return cache, kept
        except BaseException:
            if lock.held:
                lock.release()
            raise

    def rekey(self, current_passphrase: str, new_passphrase: str) -> None:
        """Wrap the same data key under a new passphrase; the data file is not re-encrypted.

        The old passphrase stops working at once (the key file is replaced atomically).
        """
        check_passphrase_strength(new_passphrase)
        files = self.files
        with self._unit.read():
            replacement = vault.rewrapped_key_file(
                files, self._key, current_passphrase, new_passphrase, self._unit.now()
            )
            with self._unit.write() as tx:
                self.audit.append(tx, "cache.rekey")
                # Inside the transaction: if the key file cannot be written the audit row
                # is rolled back; the old key file stays valid.
                replacement.save(files.key_file)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL) and release the process lock."""
        self._unit.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def files(self) -> CacheFiles:
        return self._unit.files

    @property
    def path(self) -> Path:
        return self._unit.files.database

    @property
    def actor(self) -> str:
        return self.audit.actor

    def derive_key(self, label: bytes) -> bytes:
        """A 256-bit key for one purpose of the program, derived from the data key
        (HKDF, ``label`` naming the purpose). It is the same for every opening of this
        cache, rekeyed or not, and never stored; the data key stays inside."""
        if not label or label == SEAL_LABEL:  # the seal key never leaves the cache
            raise ValueError("a derived key needs a label of its own naming its purpose")
        return self._key.derive(label)

    @property
    def schema_version(self) -> int:
        with self._unit.read() as conn:
            return schema.user_version(conn)

    # --- across the tables ---------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes into one transaction (one disk sync), e.g. when the queue of
        offline visits is re-verified after an outage. Other threads wait until it ends;
        if the block raises, every write in it is rolled back. After a disk error inside
        a batch, leave the batch: SQLite may already have rolled all of it back."""
        with self._unit.batch():
            yield

    def check_pages(self) -> list[str]:
        """Every page checked against its HMAC; an empty list when none is damaged.

        Reads the whole file (see docs/performance.md for what it costs); the CLI runs
        it on unlock and the desk in a worker after its first frame.
        """
        with self._unit.read() as conn:
            return page_problems(conn)

    def verify(self) -> VerifyReport:
        """Check the pages, SQLite's integrity, the audit chain and every sealed row."""
        return integrity.verify(self._unit)

    def purge(self, *, actor: str | None = None) -> PurgeReport:
        """Delete expired snapshots and medications and old re-verified visits; refuses
        (CacheCorrupt) a file with a damaged page, writing nothing into it."""
        return housekeeping.purge(self._unit, self.audit, self.policy, actor)

    def counts(self) -> CacheCounts:
        """Row counts for status screens (no personal data)."""
        return housekeeping.counts(self._unit)

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
        created: list[Path] = []
        conn: Any = None
        try:
            conn, key = vault.create_files(
                files, passphrase, now=now(), scrypt_n=scrypt_n, created=created
            )
            cache = cls(
                conn, files, lock, key, now=now, policy=policy or CachePolicy(), actor=actor
            )
            cache._migrate()
            with cache._unit.write() as tx:
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('cache_id', ?), ('created_at', ?)",
                    (uuid.uuid4().hex, ts(now())),
                )
                cache.audit.append(tx, "cache.create", (), f"schema={schema.CURRENT_VERSION}")
            return cache
        except sqlcipher3.Error as exc:
            vault.discard(conn, created)
            raise translate(exc, files) from exc
        except BaseException:
            # Nothing but an empty schema was written: remove it so a retry can start clean.
            vault.discard(conn, created)
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
        conn, key, version = vault.open_files(files, unlock)
        try:
            cache = cls(
                conn, files, lock, key, now=now, policy=policy or CachePolicy(), actor=actor
            )
            if version < schema.CURRENT_VERSION:
                cache._migrate()
            return cache
        except sqlcipher3.Error as exc:
            vault.discard(conn, [])
            raise translate(exc, files) from exc
        except BaseException:
            vault.discard(conn, [])
            raise

    def _migrate(self) -> None:
        """Bring the file to the current schema; the last step seals what exists."""
        sealer = self._unit.sealer

        def finish(conn: Any, start: int) -> None:
            tx = Tx(conn, sealer)
            integrity.seal_on_migration(tx, self.audit, sealer, start, schema.CURRENT_VERSION)

        schema.migrate(self._unit.conn, finish=finish)

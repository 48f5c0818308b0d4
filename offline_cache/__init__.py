"""The encrypted offline store (SQLCipher).

``OfflineCache.open(data_dir, config_dir, passphrase)`` is the entry point; paths come
from the caller, payloads are caller-given JSON objects, and nothing here imports the
application or Textual.

Layout: ``vault`` (files, keys, open, rekey, wipe), ``unit`` (the one connection, its
lock and transactions), a store per table family (``snapshots``, ``visits``, ``flags``,
``lockouts``, ``audit``), ``seals`` and ``integrity`` (tamper evidence and ``verify``),
``housekeeping`` (purge, counts) and ``cache`` (the opened cache that holds them).
"""

from offline_cache.aliases import AliasStore
from offline_cache.audit import AuditLog
from offline_cache.cache import OfflineCache
from offline_cache.codec import Clock, utc_now
from offline_cache.errors import (
    CacheClosed,
    CacheCorrupt,
    CacheDiskFull,
    CacheError,
    CacheExists,
    CacheInUse,
    CacheLocked,
    CacheMissing,
    CacheTooNew,
    CacheWriteFailed,
    InvalidTransition,
    NotFound,
    SnapshotUnavailable,
    WeakPassphrase,
    WrongPassphrase,
)
from offline_cache.files import CacheFiles
from offline_cache.flags import FlagStore
from offline_cache.keyfile import DataKey, KeyFile
from offline_cache.lock import holder_pid
from offline_cache.lockouts import LockoutStore
from offline_cache.models import (
    AliasRow,
    AliasStatus,
    AuditEntry,
    CacheCounts,
    CachePolicy,
    EligibilitySnapshot,
    Evidence,
    FlagMove,
    FlagStatus,
    FlagSummary,
    GateOutcome,
    LockoutState,
    MedicationSnapshot,
    MismatchFlag,
    OfflineVisit,
    PurgeReport,
    VerifyReport,
    VisitStatus,
)
from offline_cache.schema import CURRENT_VERSION
from offline_cache.snapshots import MedicationStore, SnapshotStore
from offline_cache.visits import VisitStore

__all__ = [
    "CURRENT_VERSION",
    "AliasRow",
    "AliasStatus",
    "AliasStore",
    "AuditEntry",
    "AuditLog",
    "CacheClosed",
    "CacheCorrupt",
    "CacheCounts",
    "CacheDiskFull",
    "CacheError",
    "CacheExists",
    "CacheFiles",
    "CacheInUse",
    "CacheLocked",
    "CacheMissing",
    "CachePolicy",
    "CacheTooNew",
    "CacheWriteFailed",
    "Clock",
    "DataKey",
    "EligibilitySnapshot",
    "Evidence",
    "FlagMove",
    "FlagStatus",
    "FlagStore",
    "FlagSummary",
    "GateOutcome",
    "InvalidTransition",
    "KeyFile",
    "LockoutState",
    "LockoutStore",
    "MedicationSnapshot",
    "MedicationStore",
    "MismatchFlag",
    "NotFound",
    "OfflineCache",
    "OfflineVisit",
    "PurgeReport",
    "SnapshotStore",
    "SnapshotUnavailable",
    "VerifyReport",
    "VisitStatus",
    "VisitStore",
    "WeakPassphrase",
    "WrongPassphrase",
    "holder_pid",
    "utc_now",
]

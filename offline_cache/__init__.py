"""The encrypted offline store (SQLCipher).

``OfflineCache.open(data_dir, config_dir, passphrase)`` is the entry point; paths come
from the caller, payloads are caller-given JSON objects, and nothing here imports the
application or Textual.
"""

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
from offline_cache.keyfile import DataKey, KeyFile
from offline_cache.lock import holder_pid
from offline_cache.models import (
    AuditEntry,
    CacheCounts,
    CachePolicy,
    EligibilitySnapshot,
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
from offline_cache.store import Clock, OfflineCache, utc_now

__all__ = [
    "CURRENT_VERSION",
    "AuditEntry",
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
    "FlagMove",
    "FlagStatus",
    "FlagSummary",
    "GateOutcome",
    "InvalidTransition",
    "KeyFile",
    "LockoutState",
    "MedicationSnapshot",
    "MismatchFlag",
    "NotFound",
    "OfflineCache",
    "OfflineVisit",
    "PurgeReport",
    "SnapshotUnavailable",
    "VerifyReport",
    "VisitStatus",
    "WeakPassphrase",
    "WrongPassphrase",
    "holder_pid",
    "utc_now",
]

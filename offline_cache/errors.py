"""Typed errors of the offline cache, each with a plain sentence for the person at the desk."""

from __future__ import annotations


class CacheError(Exception):
    """Base of every offline-cache error; ``str(error)`` is a plain sentence."""

    default_message = "the offline cache could not be used"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self)


class CacheMissing(CacheError):
    """There is no cache (or only half of one: the data file or its key file is absent)."""

    default_message = "there is no offline cache on this desk yet"


class CacheExists(CacheError):
    """``create`` was asked for while a cache file or key file is already there."""

    default_message = "an offline cache already exists here; it was left untouched"


class CacheLocked(CacheError):
    """The cache could not be unlocked with what was given."""

    default_message = "the offline cache is locked"


class WrongPassphrase(CacheLocked):
    """The passphrase does not match the key check value in the key file."""

    default_message = "this passphrase does not unlock this cache"


class WeakPassphrase(CacheError):
    """A new passphrase is too short to protect patients' data."""

    default_message = "the passphrase must be at least 8 characters long"


class CacheCorrupt(CacheError):
    """The data file or key file is damaged (the key itself was right)."""

    default_message = (
        "the offline cache file is damaged; it was left untouched "
        "(run `clinic-desk cache init --reset` to move it aside and start a new one)"
    )


class CacheTooNew(CacheError):
    """The file was written by a newer version of clinic-desk."""

    default_message = (
        "the offline cache was written by a newer version of clinic-desk; "
        "it was left untouched (update clinic-desk on this desk)"
    )


class CacheDiskFull(CacheError):
    """A write failed because the disk (or the file-size limit) is full; nothing was saved."""

    default_message = (
        "the disk holding the offline cache is full; nothing was saved (free some space)"
    )


class CacheWriteFailed(CacheError):
    """A write failed for another reason (read-only folder, failing disk); nothing was saved."""

    default_message = (
        "the offline cache could not be written (read-only folder or failing disk); "
        "nothing was saved"
    )


class CacheInUse(CacheError):
    """Another process holds the cache's exclusive lock."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"the offline cache is in use by {who} on this machine "
            "(close the other clinic-desk first)"
        )


class CacheClosed(CacheError):
    """The cache object was used after ``close()``."""

    default_message = "the offline cache is closed"


class NotFound(CacheError):
    """A visit or flag id that does not exist."""

    default_message = "no such record in the offline cache"


class SnapshotUnavailable(CacheError):
    """No unexpired eligibility snapshot exists for the card."""

    default_message = "there is no current offline record for this card"


class InvalidTransition(CacheError):
    """A flag or visit was asked to move to a state it cannot reach from where it is."""

    default_message = "that change is not allowed from the record's current state"

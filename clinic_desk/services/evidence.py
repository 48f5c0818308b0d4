"""The 資格確認端末's files kept as evidence in the encrypted offline cache.

The national system expects clinics to keep what they exchanged with it; those files
hold personal data, so the desk keeps them in its SQLCipher cache (encrypted,
sealed, audited) rather than in a plain folder. A file leaves the terminal's folder
only once its row is committed: when the cache cannot take it (a full disk, a
failing one) the file stays where it is, nothing is lost, and the error says so in
one sentence (``OqsUnavailable``, code ``evidence``). The exchange then takes its
offline path and records the request; the next round trip sweeps what is left.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from clinic_desk.oqs.errors import OqsFormatError, OqsUnavailable
from clinic_desk.oqs.files import FolderArchiver, read_bounded
from offline_cache import OfflineCache
from offline_cache.errors import CacheError
from offline_cache.evidence import MAX_EVIDENCE_BYTES

log = logging.getLogger("clinic_desk.evidence")


class EvidenceArchiver:
    """An ``oqs.files.Archiver`` into ``cache.evidence`` (blocking: the exchange calls it
    from its thread). What is not a file the cache can keep (a link, a FIFO, something
    larger than any answer) is moved aside unread into ``quarantine`` (owner-only)."""

    def __init__(self, cache: OfflineCache, *, desk_id: str, quarantine: Path) -> None:
        self.cache = cache
        self.desk_id = desk_id
        self.quarantine = FolderArchiver(quarantine)

    def keep_copy(self, name: str, data: bytes, reason: str) -> str:
        try:
            return self.cache.evidence.keep(name, data, reason=reason, desk_id=self.desk_id).id
        except (CacheError, ValueError) as exc:
            log.warning("evidence %s not kept: %s", reason, type(exc).__name__)
            raise OqsUnavailable(
                f"{name} cannot be kept in the desk's encrypted store ({exc}); it was not sent.",
                code="evidence",
            ) from None

    def archive(self, path: Path, reason: str) -> object | None:
        try:
            data = read_bounded(path, MAX_EVIDENCE_BYTES)
        except OqsFormatError:
            return self.quarantine.archive(path, reason)
        if data is None:
            return None  # vanished (taken back by the terminal, or archived already)
        try:
            kept = self.cache.evidence.keep(path.name, data, reason=reason, desk_id=self.desk_id)
        except (CacheError, ValueError) as exc:
            log.warning("evidence %s not kept: %s", reason, type(exc).__name__)
            raise OqsUnavailable(
                f"{path.name} cannot be kept in the desk's encrypted store ({exc}); the file "
                "stays in the terminal's folder and nothing was lost.",
                code="evidence",
            ) from None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return kept.id

"""A replay's caches: one new cache made once per run, a copy of its files per fixture.

Creating an encrypted cache (key file, schema, first audit row, durable commits) was
most of a fixture's own time; copying two small files and opening them with the data
key unwrapped once costs a fraction of it. Every fixture still gets a cache of its
own, empty, encrypted, and deleted with its desk: the same as a new one, down to the
schema, except that the copies share the template's data key and cache id (the
throw-away caches of one run never meet).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from clinic_desk.services.sources import CacheParts, removing
from offline_cache import OfflineCache
from offline_cache.files import LOCK_FILE_NAME
from offline_cache.keyfile import DataKey

_DATA, _CONFIG = "data", "config"


class CacheTemplate:
    """The run's template cache in ``folder`` (made on first use)."""

    def __init__(self, folder: Path, desk_id: str, scrypt_n: int) -> None:
        self.folder = folder
        self.desk_id = desk_id
        self.scrypt_n = scrypt_n
        self._key: DataKey | None = None
        self._lock = threading.Lock()

    def _made(self) -> DataKey:
        with self._lock:
            if self._key is None:
                passphrase = secrets.token_urlsafe(24)
                data, config = self.folder / _DATA, self.folder / _CONFIG
                OfflineCache.create(
                    data, config, passphrase, actor=self.desk_id, scrypt_n=self.scrypt_n
                ).close()
                (data / LOCK_FILE_NAME).unlink(missing_ok=True)
                self._key = OfflineCache.unlock_key(config, passphrase)
            return self._key

    def open_copy(self, folder: Path) -> OfflineCache:
        """A new cache in ``folder``: the template's files, opened with its data key."""
        key = self._made()
        for part in (_DATA, _CONFIG):
            shutil.copytree(self.folder / part, folder / part)
        return OfflineCache.open(folder / _DATA, folder / _CONFIG, key, actor=self.desk_id)


class CopiedCache:
    """A cache source: a copy of the run's template, seeded as the scenario says."""

    def __init__(
        self,
        template: CacheTemplate,
        folder: Path,
        prepare: Callable[[OfflineCache], None] | None = None,
    ) -> None:
        self.template = template
        self.folder = folder
        self.prepare = prepare

    async def open(self) -> CacheParts:
        folder = self.folder
        cache = await asyncio.to_thread(self.template.open_copy, folder)

        close = removing(cache, folder)

        try:
            if self.prepare is not None:
                await asyncio.to_thread(self.prepare, cache)
        except BaseException:
            await close()
            raise
        return CacheParts(cache=cache, word="temporary", closers=[close])

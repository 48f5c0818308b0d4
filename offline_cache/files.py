"""Where the cache's files live: the data file and lock under the data folder, the key
file under the configuration folder (so a copy of the data folder alone is useless)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "offline-cache.db"
KEY_FILE_NAME = "offline-cache.key"
LOCK_FILE_NAME = "offline-cache.lock"


@dataclass(frozen=True)
class CacheFiles:
    """The paths of one cache, from the folders the application chose."""

    data_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @property
    def wal(self) -> Path:
        return self.data_dir / f"{DATABASE_NAME}-wal"

    @property
    def shm(self) -> Path:
        return self.data_dir / f"{DATABASE_NAME}-shm"

    @property
    def key_file(self) -> Path:
        return self.config_dir / KEY_FILE_NAME

    @property
    def lock_file(self) -> Path:
        return self.data_dir / LOCK_FILE_NAME

    def database_files(self) -> tuple[Path, ...]:
        """The data file and SQLite's companions that belong to it."""
        return (self.database, self.wal, self.shm)

    def set_aside_name(self, path: Path, stamp: str) -> Path:
        return path.with_name(f"{path.name}.damaged-{stamp}")

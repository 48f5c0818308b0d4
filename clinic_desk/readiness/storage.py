"""The checks of what the desk keeps on disk: the offline cache, free space, the log folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clinic_desk import paths
from clinic_desk.config import PASSPHRASE_ENV, DeskSettings
from clinic_desk.eligibility.connection import ssl_reason
from clinic_desk.readiness.model import CheckResult, CheckStatus, result
from clinic_desk.texts.said import Said
from offline_cache import OfflineCache
from offline_cache.errors import CacheError, CacheInUse, WrongPassphrase
from offline_cache.files import CacheFiles


@dataclass
class RunningDesk:
    """What a desk that is already running holds, so its start-up check does not
    try to take the cache lock or start a second gateway."""

    cache_unlocked: bool = False
    embedded_gateway: bool = False


def _not_writable(files: CacheFiles) -> Path | None:
    """The cache's folder or file that the desk cannot write to, if any.

    ``os.access`` answers for this user, and also for root on a read-only mount.
    """
    for path in (files.data_dir, files.database, files.config_dir):
        if path.exists() and not os.access(path, os.W_OK):
            return path
    if not files.data_dir.exists():
        parent = _existing(files.data_dir)
        if not os.access(parent, os.W_OK):
            return parent
    return None


def _read_only(path: Path) -> CheckResult:
    what = "folder" if path.is_dir() else "file"
    return result(
        "cache",
        CheckStatus.FAIL,
        f"the {what} {path} is read-only: the desk could not keep confirmed records or "
        "queue visits for re-checking (nothing is damaged)",
        f"make {path} writable by the desk's user (or mount its disk read-write again); "
        "there is nothing to restore",
        Said.of("ready.cache.read_only", path=path),
    )


def check_cache(
    settings: DeskSettings, passphrase: str | None, running: RunningDesk | None
) -> CheckResult:
    if running is not None and running.cache_unlocked:
        return result("cache", CheckStatus.OK, "unlocked by this desk")
    if settings.mode == "demo":
        return _demo_cache()
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    have_data, have_key = files.database.exists(), files.key_file.exists()
    locked_out = _not_writable(files)
    if locked_out is not None:
        return _read_only(locked_out)
    if passphrase is None:
        how = (
            f"set {PASSPHRASE_ENV}"
            if settings.cache.passphrase_source == "env"
            else f"set {PASSPHRASE_ENV}, or run doctor in a terminal to be asked"
        )
        return result(
            "cache",
            CheckStatus.FAIL,
            "no passphrase: the offline cache is never used without one",
            how,
            Said.of("ready.cache.no_passphrase"),
        )
    if not have_data and not have_key:
        if len(passphrase) < 8:
            return result(
                "cache",
                CheckStatus.FAIL,
                "the passphrase is shorter than 8 characters",
                "choose a longer passphrase before the desk creates its cache",
                Said.of("ready.cache.short_passphrase"),
            )
        return result(
            "cache",
            CheckStatus.WARN,
            f"no offline cache yet in {files.data_dir}: the desk creates it at its first start",
            "start the desk once (or run `clinic-desk cache init`)",
            Said.of("ready.cache.not_created"),
        )
    try:
        cache = OfflineCache.open(
            files.data_dir, files.config_dir, passphrase, actor=settings.desk.desk_id
        )
    except CacheInUse as exc:
        return _cache_in_use(files, passphrase, exc)
    except WrongPassphrase:
        return result(
            "cache",
            CheckStatus.FAIL,
            "the passphrase does not unlock the offline cache",
            f"check {PASSPHRASE_ENV}; if the passphrase is lost, see docs/deploy.md "
            "(“the passphrase is lost”)",
            Said.of("ready.cache.wrong_passphrase"),
        )
    except CacheError as exc:
        locked_out = _not_writable(files)
        if locked_out is not None:
            return _read_only(locked_out)
        return result(
            "cache",
            CheckStatus.FAIL,
            exc.message,
            "restore the cache and its key file from the backup (docs/deploy.md)",
            Said.of("ready.cache.cannot_open"),
        )
    try:
        counts = cache.counts()
        detail = f"unlocks ({counts.snapshots} confirmed record(s) for outages)"
    except CacheError:
        detail = "unlocks"
    finally:
        cache.close()
    return result("cache", CheckStatus.OK, detail)


def _cache_in_use(files: CacheFiles, passphrase: str, exc: CacheInUse) -> CheckResult:
    try:
        OfflineCache.unlock_key(files.config_dir, passphrase)
    except WrongPassphrase:
        return result(
            "cache",
            CheckStatus.FAIL,
            "the passphrase does not unlock the offline cache",
            f"check {PASSPHRASE_ENV}",
            Said.of("ready.cache.wrong_passphrase"),
        )
    except CacheError as err:
        return result(
            "cache",
            CheckStatus.FAIL,
            err.message,
            "restore the key file from backup",
            Said.of("ready.cache.cannot_open"),
        )
    who = f"process {exc.pid}" if exc.pid else "another process"
    return result(
        "cache",
        CheckStatus.OK,
        f"in use by {who} (a running desk); the passphrase unlocks its key",
    )


def _demo_cache() -> CheckResult:
    try:
        folder = Path(tempfile.mkdtemp(prefix="doctor-", dir=paths.ensure_dir(paths.cache_dir())))
    except OSError as exc:
        return result(
            "cache",
            CheckStatus.FAIL,
            f"the demo cannot make its temporary cache under {paths.cache_dir()}: "
            f"{ssl_reason(exc)}",
            "make that folder writable, or set CLINIC_DESK_CACHE_DIR",
            Said.of("ready.cache.demo_temp", path=paths.cache_dir()),
        )
    try:
        cache = OfflineCache.create(
            folder / "data", folder / "config", os.urandom(16).hex(), actor="doctor"
        )
        cache.close()
    except CacheError as exc:
        return result(
            "cache",
            CheckStatus.FAIL,
            exc.message,
            "check the disk under the cache",
            Said.of("ready.cache.cannot_open"),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result("cache", CheckStatus.OK, "demo mode: a temporary encrypted cache works")


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(settings: DeskSettings) -> CheckResult:
    minimum = settings.desk.min_free_disk_mb
    lowest: tuple[int, Path] | None = None
    folders = []
    for where in (paths.data_dir, paths.log_dir):
        with contextlib.suppress(paths.LocationError):  # said by the check of that folder
            folders.append(where())
    for folder in folders:
        try:
            free = shutil.disk_usage(_existing(folder)).free // (1024 * 1024)
        except OSError as exc:
            return result(
                "disk",
                CheckStatus.FAIL,
                f"{folder}: {ssl_reason(exc)}",
                "check the disk",
                Said.of("ready.disk.error", path=folder),
            )
        if lowest is None or free < lowest[0]:
            lowest = (free, folder)
    if lowest is None:
        return result(
            "disk",
            CheckStatus.FAIL,
            "no folder to measure",
            "set the folders",
            Said.of("ready.disk.no_folder"),
        )
    free, folder = lowest
    if free < minimum:
        return result(
            "disk",
            CheckStatus.FAIL,
            f"only {free} MB free for {folder} (at least {minimum} MB needed)",
            "free some disk space (or lower desk.min_free_disk_mb)",
            Said.of("ready.disk.low", free=free, minimum=minimum, path=folder),
        )
    return result("disk", CheckStatus.OK, f"{free} MB free (at least {minimum} MB needed)")


def check_logs() -> CheckResult:
    try:
        folder = paths.log_dir()
    except paths.LocationError as exc:
        return result(
            "logs",
            CheckStatus.FAIL,
            f"cannot write to {exc.value}: {exc.blocker} is a file, not a folder",
            "make the folder writable by the desk's user, or set CLINIC_DESK_LOG_DIR",
            Said.of("ready.logs.not_folder", path=exc.value, blocker=exc.blocker),
        )
    try:
        paths.ensure_dir(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError as exc:
        return result(
            "logs",
            CheckStatus.FAIL,
            f"cannot write to {folder}: {ssl_reason(exc)}",
            "make the folder writable by the desk's user, or set CLINIC_DESK_LOG_DIR",
            Said.of("ready.logs.cannot_write", path=folder),
        )
    return result("logs", CheckStatus.OK, f"{folder} is writable")

"""The desk checks its cache's pages after it started, on a thread: starting never waits
for the check, and a damaged file shows on the status line."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.services.store import check_cache_pages
from clinic_desk.texts import t
from offline_cache import CacheFiles, GateOutcome, OfflineCache
from tests.cache.support import PASSPHRASE, TEST_SCRYPT_N, cert

PAGE = 4096


def services_checking(cache: OfflineCache, started: list[asyncio.Task[None]]) -> DeskServices:
    async def start_page_check(services: DeskServices) -> None:
        started.append(asyncio.create_task(check_cache_pages(cache, services)))

    runner = CheckInRunner(CheckInMachine(), None, None, None)  # type: ignore[arg-type]
    return DeskServices(runner, status=DeskStatus(cache="unlocked"), starters=[start_page_check])


def filled_cache(files: CacheFiles) -> None:
    with (
        OfflineCache.create(
            files.data_dir, files.config_dir, PASSPHRASE, scrypt_n=TEST_SCRYPT_N
        ) as cache,
        cache.batch(),
    ):
        for n in range(60):
            cache.snapshots.put_confirmed(
                cert(f"p{n}"),
                identity={"pad": "x" * 400},
                coverage={},
                gate_outcome=GateOutcome.MATCH,
            )


def damage_a_late_page(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek((path.stat().st_size // PAGE - 2) * PAGE + 300)
        handle.write(b"\x00" * 16)


async def test_start_does_not_wait_for_the_check_and_a_damaged_file_shows(
    files: CacheFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled_cache(files)
    damage_a_late_page(files.database)
    cache = OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    release = threading.Event()
    real_check = cache.check_pages

    def slow_check() -> list[str]:
        release.wait(timeout=30)
        return real_check()

    monkeypatch.setattr(cache, "check_pages", slow_check)
    tasks: list[asyncio.Task[None]] = []
    services = services_checking(cache, tasks)
    try:
        await services.start()  # returns while the check is still running
        assert not tasks[0].done() and services.status().cache == "unlocked"
        release.set()
        await tasks[0]
        assert services.status().cache == "damaged"
        assert t("status.damaged", "en") == "DAMAGED" and t("status.damaged", "ja") == "破損"
    finally:
        release.set()
        await services.stop()
        cache.close()


async def test_a_healthy_file_keeps_its_state(files: CacheFiles) -> None:
    filled_cache(files)
    cache = OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    tasks: list[asyncio.Task[None]] = []
    services = services_checking(cache, tasks)
    try:
        await services.start()
        await tasks[0]
        assert services.status().cache == "unlocked"
    finally:
        await services.stop()
        cache.close()

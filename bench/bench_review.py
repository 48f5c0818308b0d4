"""Benchmark of the manager's review screen with 10,000 flags.

Measures, in a headless Textual app on a real SQLCipher cache whose flags carry sealed
insurer references: opening the queue (all flags read from the cache, filtered,
sorted and put in the table) and changing the status filter (a key press until the
table is redrawn). The floor, measured in the same run, is a bare SELECT of the same
rows from the same file. The manager PIN check (scrypt, slow on purpose) is left out.

    python bench/bench_review.py          # 10,000 flags, 31 rounds
    python bench/bench_review.py --quick  # CI smoke run (10,000 flags, 9 rounds)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSPHRASE = "benchmark passphrase 1"
PIN = "246810"
TARGET_MS = 200.0
REASONS = (
    "name_mismatch",
    "birthdate_mismatch",
    "patient_said_not_me",
    "several_qualifications",
    "revoked_certificate",
)


def fill(cache: object, count: int) -> None:
    from clinic_desk.manager.sealing import SealedReference, load_sealer
    from offline_cache import OfflineCache

    assert isinstance(cache, OfflineCache)
    sealer = load_sealer()
    assert sealer is not None
    with cache.batch():
        for n in range(count):
            cert = hashlib.sha256(f"card-{n}".encode()).hexdigest()
            sealed = sealer.seal(
                SealedReference(
                    insurer_reference=f"0613{n % 10000:04d} {n % 97} {n:08d} 01",
                    linked_record_ref=f"Patient/p-{n}",
                ),
                cert,
            )
            flag = cache.flags.raise_flag(
                desk_id=f"desk-{n % 4 + 1}",
                reason=REASONS[n % len(REASONS)],
                card_identity={
                    "name": "山田 太郎",
                    "birthdate": "1980-04-01",
                    "sex": "1",
                    "certificate_sha256": cert,
                },
                insurer_reference=sealed,
            )
            if n % 3 == 0:
                cache.flags.mark_reported(flag.id, insurer_contact="fax")


async def measure(
    rounds: int,
) -> tuple[list[float], list[float], list[float], list[float], int]:
    from clinic_desk import paths
    from clinic_desk.app.review_app import ReviewApp
    from clinic_desk.app.screens.review import QueueScreen
    from clinic_desk.config import load_settings
    from offline_cache import OfflineCache

    settings = load_settings().manager
    cache = OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE)
    opens: list[float] = []
    filters: list[float] = []
    floors: list[float] = []
    harness: list[float] = []
    try:
        app = ReviewApp(cache, settings, lang="ja")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*PIN, "enter")
            while True:  # the right PIN opens the queue screen over the PIN screen
                await app.workers.wait_for_complete()
                await pilot.pause()
                queue = next((s for s in app.screen_stack if isinstance(s, QueueScreen)), None)
                if queue is not None and queue.all_flags:
                    break
            screen = queue
            session = screen.session
            assert session is not None
            shown = len(screen.shown)
            for _ in range(rounds):
                start = time.perf_counter()
                with cache._unit.mutex:  # the floor: the same rows, bare
                    cache._unit.conn.execute("SELECT * FROM mismatch_flag").fetchall()
                floors.append(time.perf_counter() - start)

                screen.status_filter = None
                start = time.perf_counter()
                flags = await asyncio.to_thread(session.queue)
                screen.all_flags = flags
                screen.refresh_queue()
                await pilot.pause()
                opens.append(time.perf_counter() - start)

                # The filter key's action and the redraw that follows. (A key sent
                # through Pilot.press adds the test harness's own wait, measured apart.)
                start = time.perf_counter()
                screen.action_cycle_status()  # status: all -> open
                await pilot.pause()
                filters.append(time.perf_counter() - start)
                screen.status_filter = None

                start = time.perf_counter()
                await pilot.press("x")  # a key bound to nothing
                harness.append(time.perf_counter() - start)
            screen.action_cycle_status()
            await pilot.pause()
            assert 0 < len(screen.shown) < shown
            await pilot.press("escape")
    finally:
        cache.close()
    return opens, filters, floors, harness, shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds for a CI smoke run")
    parser.add_argument("--flags", type=int, default=10_000)
    args = parser.parse_args()
    rounds = 9 if args.quick else 31

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        os.environ["CLINIC_DESK_HOME"] = tmp
        from clinic_desk import paths
        from clinic_desk.config import load_settings
        from clinic_desk.manager.setup import set_manager_pin
        from offline_cache import OfflineCache

        set_manager_pin(PIN, settings=load_settings().manager)
        start = datetime(2026, 4, 1, tzinfo=UTC)
        ticks = iter(range(10**9))

        def clock() -> datetime:
            return start + timedelta(seconds=next(ticks))

        with OfflineCache.create(
            paths.data_dir(), paths.config_dir(), PASSPHRASE, now=clock
        ) as cache:
            fill(cache, args.flags)
        opens, filters, floors, harness, shown = asyncio.run(measure(rounds))

    floor = statistics.median(floors) * 1000
    open_ms = statistics.median(opens) * 1000
    filter_ms = statistics.median(filters) * 1000
    print(
        f"clinic-desk review screen benchmark ({'quick' if args.quick else 'full'}), "
        f"{args.flags:,} flags, {rounds} rounds, {datetime.now(UTC):%Y-%m-%d %H:%M}Z"
    )
    print(f"floor: bare SELECT of every flag row       median {floor:8.1f} ms")
    print(
        f"open:  read, filter, sort, fill the table  median {open_ms:8.1f} ms "
        f"({open_ms / floor:.1f}x floor; target <= {TARGET_MS:.0f} ms: "
        f"{'met' if open_ms <= TARGET_MS else 'MISSED'})"
    )
    print(
        f"filter: status filter to redrawn list     median {filter_ms:8.1f} ms "
        f"({filter_ms / floor:.1f}x floor; target <= {TARGET_MS:.0f} ms: "
        f"{'met' if filter_ms <= TARGET_MS else 'MISSED'})"
    )
    print(
        f"(Pilot's own cost of a key press bound to nothing: median "
        f"{statistics.median(harness) * 1000:.1f} ms, not part of the figures above)"
    )
    print(f"rows in the queue: {shown:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

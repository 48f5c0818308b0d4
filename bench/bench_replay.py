"""Benchmark of the headless replay over the whole fixture library.

Prints the library's throughput (target ≥ 20 fixtures/s) three ways: a new
process with no stored card keys (every key generated, ~0.5 s each), a new
process reading the keys back from the key store (what `clinic-desk replay`
costs on a support machine), and rounds in one process. Also the median time
of one fixture against the floor measured in the same run: the replay of a
card that is not a My Number card, which costs the harness alone (a cache, a
runner, a card read) and no PIN, signature or gateway exchange.

    python bench/bench_replay.py          # 5 in-process rounds
    python bench/bench_replay.py --quick  # CI smoke run (2 rounds)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clinic_desk.scenarios.replay import Replayer, fixture_paths  # noqa: E402

TARGET_PER_SECOND = 20.0
FLOOR_FIXTURE = "not-a-mynumber-card"
ENTRY = "import sys; from clinic_desk.cli import main; sys.exit(main())"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def library() -> list[Path]:
    return fixture_paths([ROOT / "fixtures" / "scenarios"])


def new_process(home: Path) -> tuple[float, float, int, int]:
    """Wall time and summed fixture time of `clinic-desk replay --json` in a new process."""
    env = {**os.environ, "CLINIC_DESK_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, "replay", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    wall = time.perf_counter() - started
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    unexpected = sum(not r["matched"] for r in rows)
    return wall, sum(r["seconds"] for r in rows), len(rows), unexpected


async def in_process(
    rounds: int, floor_rounds: int
) -> tuple[list[float], list[float], list[float], int]:
    fixtures = library()
    floor_fixture = next(p for p in fixtures if p.stem == FLOOR_FIXTURE)
    per_round: list[float] = []
    per_fixture: list[float] = []
    floor: list[float] = []
    unexpected = 0
    async with Replayer() as replayer:
        for path in fixtures:  # warm-up: keys and gateways ready, as after the first run
            await replayer.replay(path)
        for _ in range(rounds):
            started = time.perf_counter()
            for path in fixtures:
                result = await replayer.replay(path)
                per_fixture.append(result.seconds)
                unexpected += not result.matched
            per_round.append(time.perf_counter() - started)
            for _ in range(floor_rounds):  # interleaved, so both see the same machine load
                floor.append((await replayer.replay(floor_fixture)).seconds)
    return per_round, per_fixture, floor, unexpected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run (2 rounds)")
    parser.add_argument("--rounds", type=int, help="in-process rounds over the library")
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 5)
    # uvicorn's notes about faults injected on purpose are not for this report
    logging.getLogger().addHandler(logging.NullHandler())
    count = len(library())
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as home:
        os.environ["CLINIC_DESK_HOME"] = home
        cold_wall, cold_sum, cold_n, cold_bad = new_process(Path(home))
        disk_wall, disk_sum, disk_n, disk_bad = new_process(Path(home))
        per_round, per_fixture, floor, bad = asyncio.run(in_process(rounds, 5))

    med_round = statistics.median(per_round)
    warm_rate = count / med_round
    disk_rate = disk_n / disk_sum if disk_sum else 0.0
    med_fixture, med_floor = statistics.median(per_fixture), statistics.median(floor)
    print(f"replay benchmark ({count} fixtures, {rounds} in-process rounds)")
    print(
        f"  new process, fresh home (no key store): {cold_wall:.2f} s wall "
        f"({cold_n / cold_wall:.1f} fixtures/s), {cold_n / cold_sum:.1f} fixtures/s in the replays"
    )
    print(
        f"  new process, keys from the key store: {disk_wall:.2f} s wall "
        f"({disk_n / disk_wall:.1f} fixtures/s), {disk_rate:.1f} fixtures/s in the replays"
        f"   target ≥ {TARGET_PER_SECOND:g}: {verdict(disk_rate >= TARGET_PER_SECOND)}"
    )
    print(
        f"  in one process, median round {med_round:.2f} s: {warm_rate:.1f} fixtures/s"
        f"   target ≥ {TARGET_PER_SECOND:g}: {verdict(warm_rate >= TARGET_PER_SECOND)}"
    )
    print(f"  one fixture, median: {med_fixture * 1000:.1f} ms")
    print(f"  harness floor ({FLOOR_FIXTURE}), median: {med_floor * 1000:.1f} ms")
    print(f"  ratio: {med_fixture / med_floor:.2f}×")
    unexpected = cold_bad + disk_bad + bad
    print(f"  unexpected outcomes: {unexpected}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())

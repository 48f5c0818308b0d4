"""Benchmark of the encrypted offline cache.

Prints: open time with the raw data key vs. opens that run a key derivation (the
project's scrypt unwrap, and SQLCipher's own PBKDF2 passphrase mode), against a plain
SQLite open measured in the same run as the floor; snapshot upsert and lookup p50/p99
with N snapshots in the file; the page check (``cipher_integrity_check``, run on unlock
and at the desk's start) and the full ``verify`` at 10,000 snapshots and at N, against
reading the file's bytes as the floor; bytes on disk per 10,000 snapshots; peak memory.

    python bench/bench_cache.py          # 100,000 snapshots
    python bench/bench_cache.py --quick  # CI smoke run (5,000 snapshots)
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlcipher3

from offline_cache import CacheFiles, GateOutcome, OfflineCache

PASSPHRASE = "benchmark passphrase 1"
RAW_OPEN_TARGET_MS = 20.0
LOOKUP_P50_TARGET_MS = 1.0


def cert(n: int) -> str:
    return hashlib.sha256(f"card-{n}".encode()).hexdigest()


def identity(n: int) -> dict[str, object]:
    return {
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "birthdate": f"19{50 + n % 50:02d}-0{1 + n % 9}-1{n % 10}",
        "sex": "male" if n % 2 else "female",
    }


def coverage(n: int) -> dict[str, object]:
    return {
        "insurer_number": f"0613{n % 10000:04d}",
        "symbol": f"{n % 997}",
        "number": f"{n:08d}",
        "branch": "01",
        "relationship": "self",
        "copay_rate": 0.3,
        "valid_from": "2025-04-01",
        "valid_to": None,
        "high_cost_category": "ウ",
    }


def cipher_version() -> str:
    conn = sqlcipher3.connect(":memory:")
    try:
        return str(conn.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        conn.close()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def bench_open(files: CacheFiles, repeat: int) -> None:
    data_key = OfflineCache.unlock_key(files.config_dir, PASSPHRASE)
    raw = timed(
        lambda: OfflineCache.open(files.data_dir, files.config_dir, data_key).close(), repeat
    )
    kdf_repeat = max(3, repeat // 4)
    scrypt = timed(
        lambda: OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE).close(), kdf_repeat
    )

    plain_path = files.data_dir.parent / "plain.sqlite"
    conn = sqlite3.connect(plain_path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()

    def plain_open() -> None:
        c = sqlite3.connect(plain_path)
        c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        c.close()

    floor = timed(plain_open, repeat)

    pbkdf_path = files.data_dir.parent / "sqlcipher-passphrase.db"
    c = sqlcipher3.connect(str(pbkdf_path))
    c.execute("PRAGMA key = 'benchmark passphrase 1'")
    c.execute("CREATE TABLE t (x)")
    c.commit()
    c.close()

    def pbkdf_open() -> None:
        c = sqlcipher3.connect(str(pbkdf_path))
        c.execute("PRAGMA key = 'benchmark passphrase 1'")
        c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        c.close()

    pbkdf = timed(pbkdf_open, kdf_repeat)

    f50 = statistics.median(floor)
    r50 = statistics.median(raw)
    print("open (median ms)")
    print(f"  plain SQLite floor                 {f50:8.2f}")
    print(
        f"  raw data key (OfflineCache.open)   {r50:8.2f}   x{r50 / f50:.1f} floor   "
        f"target <= {RAW_OPEN_TARGET_MS:.0f} ms: {'met' if r50 <= RAW_OPEN_TARGET_MS else 'MISSED'}"
    )
    s50 = statistics.median(scrypt)
    p50 = statistics.median(pbkdf)
    print(f"  passphrase, scrypt unwrap + open   {s50:8.2f}   x{s50 / r50:.0f} raw")
    print(f"  passphrase, SQLCipher PBKDF2 open  {p50:8.2f}   x{p50 / r50:.0f} raw")


def bench_checks(files: CacheFiles, repeat: int) -> None:
    """The page check and the full verify on a closed-and-reopened file (as at a start)."""
    with OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE) as cache:
        rows = cache.counts().snapshots
        pages = timed(lambda: cache.check_pages(), repeat)
        verify = timed(lambda: cache.verify(), max(1, repeat // 3))
    size = files.database.stat().st_size
    floor = timed(lambda: files.database.read_bytes(), repeat)
    f50, p50, v50 = (statistics.median(x) for x in (floor, pages, verify))
    print(f"checks at {rows:,} snapshots ({size / 1e6:.1f} MB file), median ms")
    print(f"  read the file's bytes (floor)      {f50:8.1f}")
    print(f"  page check (cipher_integrity_check) {p50:7.1f}   x{p50 / f50:.1f} floor")
    print(f"  verify (pages, SQLite, chain, seals) {v50:6.1f}   x{v50 / f50:.1f} floor")


def bench_rows(files: CacheFiles, count: int, samples: int, check_repeat: int) -> None:
    rng = random.Random(7)
    checked_at = 10_000  # also measured at the end, at ``count``
    filled = 0
    cache = OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
    try:
        start = time.perf_counter()
        chunk = 2000
        for base in range(0, count, chunk):
            if filled == checked_at < count:
                cache.close()
                paused = time.perf_counter()
                bench_checks(files, check_repeat)
                start += time.perf_counter() - paused
                cache = OfflineCache.open(files.data_dir, files.config_dir, PASSPHRASE)
            filled = min(count, base + chunk)
            with cache.batch():
                for n in range(base, min(count, base + chunk)):
                    cache.snapshots.put_confirmed(
                        cert(n),
                        identity=identity(n),
                        coverage=coverage(n),
                        gate_outcome=GateOutcome.MATCH,
                    )
        fill_s = time.perf_counter() - start
        print(f"fill: {count:,} snapshots in {fill_s:.1f} s (batches of {chunk})")

        # One upsert = one durable transaction (WAL, synchronous=FULL), as at the desk.
        upserts = [rng.randrange(count) for _ in range(samples // 5)]
        upsert_ms = []
        for n in upserts:
            t0 = time.perf_counter()
            cache.snapshots.put_confirmed(
                cert(n), identity=identity(n), coverage=coverage(n), gate_outcome=GateOutcome.MATCH
            )
            upsert_ms.append((time.perf_counter() - t0) * 1000)

        lookups = [rng.randrange(count) for _ in range(samples)]
        lookup_ms = []
        for n in lookups:
            t0 = time.perf_counter()
            found = cache.snapshots.get(cert(n))
            lookup_ms.append((time.perf_counter() - t0) * 1000)
            assert found is not None
        misses = timed(lambda: cache.snapshots.get(cert(-1)), samples // 5)
        counted = cache.counts().snapshots
    finally:
        cache.close()
    # Measured after close: the WAL has been checkpointed into the file.
    size = sum(p.stat().st_size for p in files.database_files() if p.exists())

    lk50 = statistics.median(lookup_ms)
    print(f"at {counted:,} snapshots (ms)            p50      p99")
    print(
        f"  upsert (durable commit)        {statistics.median(upsert_ms):8.3f} "
        f"{percentile(upsert_ms, 0.99):8.3f}"
    )
    print(
        f"  lookup (hit)                   {lk50:8.3f} {percentile(lookup_ms, 0.99):8.3f}   "
        f"target p50 <= {LOOKUP_P50_TARGET_MS:.0f} ms: "
        f"{'met' if lk50 <= LOOKUP_P50_TARGET_MS else 'MISSED'}"
    )
    print(
        f"  lookup (miss)                  {statistics.median(misses):8.3f} "
        f"{percentile(misses, 0.99):8.3f}"
    )
    print(
        f"disk: {size:,} bytes for {counted:,} snapshots (with audit rows) = "
        f"{size * 10_000 / counted / 1e6:.2f} MB per 10,000 snapshots"
    )
    bench_checks(files, check_repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a CI smoke run")
    parser.add_argument("--snapshots", type=int, default=None)
    args = parser.parse_args()
    count = args.snapshots or (5_000 if args.quick else 100_000)
    samples = 1_000 if args.quick else 10_000
    repeat = 10 if args.quick else 40

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        files = CacheFiles(Path(tmp) / "data", Path(tmp) / "config")
        OfflineCache.create(files.data_dir, files.config_dir, PASSPHRASE).close()
        print(
            f"clinic-desk offline cache benchmark ({'quick' if args.quick else 'full'}), "
            f"SQLCipher {cipher_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M}Z"
        )
        bench_open(files, repeat)
        bench_rows(files, count, samples, 3 if args.quick else 5)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS of this process): {peak_kib / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

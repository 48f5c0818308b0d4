"""Benchmark of a number lookup through the 資格確認端末 file exchange.

The simulated terminal runs in another process over a temporary folder. Each round
does, interleaved in the same run:

- a lookup through ``OqsClient.lookup_by_number`` (request built and written
  atomically, journal, two equal looks at the answer, safe parse, mapping to the
  domain, archive), and
- the bare file round trip — the floor: the same request bytes written under a temp
  name and renamed into req/, the answer's name polled at the same interval, its
  bytes read and removed; no parsing;
- the lookup as a production desk makes it: request and answer kept as evidence in
  the encrypted SQLCipher cache (``services.evidence``) instead of a plain folder.

Prints both medians and their ratio. Target: client ≤ 1.2 × bare + one polling
interval (the client's second look at a finished answer costs one interval, by design:
it is how a half-written file is told from a complete one).

The polling interval is the client's default, 50 ms: a real terminal takes about a
second or more to ask the national system, so 50 ms adds at most a few percent to
what the patient waits, while costing the desk one directory look (a few stat calls)
per 50 ms. The simulator polls req/ every 10 ms for both paths alike.

    python bench/bench_oqs.py          # 60 rounds
    python bench/bench_oqs.py --quick  # CI smoke run (8 rounds)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clinic_desk.oqs import OqsClient, OqsSettings
from clinic_desk.oqs.requests import InsuredNumbers, qualification_request
from clinic_desk.services.evidence import EvidenceArchiver
from offline_cache import OfflineCache

RATIO_TARGET = 1.2
YAMADA = ("01130012", "1234", "567", "00", date(1980, 4, 1))
_ENTRY = "import sys; from clinic_desk.cli import main; sys.exit(main())"


def start_terminal(root: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, "oqs-terminal", "serve", str(root),
         "--poll", "0.01", "--max-seconds", "900", "--quiet"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    if "serving" not in process.stdout.readline():
        raise SystemExit("the simulated terminal did not start")
    return process


async def bare_round_trip(root: Path, index: int, poll: float) -> float:
    file_id = f"bare{index:06d}"
    data = qualification_request(
        numbers=InsuredNumbers(*YAMADA[:4]),
        birthdate=YAMADA[4],
        file_id=file_id,
        institution_code="1311111111",
        today=date.today(),
        padding="space",
        codec="utf-8",
    )
    answer = root / "res" / f"OQSsiquc01res_{file_id}.xml"
    start = time.perf_counter()
    temp = root / "req" / f".OQSsiquc01req_{file_id}.xml.tmp"
    temp.write_bytes(data)
    os.rename(temp, root / "req" / f"OQSsiquc01req_{file_id}.xml")
    while not answer.exists():
        await asyncio.sleep(poll)
    answer.read_bytes()
    elapsed = time.perf_counter() - start
    answer.unlink()
    return elapsed


async def client_round_trip(client: OqsClient) -> float:
    start = time.perf_counter()
    found = await client.lookup_by_number(*YAMADA)
    elapsed = time.perf_counter() - start
    assert found.patient is not None
    return elapsed


async def run(
    rounds: int, root: Path, client: OqsClient, kept: OqsClient
) -> tuple[list[float], list[float], list[float]]:
    poll = client.settings.poll_interval
    await client_round_trip(client)  # warm-up: imports, first journal read
    await client_round_trip(kept)
    await bare_round_trip(root, 0, poll)
    bare: list[float] = []
    lookups: list[float] = []
    evidence: list[float] = []
    for index in range(1, rounds + 1):
        bare.append(await bare_round_trip(root, index, poll))
        lookups.append(await client_round_trip(client))
        evidence.append(await client_round_trip(kept))
    return bare, lookups, evidence


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 rounds (CI smoke run)")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    rounds = 8 if args.quick else args.rounds
    folder = Path(tempfile.mkdtemp(prefix="bench-oqs-"))
    os.environ["CLINIC_DESK_HOME"] = str(folder / "home")
    root = folder / "terminal"
    terminal = start_terminal(root)
    try:
        settings = OqsSettings(root=root, medical_institution_code="1311111111")
        client = OqsClient(settings)
        cache = OfflineCache.create(folder / "data", folder / "config", "bench-passphrase")
        archiver = EvidenceArchiver(cache, desk_id="bench", quarantine=folder / "aside")
        kept = OqsClient(
            settings.model_copy(update={"desk_id": "kept", "journal_path": folder / "j2"}),
            archiver=archiver,
        )
        bare, lookups, evidence = asyncio.run(run(rounds, root, client, kept))
        cache.close()
    finally:
        terminal.send_signal(signal.SIGTERM)
        terminal.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    poll = settings.poll_interval
    bare_median = statistics.median(bare)
    lookup_median = statistics.median(lookups)
    ratio = lookup_median / bare_median
    allowed = RATIO_TARGET * bare_median + poll
    print(f"rounds: {rounds}, polling interval: {poll * 1000:.0f} ms (desk), 10 ms (terminal)")
    print(f"bare file round trip, median: {bare_median * 1000:.1f} ms")
    print(f"OqsClient.lookup_by_number, median: {lookup_median * 1000:.1f} ms")
    kept_median = statistics.median(evidence)
    print(f"the same, kept as encrypted evidence, median: {kept_median * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (target ≤ {RATIO_TARGET}x + one polling interval)")
    ok = lookup_median <= allowed
    print(
        f"{'ok' if ok else 'OVER'}: {lookup_median * 1000:.1f} ms ≤ "
        f"{RATIO_TARGET} × {bare_median * 1000:.1f} + {poll * 1000:.0f} = {allowed * 1000:.1f} ms"
    )
    return 0  # timings are reported, not enforced: the machine may be shared


if __name__ == "__main__":
    sys.exit(main())

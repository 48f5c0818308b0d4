"""A writer for the crash test: commits rows as fast as it can and reports each one.

Run as ``python -m tests.cache.crash_writer DATA_DIR CONFIG_DIR ROUND``; the passphrase
comes from CLINIC_DESK_CACHE_PASSPHRASE. A line is printed only after its commit
returned, so every printed id must survive a kill -9.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from offline_cache import GateOutcome, OfflineCache


def main() -> None:
    data_dir, config_dir, round_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    cache = OfflineCache.open(data_dir, config_dir, os.environ["CLINIC_DESK_CACHE_PASSPHRASE"])
    out = sys.stdout
    for n in range(1_000_000):
        cert = hashlib.sha256(f"{round_id}-{n}".encode()).hexdigest()
        cache.snapshots.put_confirmed(
            cert,
            identity={"n": n, "pad": "x" * (n % 7) * 300},
            coverage={"round": round_id},
            gate_outcome=GateOutcome.MATCH,
        )
        out.write(f"snapshot {cert}\n")
        out.flush()
        if n % 3 == 0:
            visit = cache.visits.record_offline(cert, desk_id="desk-crash")
            out.write(f"visit {visit.id}\n")
            out.flush()
        if n % 5 == 0:
            flag = cache.flags.raise_flag(
                desk_id="desk-crash", reason="name_mismatch", card_identity={}
            )
            out.write(f"flag {flag.id}\n")
            out.flush()


if __name__ == "__main__":
    main()

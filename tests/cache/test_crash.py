"""kill -9 of a writer mid-stream, again and again: every committed row survives."""

from __future__ import annotations

import random
import signal
import subprocess

from offline_cache import CacheFiles, OfflineCache
from tests.cache.support import PASSPHRASE, PYTHON, REPO_ROOT, python_env

ROUNDS = 50


def test_kill_dash_nine_loses_no_committed_row(cache: OfflineCache, files: CacheFiles) -> None:
    cache.close()
    data_key = OfflineCache.unlock_key(files.config_dir, PASSPHRASE)
    rng = random.Random(20260401)
    env = python_env(CLINIC_DESK_CACHE_PASSPHRASE=PASSPHRASE)
    committed: dict[str, set[str]] = {"snapshot": set(), "visit": set(), "flag": set()}

    for round_no in range(ROUNDS):
        writer = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "tests.cache.crash_writer",
                str(files.data_dir),
                str(files.config_dir),
                str(round_no),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=REPO_ROOT,
            env=env,
        )
        assert writer.stdout is not None
        wanted = rng.randint(1, 25)
        for _ in range(wanted):
            line = writer.stdout.readline()
            assert line, f"writer stopped early in round {round_no}"
            kind, ident = line.split()
            committed[kind].add(ident)
        writer.send_signal(signal.SIGKILL)
        # Lines already written before the kill landed are commits as well.
        for line in writer.stdout:
            if line.endswith("\n"):
                kind, ident = line.split()
                committed[kind].add(ident)
        writer.wait(timeout=10)
        assert writer.returncode == -signal.SIGKILL

        with OfflineCache.open(files.data_dir, files.config_dir, data_key) as reopened:
            for snapshot in committed["snapshot"]:
                assert reopened.snapshots.get(snapshot) is not None, f"round {round_no}"
            visits = {v.id for v in reopened.visits.pending()}
            assert committed["visit"] <= visits
            for flag in committed["flag"]:
                reopened.flags.get(flag)
            report = reopened.verify()  # page HMACs, SQLite integrity, audit chain, seals
            assert report.ok, (round_no, report.problems)

    assert len(committed["snapshot"]) >= ROUNDS

"""A read-only folder or file gives the clear error and leaves no half-written rows.

Root ignores file permissions, so when the tests run as root the child process runs as
the unprivileged ``nobody`` user; otherwise it runs as the current user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cache.support import PASSPHRASE, PYTHON, python_env

CHILD = """
import json, os, sys
from pathlib import Path
from offline_cache import CacheError, GateOutcome, OfflineCache
root = Path(sys.argv[1]); data, config = root / "data", root / "config"
passphrase = sys.argv[2]
key = "ab" * 32
report = {}
with OfflineCache.create(data, config, passphrase, scrypt_n=2**14) as cache:
    cache.snapshots.put_confirmed(key, identity={}, coverage={}, gate_outcome=GateOutcome.MATCH)

os.chmod(data, 0o500)
try:
    OfflineCache.open(data, config, passphrase).close()
    report["folder"] = "opened"
except CacheError as exc:
    report["folder"] = [type(exc).__name__, str(exc)]
os.chmod(data, 0o700)

os.chmod(data / "offline-cache.db", 0o400)
try:
    with OfflineCache.open(data, config, passphrase) as cache:
        cache.snapshots.put_confirmed(
            "cd" * 32, identity={}, coverage={}, gate_outcome=GateOutcome.MATCH
        )
    report["file"] = "written"
except CacheError as exc:
    report["file"] = [type(exc).__name__, str(exc)]
os.chmod(data / "offline-cache.db", 0o600)

with OfflineCache.open(data, config, passphrase) as cache:
    report["after"] = [
        cache.snapshots.get(key) is not None,
        cache.snapshots.get("cd" * 32) is not None,
        cache.verify().ok,
        cache.counts().audit_rows,
    ]
print(json.dumps(report))
"""


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged child can use (pytest's own tmp is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="clinic-desk-ro-"))
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        shutil.chown(root, user="nobody")
    try:
        yield root
    finally:
        shutil.rmtree(root)


def test_read_only_folder_and_file(shared_tmp: Path) -> None:
    # util-linux's setpriv drops root for the child (part of every Debian system).
    drop_root = (
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        if os.geteuid() == 0
        else []
    )
    result = subprocess.run(
        [*drop_root, PYTHON, "-c", CHILD, str(shared_tmp), PASSPHRASE],
        capture_output=True,
        text=True,
        env=python_env(HOME=str(shared_tmp)),
        timeout=60,
        cwd=shared_tmp,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for case in ("folder", "file"):
        name, message = report[case]
        assert name == "CacheWriteFailed"
        assert "read-only or no permission" in message and "nothing was saved" in message
    # The first snapshot is there, the refused one is not, and the chain is whole
    # (create + one store).
    assert report["after"] == [True, False, True, 2]

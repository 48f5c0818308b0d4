"""The headless replay runs as its own process without Textual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.replay.conftest import library

PROBE = """
import sys

class NoTextual:
    def find_spec(self, name, path=None, target=None):
        if name == "textual" or name.startswith("textual."):
            raise ImportError("textual is not allowed here")
        return None

sys.meta_path.insert(0, NoTextual())
from clinic_desk.cli import main
sys.exit(main())
"""


def test_replay_process_without_textual(desk_home: Path) -> None:
    fixtures = [p for p in library() if p.stem in ("gateway-down-offline", "pin-blocked")]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "replay", *map(str, fixtures), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "CLINIC_DESK_HOME": str(desk_home)},
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["outcome"], r["matched"]) for r in rows] == [
        ("offline", True),
        ("pin_blocked", True),
    ]
    # every card's key came from the test keys shipped with the fixtures: none was
    # derived, so nothing was kept under the desk's cache folder
    assert not (desk_home / "cache" / "card-keys").exists()

"""The gate is pure: it imports without Textual and touches no file or network."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import builtins, socket, sys

class NoTextual:
    def find_spec(self, name, path=None, target=None):
        if name == "textual" or name.startswith("textual."):
            raise ImportError("textual is not allowed here")
        return None

sys.meta_path.insert(0, NoTextual())

def refuse(*args, **kwargs):
    raise AssertionError("the identity gate did I/O")

import clinic_desk.identity as gate
from datetime import date

builtins.open = refuse
socket.socket = refuse
d = date(2000, 1, 1)
assert gate.verdict("髙橋　一郎", d, "高橋 一郎", d).outcome == "variant"
assert gate.spelling_diff("渡邊", "渡●").positions[1].kind == "unknown"
print("ok", sorted(m for m in sys.modules if m.startswith("textual")))
"""


def test_gate_runs_without_textual_and_without_io() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok []"

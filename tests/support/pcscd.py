"""A real pcscd for the tests: use the running one, or start one by PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass


def _vpcd_readers() -> list[str]:
    from smartcard.System import readers

    try:
        return [str(r) for r in readers() if str(r).startswith("Virtual PCD")]
    except Exception:
        return []


@dataclass
class PcscService:
    """The smart-card service the test session talks to."""

    started_here: bool
    pid: int | None

    @property
    def readers(self) -> list[str]:
        return _vpcd_readers()


def ensure_pcscd(timeout: float = 10.0) -> tuple[PcscService, subprocess.Popen[bytes] | None]:
    """Return a running pcscd with the vpcd readers, starting one if needed."""
    if _vpcd_readers():
        return PcscService(started_here=False, pid=None), None
    binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not os.path.exists(binary):
        raise RuntimeError(
            "pcscd is not installed: run `make system-packages` (apt-get install pcscd "
            "vsmartcard-vpcd)"
        )
    proc = subprocess.Popen(
        [binary, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _vpcd_readers():
            return PcscService(started_here=True, pid=proc.pid), proc
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop_pcscd(proc)
    raise RuntimeError(
        "could not start pcscd with the vsmartcard virtual readers "
        "(is vsmartcard-vpcd installed and are you root?)"
    )


def stop_pcscd(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

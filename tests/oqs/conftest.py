from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clinic_desk.oqs import OqsClient, OqsSettings
from tests.reverify.test_reverifier import cache as cache  # a real SQLCipher cache

INSTITUTION = "1311111111"
_ENTRY = "import sys; from clinic_desk.cli import main; sys.exit(main())"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``clinic-desk ARGS`` in another process."""
    return subprocess.run(
        [sys.executable, "-c", _ENTRY, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Terminal:
    """The simulator in another process, started and stopped by its PID."""

    def __init__(self, root: Path, *faults: str, encoding: str = "utf-8") -> None:
        args = [sys.executable, "-c", _ENTRY, "oqs-terminal", "serve", str(root)]
        for fault in faults:
            args += ["--fault", fault]
        args += ["--encoding", encoding, "--poll", "0.01", "--max-seconds", "120", "--quiet"]
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # printed once the folders exist
        if "serving" not in line:
            self.stop()
            raise RuntimeError(f"the terminal did not start: {line!r}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "terminal"
    for name in ("req", "res", "face"):
        (folder / name).mkdir(parents=True)
    return folder


@pytest.fixture
def terminal(root: Path) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def start(*faults: str, encoding: str = "utf-8") -> Terminal:
        term = Terminal(root, *faults, encoding=encoding)
        started.append(term)
        return term

    yield start
    for term in started:
        term.stop()


def make_settings(root: Path, **overrides: object) -> OqsSettings:
    values: dict[str, object] = {
        "root": root,
        "medical_institution_code": INSTITUTION,
        "poll_interval": 0.01,
        "lookup_timeout": 20.0,
        "medication_timeout": 20.0,
    }
    values.update(overrides)
    return OqsSettings.model_validate(values)


@pytest.fixture
def client(root: Path) -> OqsClient:
    return OqsClient(make_settings(root))


async def face_form_opens(app: Any, pilot: Any, tries: int = 1500) -> bool:
    """Whether the face form is on screen within ``tries`` pauses of 20 ms (the watcher
    polls the folder)."""
    from clinic_desk.app.screens.face import FaceScreen

    for _ in range(tries):
        if isinstance(app.screen, FaceScreen):
            return True
        await pilot.pause(0.02)
    return isinstance(app.screen, FaceScreen)

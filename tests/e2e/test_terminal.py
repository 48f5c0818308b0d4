"""The desk in a real terminal: tmux runs `clinic-desk`, the card goes through the real
pcscd and the vsmartcard reader, the embedded gateway answers over loopback HTTP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pcscd import PcscService

pytestmark = pytest.mark.pcscd


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name
        self.screens: list[str] = []

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        text = self.tmux("capture-pane", "-p", "-t", self.name)
        self.screens.append(text)
        return text

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def terminal(pcscd: PcscService, desk_home: Path) -> Iterator[Terminal]:
    assert shutil.which("tmux"), "tmux is installed by `make system-packages`"
    name = f"desk-e2e-{os.getpid()}"
    term = Terminal(name)
    desk = Path(sys.executable).with_name("clinic-desk")
    command = f"{desk} --lang en --card-source pcscd"
    term.tmux(
        "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
        "-e", f"CLINIC_DESK_HOME={desk_home}", command,
    )  # fmt: skip
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True)


def check_in(term: Terminal, birthdate: str) -> None:
    term.keys("Enter")  # tap the highlighted demo card
    # a card's first tap makes its key (seconds; many more on a loaded machine)
    term.wait_for("Please type your 4-digit PIN.", timeout=120)
    term.wait_for("3 tries left")
    term.keys("1", "2", "3", "4", "Enter")
    term.wait_for("is this your name?")
    term.keys("y")
    term.wait_for("Please type your birthdate")
    term.keys(*birthdate, "Enter")


def test_a_receptionist_checks_patients_in_through_pcscd(terminal: Terminal) -> None:
    screen = terminal.wait_for("Place the My Number card on the reader.")
    terminal.wait_for("Gateway: online")
    assert "Gateway: online" in terminal.screen()

    # an ordinary patient: confirmation, consent, result
    check_in(terminal, "19800401")
    terminal.wait_for("Do you agree to share")
    terminal.keys("y")
    screen = terminal.wait_for("Eligibility confirmed.")
    assert "01130012" in screen and "アムロジピンOD錠5mg" in screen
    terminal.keys("d")
    screen = terminal.wait_for("Place the My Number card on the reader.")
    assert "01130012" not in screen

    # a card linked to a stranger's record: withheld, and nothing of it on screen
    terminal.keys("Down", "Down", "Down")
    check_in(terminal, "19900707")
    screen = terminal.wait_for("We could not confirm this record.")
    for screen in terminal.screens:
        for stranger in ("鈴木", "1962-05-14", "06400021"):
            assert stranger not in screen

    terminal.keys("d")
    terminal.wait_for("Place the My Number card on the reader.")
    terminal.keys("C-q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        alive = subprocess.run(
            ["tmux", "-L", terminal.name, "has-session", "-t", terminal.name],
            capture_output=True,
        )
        if alive.returncode != 0:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the desk did not quit on ctrl+q")

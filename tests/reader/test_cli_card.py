"""`clinic-desk card …` end to end: in-process, through pcscd, and without pcscd."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_desk.cli import main
from reader.mynumber import MyNumberCard
from reader.transport import PcscTransport, wait_for_card_state
from reader.virtual_card import VirtualCard, VpcdCardServer
from tests.reader.conftest import VPCD_PORT, VPCD_READER, make_card

InsertCard = Callable[[VirtualCard], VpcdCardServer]
CLI = str(Path(sys.executable).with_name("clinic-desk"))
NO_SERVICE_ENV = {**os.environ, "PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "demo", "--in-process"]) == 0
    out = capsys.readouterr().out
    assert "in-process card (as asked)" in out
    assert "山田　太郎 / 1980-04-01 / male" in out
    assert "check the signature with the certificate: valid" in out
    assert " ms] " in out


def test_demo_reports_a_faulty_card_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "demo", "malformed-four-items", "--in-process"]) == 1
    assert "The read stopped: The card's data could not be read" in capsys.readouterr().out


def test_demo_unknown_fixture_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "demo", "nobody", "--in-process"]) == 2
    err = capsys.readouterr().err
    assert "no card fixture called 'nobody'" in err
    assert "yamada-taro" in err


def test_demo_falls_back_to_in_process_without_pcscd() -> None:
    done = run_cli("card", "demo", "sato-ken", env=NO_SERVICE_ENV)
    assert done.returncode == 0, done.stderr
    assert "(pcscd) is not running: reading the card in-process" in done.stdout
    assert "signature with the certificate: valid" in done.stdout


def test_readers_without_pcscd_is_a_plain_error() -> None:
    done = run_cli("card", "readers", env=NO_SERVICE_ENV)
    assert done.returncode == 2
    assert "The smart-card service is not running" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.pcscd
def test_demo_through_pcscd(pcscd: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10)
    transcript = Path(os.environ["CLINIC_DESK_HOME"]) / "demo.json"
    transcript.parent.mkdir(parents=True, exist_ok=True)
    assert main(["card", "demo", "--transcript", str(transcript)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"card inserted into 'Virtual PCD 00 0[01]' \(pcscd \+ vpcd on port 3596[34]\)", out
    )
    assert "signature with the certificate: valid" in out
    saved = transcript.read_text(encoding="utf-8")
    assert '"redacted": true' in saved
    assert "31323334" not in saved  # the PIN 1234 in hex
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10)


@pytest.mark.pcscd
def test_readers_and_info_through_pcscd(
    vpcd_card: InsertCard, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = vpcd_card(make_card("takahashi-ichiro"))
    assert main(["card", "readers"]) == 0
    out = capsys.readouterr().out
    assert f"{VPCD_READER}: card present, ATR 3B E0 00 FF 81 31 FE 45 14" in out

    # A desk refuses a virtual reader unless told this is a demo.
    assert main(["card", "info", "--reader", VPCD_READER]) == 2
    assert "is a virtual reader" in capsys.readouterr().err

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "1234")
    assert main(["card", "info", "--reader", VPCD_READER, "--allow-virtual-reader"]) == 0
    captured = capsys.readouterr()
    assert "Text PIN (basic four items): 3 tries left" in captured.out
    assert "Name:      髙橋　一郎" in captured.out
    assert "1234" not in captured.out
    assert server.card.individual_number not in captured.out
    assert "Never install vsmartcard-vpcd on a production desk" in captured.err

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "4321")
    assert main(["card", "info", "--reader", "PCD 00 01", "--allow-virtual-reader"]) == 2
    assert "2 tries left" in capsys.readouterr().err


@pytest.mark.pcscd
def test_info_asks_before_the_last_try(
    vpcd_card: InsertCard, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = vpcd_card(make_card("nakamura-akemi"))
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("PIN asked"))
    assert main(["card", "info", "--reader", VPCD_READER, "--allow-virtual-reader"]) == 1
    out = capsys.readouterr().out
    assert "Only 1 try is left" in out and "Nothing was sent to the card." in out
    assert server.card.tries_left(b"\xd3\x92\x10\x00\x31\x00\x01\x01\x04\x08", 0x0011) == 1


@pytest.mark.pcscd
def test_serve_runs_a_card_until_interrupted(pcscd: object) -> None:
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10)
    proc = subprocess.Popen(
        [CLI, "card", "serve", "sato-ken", "--port", str(VPCD_PORT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for_card_state(VPCD_READER, present=True, timeout=30)
        with MyNumberCard(PcscTransport(VPCD_READER, allow_virtual=True)) as card:
            assert card.read_basic_four_items("1234").name.startswith("佐藤")
        time.sleep(0.3)  # let the serve loop announce the insertion
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert f"Card inserted in {VPCD_READER}." in out
    assert "Card removed;" in out
    assert "Never install vsmartcard-vpcd" in err
    assert wait_for_card_state(VPCD_READER, present=False, timeout=10)

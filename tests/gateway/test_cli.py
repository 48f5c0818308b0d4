"""`clinic-desk gateway serve` as a real process: serves, stops on SIGTERM or by itself."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from clinic_desk.cli import main
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.server import GatewayServer

ENTRY = "import sys; from clinic_desk.cli import main; sys.exit(main())"
SERVE = [sys.executable, "-c", ENTRY, "gateway", "serve", "--port", "0", "--quiet"]


def _start(*extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [*SERVE, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
    if found is None:
        proc.kill()
        raise AssertionError(f"no URL in {line!r}: {proc.communicate(timeout=10)}")
    return proc, found.group(1)


def test_serve_answers_then_stops_on_sigterm() -> None:
    proc, url = _start("--max-seconds", "120", "--fault", "down@coverage")
    try:
        answer = httpx.post(f"{url}/auth/challenge", timeout=10)
        assert answer.status_code == 201
        assert answer.json()["resourceType"] == "Parameters"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "stopped" in out


def test_serve_stops_by_itself_after_max_seconds() -> None:
    proc, _ = _start("--max-seconds", "0.5")
    try:
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "stopped" in out


def test_bad_arguments_are_plain_errors(tmp_path: Path, capsys: object) -> None:
    assert main(["gateway", "serve", "--fault", "melt"]) == 2
    assert main(["gateway", "serve", "--dataset", str(tmp_path / "none.json")]) == 2
    broken = tmp_path / "dataset.json"
    broken.write_text('{"patients": [], "links": [{"card_profile": "x"}]}', encoding="utf-8")
    assert main(["gateway", "serve", "--dataset", str(broken)]) == 2
    assert main(["gateway", "serve", "--tls-cert", str(broken)]) == 2


def test_check_reports_a_working_gateway(
    gateway: GatewayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gateway", "check", gateway.url]) == 0
    assert "issued a challenge" in capsys.readouterr().out


def test_check_reports_a_failing_gateway_with_both_texts(
    gateway: GatewayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.state.faults.add(Fault(kind=FaultKind.DOWN))
    assert main(["gateway", "check", gateway.url]) == 1
    out = capsys.readouterr().out
    assert out.startswith("GatewayUnavailable")
    assert "desk: Continue on paper" in out
    assert "support: HTTP 503" in out


def test_check_refuses_plain_http_to_another_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gateway", "check", "http://gateway.example"]) == 2
    assert "plain http is allowed only" in capsys.readouterr().err


def test_port_in_use_is_a_plain_error(
    gateway: GatewayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gateway", "serve", "--port", str(gateway.port)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_serve_with_non_pem_tls_files_fails_in_one_line_before_serving(tmp_path: Path) -> None:
    not_pem = tmp_path / "gw.pem"
    not_pem.write_text("this is not a certificate\n", encoding="utf-8")
    proc = subprocess.run(
        [*SERVE, "--tls-cert", str(not_pem), "--tls-key", str(not_pem), "--max-seconds", "5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "serving" not in proc.stdout  # never announced
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert str(not_pem) in line and "PEM" in line


def test_serve_with_a_non_pem_client_ca_fails_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.tls import ThrowawayCA

    cert, key = ThrowawayCA("gw").issue(tmp_path, "gateway", server=True)
    bad_ca = tmp_path / "ca.pem"
    bad_ca.write_bytes(b"\x00\x01 not pem")
    argv = ["gateway", "serve", "--tls-cert", str(cert), "--tls-key", str(key)]
    assert main([*argv, "--client-ca", str(bad_ca), "--max-seconds", "1"]) == 2
    out, err = capsys.readouterr()
    assert "serving" not in out
    assert f"The client CA file {bad_ca} cannot be used" in err


def test_check_hint_is_a_sentence_not_a_tuple(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["gateway", "check", f"http://127.0.0.1:{port}"]) == 1
    out = capsys.readouterr().out
    assert "('http'" not in out and "', " not in out
    assert f"http://127.0.0.1:{port}" in out
    support = next(line for line in out.splitlines() if line.strip().startswith("support:"))
    assert support.rstrip().endswith(".")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:99999", "port that is not a number from 1 to 65535"),
        ("http://127.0.0.1:abc", "port that is not a number from 1 to 65535"),
        ("https://u:pw-secret@gw.example", "must not carry a user name or password"),
    ],
)
def test_check_refuses_bad_urls_plainly(
    url: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gateway", "check", url]) == 2
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err and "pw-secret" not in err

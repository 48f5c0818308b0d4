"""`clinic-desk doctor`: a healthy demo, a production desk, and each check broken in turn.

Real parts: the running pcscd with its vpcd readers, the embedded gateway over HTTPS
with mutual TLS on loopback, a SQLCipher cache file."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.config import ConfigError, load_settings
from clinic_desk.logs import configure_from_settings
from clinic_desk.readiness import (
    CheckStatus,
    Readiness,
    RunningDesk,
    clock_skew,
    run_checks,
    startup_notice,
)
from clinic_desk.texts import say_findings
from offline_cache import OfflineCache
from tests.production.conftest import PASSPHRASE, ThrowawayCA, TlsGateway, write_config
from tests.support.pcscd import PcscService

RUN_CLI = "import sys; from clinic_desk.cli import main; sys.exit(main(sys.argv[1:]))"
ORDER = ["config", "service", "reader", "virtual", "gateway", "cache", "disk", "logs"]


async def doctor(passphrase: str | None = PASSPHRASE, **kwargs: object) -> Readiness:
    try:
        settings = load_settings()
    except ConfigError as exc:
        return await run_checks(exc, passphrase=passphrase)
    return await run_checks(settings, passphrase=passphrase, **kwargs)  # type: ignore[arg-type]


def make_cache(passphrase: str = PASSPHRASE) -> None:
    OfflineCache.create(paths.data_dir(), paths.config_dir(), passphrase).close()


def statuses(readiness: Readiness) -> dict[str, CheckStatus]:
    return {r.key: r.status for r in readiness.results}


# --- healthy ------------------------------------------------------------------------------


def test_healthy_demo_desk_is_ready(pcscd: PcscService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    checks = [line for line in out if line.startswith("[")]
    assert len(checks) == len(ORDER)
    assert all(line.startswith("[     OK]") for line in checks), out
    titles = ["configuration", "smart-card service", "card reader", "real (not virtual)"]
    for line, title in zip(checks, titles, strict=False):
        assert title in line
    assert "Virtual PCD 00 00" in checks[2]
    assert "clock skew" in checks[4]
    assert out[-1] == "ready: a check-in can go ahead"


def test_doctor_json_lines(pcscd: PcscService, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["key"] for r in rows] == ORDER
    assert {r["status"] for r in rows} == {"ok"}
    assert abs(rows[4]["skew_seconds"]) < 5


async def test_production_desk_all_ready_but_the_virtual_reader(
    pcscd: PcscService, tls_gateway: TlsGateway
) -> None:
    # vpcd is the only reader here: a production desk must refuse it, everything else is ready
    write_config(tls_gateway.config(reader="PCD 00 01"))
    make_cache()
    readiness = await doctor()
    assert [r.key for r in readiness.results] == ORDER
    assert statuses(readiness) == {
        "config": CheckStatus.OK,
        "service": CheckStatus.OK,
        "reader": CheckStatus.OK,
        "virtual": CheckStatus.FAIL,
        "gateway": CheckStatus.OK,
        "cache": CheckStatus.OK,
        "disk": CheckStatus.OK,
        "logs": CheckStatus.OK,
    }
    virtual = readiness.get("virtual")
    assert "'Virtual PCD 00 01' is a virtual reader, refused in production" in virtual.detail
    assert "forged card" in virtual.detail and "vsmartcard-vpcd" in virtual.fix
    gateway = readiness.get("gateway")
    assert "over TLS" in gateway.detail and gateway.skew_seconds is not None
    assert abs(gateway.skew_seconds) < 5
    assert not readiness.ready


def test_doctor_exit_status_follows_blocking_checks(
    pcscd: PcscService, tls_gateway: TlsGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tls_gateway.config(reader="PCD 00 01"))
    make_cache()
    os.environ["CLINIC_DESK_CACHE_PASSPHRASE"] = PASSPHRASE
    try:
        assert main(["doctor"]) == 1
    finally:
        del os.environ["CLINIC_DESK_CACHE_PASSPHRASE"]
    out = capsys.readouterr().out
    assert "NOT READY: fix real (not virtual) reader" in out
    assert "fix: use a real card reader" in out


# --- each check broken in turn -----------------------------------------------------------


def test_invalid_config_skips_everything_else(capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config("[gateway]\nbase_ulr = 'https://gw.example'\n")
    readiness = asyncio.run(doctor())
    assert statuses(readiness)["config"] is CheckStatus.FAIL
    assert "unknown setting 'gateway.base_ulr'" in readiness.get("config").detail
    assert str(path) in readiness.get("config").fix
    assert all(r.status is CheckStatus.SKIPPED for r in readiness.results[1:])
    assert main(["doctor"]) == 1


def test_smart_card_service_not_running(tmp_path: Path, tls_gateway: TlsGateway) -> None:
    # pcsc-lite finds pcscd through this socket path: a real client with no service behind it
    write_config(tls_gateway.config())
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.sock")}
    env["CLINIC_DESK_CACHE_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "doctor", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    rows = {r["key"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert rows["service"]["status"] == "fail"
    assert "pcscd" in rows["service"]["detail"]
    assert rows["service"]["fix"] == "sudo systemctl enable --now pcscd.socket"
    assert rows["reader"]["status"] == "skipped"
    assert rows["virtual"]["status"] == "skipped"
    assert rows["gateway"]["status"] == "ok"


async def test_configured_reader_absent(pcscd: PcscService, tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config(reader="ACR39U"))
    readiness = await doctor()
    reader = readiness.get("reader")
    assert reader.status is CheckStatus.FAIL
    assert "No card reader matches 'ACR39U'" in reader.detail
    assert "Virtual PCD 00 01" in reader.detail  # what is attached instead
    assert "clinic-desk card readers" in reader.fix
    assert statuses(readiness)["virtual"] is CheckStatus.SKIPPED


async def test_gateway_not_listening(tls_gateway: TlsGateway) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = tls_gateway.config().replace(tls_gateway.url, f"https://127.0.0.1:{port}")
    write_config(text)
    gateway = (await doctor()).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    assert f"127.0.0.1:{port} cannot be reached" in gateway.detail
    assert "gateway.base_url" in gateway.fix


async def test_gateway_certificate_not_trusted(tls_gateway: TlsGateway, tmp_path: Path) -> None:
    other = ThrowawayCA("someone else").write(tmp_path / "other-ca.pem")
    write_config(tls_gateway.config().replace(str(tls_gateway.ca_bundle), str(other)))
    gateway = (await doctor()).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    assert "the gateway's certificate is not trusted" in gateway.detail
    assert "gateway.ca_bundle" in gateway.fix


async def test_client_certificate_refused(tls_gateway: TlsGateway, tmp_path: Path) -> None:
    stranger_cert, stranger_key = ThrowawayCA("not the desk CA").issue(
        tmp_path, "stranger", server=False
    )
    text = (
        tls_gateway.config()
        .replace(str(tls_gateway.desk_certificate), str(stranger_cert))
        .replace(str(tls_gateway.desk_key), str(stranger_key))
    )
    write_config(text)
    gateway = (await doctor()).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    assert "may refuse this desk's client certificate" in gateway.detail
    assert "gateway.client_certificate" in gateway.fix


async def test_client_key_that_does_not_belong(tls_gateway: TlsGateway, tmp_path: Path) -> None:
    _, wrong_key = ThrowawayCA("x").issue(tmp_path, "other", server=False)
    write_config(tls_gateway.config().replace(str(tls_gateway.desk_key), str(wrong_key)))
    gateway = (await doctor()).get("gateway")
    assert gateway.status is CheckStatus.FAIL
    assert str(tls_gateway.desk_certificate) in gateway.detail
    assert "(gateway.client_key)" in gateway.detail


@pytest.mark.parametrize(
    ("ahead", "status"),
    [(timedelta(seconds=90), CheckStatus.WARN), (timedelta(minutes=10), CheckStatus.FAIL)],
)
async def test_clock_skew(tls_gateway: TlsGateway, ahead: timedelta, status: CheckStatus) -> None:
    write_config(tls_gateway.config())
    gateway = (await doctor(now=lambda: datetime.now(UTC) + ahead)).get("gateway")
    assert gateway.status is status
    assert gateway.skew_seconds is not None
    assert abs(gateway.skew_seconds - ahead.total_seconds()) < 5
    assert f"clock skew +{ahead.total_seconds():.0f}"[:-1] in gateway.detail
    assert "timedatectl set-ntp true" in gateway.fix


def test_clock_skew_ignores_the_date_headers_whole_seconds() -> None:
    gateway = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
    asked = gateway + timedelta(milliseconds=1400)
    assert clock_skew(gateway, asked, asked + timedelta(milliseconds=20)) == 0.0
    assert clock_skew(gateway, asked - timedelta(seconds=40), asked) == pytest.approx(
        -18.6, abs=0.01
    )


async def test_cache_without_passphrase(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    make_cache()
    cache = (await doctor(passphrase=None)).get("cache")
    assert cache.status is CheckStatus.FAIL
    assert "no passphrase" in cache.detail
    assert cache.fix == "set CLINIC_DESK_CACHE_PASSPHRASE"


async def test_cache_wrong_passphrase_leaves_it_untouched(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    make_cache()
    before = (paths.data_dir() / "offline-cache.db").read_bytes()
    cache = (await doctor(passphrase="not the passphrase")).get("cache")
    assert cache.status is CheckStatus.FAIL
    assert "does not unlock" in cache.detail
    assert (paths.data_dir() / "offline-cache.db").read_bytes() == before


async def test_cache_missing_its_key_file(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    make_cache()
    (paths.config_dir() / "offline-cache.key").unlink()
    cache = (await doctor()).get("cache")
    assert cache.status is CheckStatus.FAIL
    assert "backup" in cache.fix


async def test_cache_in_use_by_a_running_desk(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    make_cache()
    held = OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE)
    try:
        cache = (await doctor()).get("cache")
        wrong = (await doctor(passphrase="wrong passphrase")).get("cache")
    finally:
        held.close()
    assert cache.status is CheckStatus.OK and "a running desk" in cache.detail
    assert wrong.status is CheckStatus.FAIL


async def test_first_start_has_no_cache_yet(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    cache = (await doctor()).get("cache")
    assert cache.status is CheckStatus.WARN  # the desk creates it: not blocking
    assert "creates it at its first start" in cache.detail
    assert not (paths.data_dir() / "offline-cache.db").exists()  # doctor creates nothing


async def test_not_enough_disk_space(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config(desk__min_free_disk_mb="1000000000"))
    disk = (await doctor()).get("disk")
    assert disk.status is CheckStatus.FAIL
    assert "at least 1000000000 MB needed" in disk.detail
    assert "free some disk space" in disk.fix


async def test_log_folder_not_writable(
    tls_gateway: TlsGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLINIC_DESK_LOG_DIR", str(blocker / "logs"))
    write_config(tls_gateway.config())
    logs = (await doctor()).get("logs")
    assert logs.status is CheckStatus.FAIL
    assert f"cannot write to {blocker / 'logs'}" in logs.detail
    assert "CLINIC_DESK_LOG_DIR" in logs.fix


async def test_startup_notice_names_only_what_stops_a_demo_check_in(
    pcscd: PcscService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = RunningDesk(cache_unlocked=True, embedded_gateway=True)
    assert await startup_notice(load_settings(), running) == ("", ())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLINIC_DESK_LOG_DIR", str(blocker / "logs"))
    notice, findings = await startup_notice(load_settings(), running)
    assert notice.startswith("log folder: cannot write to")
    # the desk says the same in its language, from the catalogue
    ja, en = say_findings(findings, "ja"), say_findings(findings, "en")
    assert ja.startswith("ログのフォルダ：") and "ファイルです" in ja
    assert en.startswith("log folder: cannot write to")
    # the desk still starts: its logging goes nowhere rather than failing
    handler = configure_from_settings(load_settings())
    logging.getLogger().removeHandler(handler)


def _doctor_with_read_only(folder: Path) -> subprocess.CompletedProcess[str]:
    """`clinic-desk doctor --json` in a process that sees ``folder`` read-only: a
    read-only mount of its own (root may write anywhere else), a mode for others."""
    command = [
        sys.executable,
        "-c",
        "import sys; from clinic_desk.cli import main; sys.exit(main(['doctor', '--json']))",
    ]
    env = {**os.environ, "CLINIC_DESK_CACHE_PASSPHRASE": PASSPHRASE}
    if os.geteuid() == 0:
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        command = [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            str(folder),
            *command,
        ]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    folder.chmod(0o500)
    try:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    finally:
        folder.chmod(0o700)


def test_read_only_data_folder_is_named_not_restored(tls_gateway: TlsGateway) -> None:
    write_config(tls_gateway.config())
    make_cache()
    before = (paths.data_dir() / "offline-cache.db").read_bytes()
    proc = _doctor_with_read_only(paths.data_dir())
    assert "Traceback" not in proc.stderr, proc.stderr
    rows = {r["key"]: r for r in map(json.loads, proc.stdout.splitlines())}
    cache = rows["cache"]
    assert cache["status"] == "fail"
    assert "read-only" in cache["detail"] and str(paths.data_dir()) in cache["detail"]
    assert "from the backup" not in cache["fix"] and "writable" in cache["fix"]
    assert (paths.data_dir() / "offline-cache.db").read_bytes() == before

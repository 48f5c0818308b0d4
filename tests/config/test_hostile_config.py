"""Bad and hostile configuration: one plain line naming the setting or the variable, from
every command; secrets and URL credentials never shown; no traceback, no hang."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.config import ConfigError, load_settings
from clinic_desk.config_toml import masked_dump, to_toml

SECRET = "s3cr3t-Passw0rd"
COMMANDS = [
    ["config", "show"],
    ["config", "check"],
    ["doctor"],
    ["doctor", "--json"],
    ["cache", "reverify"],
    ["review", "list"],
    [],  # the desk
]


def write(text: str) -> Path:
    path = paths.ensure_dir(paths.config_dir()) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- a whole-section override that is not JSON ------------------------------------------


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "desk")
def test_section_override_that_is_not_json_is_one_line_from_every_command(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLINIC_DESK_GATEWAY", "not json")
    code, out, err = run(argv, capsys)
    assert code != 0
    assert "Traceback" not in out + err
    said = (out + err).strip()
    assert "CLINIC_DESK_GATEWAY" in said
    assert "not a JSON object" in said
    naming = [line for line in said.splitlines() if "CLINIC_DESK_GATEWAY" in line]
    assert len(naming) == 1, said  # one line says it (doctor adds its other checks)


# --- ports, hosts and credentials in base_url -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:99999", "port that is not a number from 1 to 65535"),
        ("http://127.0.0.1:abc", "port that is not a number from 1 to 65535"),
        ("https://gw.example:0", "port that is not a number from 1 to 65535"),
        ("https://gw.example:", "port that is not a number from 1 to 65535"),
        ("https://gw_bad.example", "host name that is not valid"),
        ("https://-gw.example", "host name that is not valid"),
        ("https://gw..example", "host name that is not valid"),
        ("https://gw example", "must not contain spaces"),
        (f"https://desk:{SECRET}@gw.example", "must not carry a user name or password"),
        ("https://desk@gw.example", "must not carry a user name or password"),
    ],
)
def test_config_check_names_the_setting(
    url: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(f'[gateway]\nbase_url = "{url}"\n')
    code, out, err = run(["config", "check"], capsys)
    assert code == 2
    assert "setting 'gateway.base_url'" in err and why in err
    assert SECRET not in out + err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "desk")
@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", f"https://u:{SECRET}@gw.example"])
def test_no_command_crashes_on_a_bad_url_or_shows_its_password(
    argv: list[str],
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CLINIC_DESK_GATEWAY__BASE_URL", url)
    code, out, err = run(argv, capsys)
    assert code != 0
    assert "Traceback" not in out + err
    assert "gateway.base_url" in out + err
    assert "CLINIC_DESK_GATEWAY__BASE_URL" in out + err  # where the value came from
    assert SECRET not in out + err


def test_doctor_json_never_carries_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        f'mode = "production"\n[gateway]\nbase_url = "https://desk:{SECRET}@gw.example"\n'
        f'client_key_password = "{SECRET}"\n'
    )
    code, out, _ = run(["doctor", "--json"], capsys)
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["key"] == "config" and rows[0]["status"] == "fail"
    assert SECRET not in out


def test_config_show_masks_every_secret(capsys: pytest.CaptureFixture[str]) -> None:
    write(f'[gateway]\nclient_key_password = "{SECRET}"\n[manager]\npin_hash = "scrypt$x"\n')
    code, out, _ = run(["config", "show"], capsys)
    assert code == 0
    assert SECRET not in out and "scrypt$x" not in out
    assert 'client_key_password = "********"' in out
    data = masked_dump(load_settings())
    assert data["gateway"]["client_key_password"] == "********"
    assert SECRET not in to_toml(data)


# --- files that are not a configuration ------------------------------------------------------


def test_deeply_nested_config_is_one_error() -> None:
    write("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested more than"):
        load_settings()


def test_huge_config_is_one_error() -> None:
    write("# " + "x" * (2 * 1024 * 1024) + "\n")
    with pytest.raises(ConfigError, match="larger than"):
        load_settings()


def test_fifo_as_config_does_not_block(capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.ensure_dir(paths.config_dir()) / "config.toml"
    os.mkfifo(path)
    finished: list[int] = []
    worker = threading.Thread(target=lambda: finished.append(main(["config", "check"])))
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock every read of the pipe so the test run can end
        for _ in range(50):
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            worker.join(timeout=0.2)
            if not worker.is_alive():
                break
        pytest.fail("reading a FIFO as config.toml blocked")
    assert finished == [2]
    assert "not a regular file" in capsys.readouterr().err


def test_a_folder_as_config_is_one_error() -> None:
    (paths.ensure_dir(paths.config_dir()) / "config.toml").mkdir()
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings()


def test_section_override_is_one_sentence_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_DESK_GATEWAY", "not json")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.problems == [caught.value.message]
    assert "CLINIC_DESK_GATEWAY" in caught.value.message
    assert "not json" not in caught.value.message  # the value may hold a secret


def test_a_json_section_override_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_DESK_GATEWAY", '{"base_url": "https://gw.example"}')
    assert load_settings().gateway.base_url == "https://gw.example"

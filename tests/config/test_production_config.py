"""Production rules of the configuration, and `clinic-desk config init/show/check`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.config import (
    ConfigError,
    DeskSettings,
    check_settings,
    load_settings,
    production_problems,
)
from clinic_desk.config_toml import render_template


def write(text: str) -> Path:
    path = paths.ensure_dir(paths.config_dir()) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tls_files(tmp_path: Path) -> dict[str, Path]:
    files = {name: tmp_path / f"{name}.pem" for name in ("ca", "cert", "key")}
    for path in files.values():
        path.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    return files


def production(files: dict[str, Path], **changes: str) -> str:
    values = {
        "name_pattern": '"ACR39U"',
        "base_url": '"https://gateway.clinic.example:8443"',
        "ca_bundle": f'"{files["ca"]}"',
        "client_certificate": f'"{files["cert"]}"',
        "client_key": f'"{files["key"]}"',
        "verify_tls": "true",
        "passphrase_source": '"env"',
    }
    values.update(changes)
    return (
        'mode = "production"\n[reader]\nname_pattern = {name_pattern}\n'
        "[gateway]\nbase_url = {base_url}\nca_bundle = {ca_bundle}\n"
        "client_certificate = {client_certificate}\nclient_key = {client_key}\n"
        "verify_tls = {verify_tls}\n[cache]\npassphrase_source = {passphrase_source}\n"
    ).format(**values)


def problems_of(text: str) -> list[str]:
    write(text)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    return caught.value.problems


ENV = {"CLINIC_DESK_CACHE_PASSPHRASE": "a long enough passphrase"}


def test_a_complete_production_config_is_accepted(tls_files: dict[str, Path]) -> None:
    write(production(tls_files))
    settings = check_settings(environ=ENV)
    assert settings.mode == "production"
    assert settings.gateway.client_key == tls_files["key"]


def test_unknown_key_names_key_and_file(tls_files: dict[str, Path]) -> None:
    path = write(production(tls_files) + "[desk]\ndesk_name = 'front'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.message == (
        f"unknown setting 'desk.desk_name' in {path}: remove it or check its spelling"
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://gateway.example", "must be an https:// URL with a host name"),
        ("gateway.example", "must be an https:// URL with a host name"),
        ("http://gateway.example", "plain http is allowed only to this computer"),
        ("http://192.168.1.10:8443", "plain http is allowed only to this computer"),
        ("https://gateway.example/?debug=1", "must not carry a query"),
    ],
)
def test_bad_gateway_url(tls_files: dict[str, Path], url: str, why: str) -> None:
    (message,) = problems_of(production(tls_files, base_url=f'"{url}"'))
    assert message.startswith("setting 'gateway.base_url' in ")
    assert f"has the value {url!r}: {why}" in message


def test_plain_http_to_loopback_is_allowed() -> None:
    write('[gateway]\nbase_url = "http://127.0.0.1:8470/"\n')
    assert load_settings().gateway.base_url == "http://127.0.0.1:8470"


def test_missing_certificate_file_is_named_with_its_key(tls_files: dict[str, Path]) -> None:
    tls_files["cert"].unlink()
    write(production(tls_files))
    with pytest.raises(ConfigError) as caught:
        check_settings(environ=ENV)
    assert caught.value.problems == [
        f"setting 'gateway.client_certificate' names {tls_files['cert']}, which does not exist"
    ]


def test_production_refuses_tls_verification_off(tls_files: dict[str, Path]) -> None:
    (message,) = problems_of(production(tls_files, verify_tls="false"))
    assert "'gateway.verify_tls'" in message
    assert "is refused in production" in message and "pose as the gateway" in message


def test_production_refuses_verify_off_even_for_loopback(tls_files: dict[str, Path]) -> None:
    text = production(tls_files, verify_tls="false", base_url='"https://127.0.0.1:8443"')
    (message,) = problems_of(text)
    assert "'gateway.verify_tls'" in message and "refused in production" in message
    # the demo may talk to a gateway on this computer without verification
    write(text.replace('mode = "production"', 'mode = "demo"'))
    assert load_settings().gateway.verify_tls is False


def test_production_refuses_a_virtual_reader(tls_files: dict[str, Path]) -> None:
    (message,) = problems_of(production(tls_files, name_pattern='"Virtual PCD 00 01"'))
    assert "'reader.name_pattern'" in message
    assert "names a virtual reader, refused in production" in message
    assert "forged card" in message


def test_production_refuses_a_cache_without_passphrase(tls_files: dict[str, Path]) -> None:
    (message,) = problems_of(production(tls_files, passphrase_source='"none"'))
    assert "'cache.passphrase_source'" in message
    assert "must be encrypted with a passphrase" in message


def test_production_needs_the_passphrase_in_the_environment(tls_files: dict[str, Path]) -> None:
    write(production(tls_files))
    settings = load_settings()
    assert any(
        "CLINIC_DESK_CACHE_PASSPHRASE is not set" in p for p in production_problems(settings, {})
    )
    short = {"CLINIC_DESK_CACHE_PASSPHRASE": "short"}
    assert any("shorter than 8" in p for p in production_problems(settings, short))
    write(production(tls_files, passphrase_source='"prompt"'))
    assert production_problems(load_settings(), {}) == []


def test_production_lists_every_missing_setting() -> None:
    write('mode = "production"\n[gateway]\nbase_url = "https://gw.example"\n')
    found = production_problems(load_settings(), ENV)
    joined = "\n".join(found)
    for key in ("reader.name_pattern", "ca_bundle", "client_certificate", "client_key"):
        assert key in joined
    assert len(found) == 4


def test_tls_paths_must_be_absolute_and_paired(tls_files: dict[str, Path]) -> None:
    problems = problems_of(production(tls_files, client_certificate='"desk.pem"'))
    assert any("'gateway.client_certificate'" in p and "absolute path" in p for p in problems)
    write(f'[gateway]\nbase_url = "https://gw.example"\nclient_key = "{tls_files["key"]}"\n')
    with pytest.raises(ConfigError, match=r"without gateway\.client_certificate"):
        load_settings()


def test_environment_override_is_validated_too(
    tls_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(production(tls_files))
    monkeypatch.setenv("CLINIC_DESK_GATEWAY__BASE_URL", "http://gateway.example")
    with pytest.raises(ConfigError, match="plain http is allowed only to this computer"):
        load_settings()


def test_several_problems_are_each_reported(tls_files: dict[str, Path]) -> None:
    problems = problems_of(production(tls_files, verify_tls="false", passphrase_source='"none"'))
    assert len(problems) == 2


# --- template --------------------------------------------------------------------------


def test_demo_template_loads_as_the_demo() -> None:
    write(render_template("demo"))
    assert load_settings() == DeskSettings.model_validate({})


def test_production_template_mentions_every_setting() -> None:
    text = render_template("production")
    data = tomllib.loads(text)
    assert data["mode"] == "production"
    for section, field in DeskSettings.model_fields.items():
        if section == "mode":
            continue
        assert f"[{section}]" in text
        model = field.annotation
        assert isinstance(model, type)
        for key in model.model_fields:  # type: ignore[attr-defined]
            assert f"{key} =" in text, key


def test_config_init_refuses_to_overwrite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "init"]) == 0
    target = paths.config_file()
    first = target.read_text(encoding="utf-8")
    assert 'mode = "production"' in first
    assert target.stat().st_mode & 0o077 == 0
    target.write_text(first + "# my notes\n", encoding="utf-8")
    assert main(["config", "init"]) == 2
    assert "already exists; it was left untouched" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8").endswith("# my notes\n")
    assert main(["config", "init", "--mode", "demo", "--force"]) == 0
    assert target.read_text(encoding="utf-8") == render_template("demo")


def test_config_check(
    tls_files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["config", "check"]) == 0
    assert "configuration OK: mode demo" in capsys.readouterr().out
    tls_files["key"].unlink()
    write(production(tls_files))
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"setting 'gateway.client_key' names {tls_files['key']}, which does not exist" in err
    assert "CLINIC_DESK_CACHE_PASSPHRASE is not set" in err
    assert "Traceback" not in err


def test_config_show_masks_secrets(
    tls_files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(production(tls_files) + '[manager]\npin_hash = "scrypt$16384$8$1$c2FsdA$aGFzaA"\n')
    text = (
        paths.config_file()
        .read_text(encoding="utf-8")
        .replace(
            "verify_tls = true\n", 'verify_tls = true\nclient_key_password = "hunter2-secret"\n'
        )
    )
    paths.config_file().write_text(text, encoding="utf-8")
    monkeypatch.setenv("CLINIC_DESK_DESK__DESK_ID", "desk-9")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and "aGFzaA" not in out
    assert 'client_key_password = "********"' in out
    assert 'pin_hash = "********"' in out
    assert 'desk_id = "desk-9"' in out
    assert "CLINIC_DESK_DESK__DESK_ID" in out
    shown = tomllib.loads("\n".join(x for x in out.splitlines() if not x.startswith("#")))
    assert shown["gateway"]["base_url"] == "https://gateway.clinic.example:8443"


def test_config_show_reports_a_bad_file_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    write("mode = 'staging'\n")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert "setting 'mode'" in err and "'staging'" in err and "Traceback" not in err

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.config import ConfigError, load_settings


def write(text: str) -> Path:
    path = paths.ensure_dir(paths.config_dir()) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_configured_is_the_demo() -> None:
    settings = load_settings()
    assert settings.mode == "demo"
    assert settings.cache.medication_ttl_hours == 24


def test_file_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        'mode = "production"\n[gateway]\nbase_url = "https://gw.example"\n[desk]\ndesk_id = "d2"\n'
    )
    monkeypatch.setenv("CLINIC_DESK_DESK__DESK_ID", "desk-7")
    settings = load_settings()
    assert settings.mode == "production"
    assert settings.gateway.base_url == "https://gw.example"
    assert settings.desk.desk_id == "desk-7"  # the environment wins


def test_unknown_key_is_named() -> None:
    path = write("[gateway]\nbase_ulr = 'https://gw.example'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "unknown setting 'gateway.base_ulr'" in caught.value.message
    assert str(path) in caught.value.message


def test_bad_value_names_key_value_and_rule() -> None:
    write("[cache]\nmedication_ttl_hours = 48\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = caught.value.message
    assert "cache.medication_ttl_hours" in message and "48" in message
    assert "less than or equal to 24" in message


def test_not_toml_is_a_plain_error() -> None:
    write("mode = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_secret_values_are_not_echoed() -> None:
    # a value unlike anything in a temporary path, so only an echo could show it
    write("[gateway]\nclient_key_password = 86420975318642\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = caught.value.message
    assert "gateway.client_key_password" in message and "(secret)" in message
    assert "86420975318642" not in message

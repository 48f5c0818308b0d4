"""Promises of docs/security.md that no other test proved.

Each test names the sentence it keeps true.
"""

from __future__ import annotations

import fnmatch
import json
import re
from datetime import date
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.checkin import Stage
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.gateway.server import GatewayServer
from offline_cache.keyfile import ScryptParams
from tests.desk.conftest import Desk, desk
from tests.gateway.conftest import KeySigner, credentials_for
from tests.manager.support import create_cache

__all__ = ["desk"]  # the desk's Pilot fixture, shared with tests/desk


async def test_the_client_ignores_proxy_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """'The client ignores proxy settings from the environment': a proxy that does not
    exist, named in every variable httpx reads, is never used."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with GatewayServer(load_dataset(), max_seconds=60) as server:
        settings = GatewaySettings(base_url=server.url, read_timeout=10.0, checkin_budget=30.0)
        async with EligibilityClient(settings) as client:
            session = await client.open_session(KeySigner(credentials_for("yamada-taro")))
            patient = await client.fetch_patient(session)
    assert patient.birthdate == date(1980, 4, 1)


def test_a_guess_at_the_passphrase_costs_32_mib_of_scrypt() -> None:
    """'its key is wrapped under the passphrase with scrypt (N=2^15, r=8, p=1: 32 MiB per
    guess)', and a key file cannot ask for less than the floor or more than the bounds."""
    cache = create_cache()
    cache.close()
    key_file = json.loads((paths.config_dir() / "offline-cache.key").read_text("utf-8"))
    assert key_file["kdf"]["name"] == "scrypt"
    # the tests' caches are cheaper; what the desk itself writes is the default
    assert ScryptParams.model_fields["n"].default == 2**15
    assert ScryptParams.model_fields["r"].default == 8
    assert ScryptParams.model_fields["p"].default == 1
    assert 128 * 8 * 2**15 == 32 * 1024 * 1024
    with pytest.raises(ValueError):
        ScryptParams(n=2**9, salt="AAAA")


async def test_the_pin_field_shows_dots(desk: Desk) -> None:
    """'The PIN field shows dots; the PIN is never rendered'."""
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("9", "8", "7", "6")  # a wrong PIN: the demo's hint shows the right one
    text = desk.capture()
    assert "9876" not in text
    assert "••••" in text
    await desk.press("enter")
    await desk.wait_for(Stage.PIN_ENTRY)
    assert all("9876" not in screen for screen in desk.screens)


def _named_tests(text: str) -> list[tuple[str, str | None]]:
    """(file, test) for each `file::test`, `file` and `::test` the page names, in order."""
    named: list[tuple[str, str | None]] = []
    current = ""
    for token in re.findall(r"`([^`]+)`", text):
        found = re.fullmatch(r"((?:[\w]+/)*test_\w+\.py)?(?:::(\w+)(?:\[[^\]]*\])?)?", token)
        if found is None or not any(found.groups()):
            continue
        current = found.group(1) or current
        named.append((current, found.group(2)))
    return named


def test_every_test_the_security_page_names_exists() -> None:
    """docs/security.md promises only what tests prove: each test it names is there."""
    tests = Path(__file__).resolve().parents[1]
    text = (tests.parent / "docs" / "security.md").read_text(encoding="utf-8")
    named = _named_tests(text)
    assert len(named) > 80
    missing = []
    for file, test in named:
        path = tests / file.removeprefix("tests/")
        if not path.is_file():
            missing.append(file)
        elif test is not None and not re.search(
            rf"^(async )?def {test}\(", path.read_text(encoding="utf-8"), re.MULTILINE
        ):
            missing.append(f"{file}::{test}")
    assert missing == []


def test_every_catalogue_case_the_security_page_names_exists() -> None:
    from tests.hardening.catalogue import CASES

    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text("utf-8")
    ids = [case.id for case in CASES]
    named = re.findall(r"catalogue\s+((?:`[^`]+`(?:,\s*|\s+and\s+)?)+)", text)
    patterns = [
        p
        for group in named
        for p in re.findall(r"`([^`]+)`", group)
        if re.fullmatch(r"[a-z0-9*-]+", p)
    ]
    assert patterns
    for pattern in patterns:
        assert fnmatch.filter(ids, pattern), pattern

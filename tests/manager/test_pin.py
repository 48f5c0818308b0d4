"""Manager PIN: hash in the configuration, verification, lockout that survives a restart."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from clinic_desk import paths
from clinic_desk.config import load_settings
from clinic_desk.manager.errors import PinFormatError, PinNotSet
from clinic_desk.manager.pin import ManagerPin, Verdict, hash_pin, pin_matches
from clinic_desk.manager.setup import PinRefused
from offline_cache import OfflineCache
from tests.manager.support import OTHER_PIN, PIN, FakeClock, reopen_cache, set_pin


def test_hash_is_salted_scrypt_and_never_the_pin() -> None:
    first, second = hash_pin(PIN, log_n=12), hash_pin(PIN, log_n=12)
    assert first.startswith("scrypt$ln=12,r=8,p=1$") and first != second
    assert PIN not in first
    assert pin_matches(PIN, first) and pin_matches(PIN, second)
    assert not pin_matches(OTHER_PIN, first)


@pytest.mark.parametrize("bad", ["12345", "1" * 33, "12 3456", "ピン123456", ""])
def test_pin_format_is_checked(bad: str) -> None:
    with pytest.raises(PinFormatError, match="6 to 32"):
        hash_pin(bad)


def test_set_pin_writes_only_pin_hash_into_the_config(cache: OfflineCache) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    original = (
        "# the clinic's desk\n"
        '[desk]\ndesk_id = "desk-3"  # front\n\n'
        "[manager]\nlockout_tries = 5\n"
    )
    config.write_text(original, encoding="utf-8")
    settings = set_pin(PIN)
    text = config.read_text(encoding="utf-8")
    assert PIN not in text
    assert text.startswith(original.split("[manager]")[0])  # comments kept byte for byte
    data = tomllib.loads(text)
    assert data["desk"] == {"desk_id": "desk-3"}
    assert data["manager"]["lockout_tries"] == 5
    assert settings.manager.pin_hash == data["manager"]["pin_hash"]
    assert pin_matches(PIN, data["manager"]["pin_hash"])
    # changing it replaces the one line
    settings = set_pin(OTHER_PIN, cache=cache, current=PIN)
    text = config.read_text(encoding="utf-8")
    assert text.count("pin_hash") == 1 and "lockout_tries = 5" in text
    assert pin_matches(OTHER_PIN, settings.manager.pin_hash or "")


def test_changing_the_pin_needs_the_current_one(cache: OfflineCache) -> None:
    set_pin(PIN)
    with pytest.raises(PinRefused, match="not the manager PIN"):
        set_pin(OTHER_PIN, cache=cache, current="999999")
    assert pin_matches(PIN, load_settings().manager.pin_hash or "")
    assert [e.action for e in cache.audit.entries()][-1] == "manager.pin_wrong"


def test_verify_counts_wrong_tries_and_audits_codes_only(
    cache: OfflineCache, clock: FakeClock
) -> None:
    settings = set_pin(PIN).manager
    pin = ManagerPin(cache, settings, now=clock)
    first = pin.verify("000000")
    assert first.verdict is Verdict.WRONG and first.tries_left == 4
    assert pin.verify("111111").tries_left == 3
    ok = pin.verify(PIN)
    assert ok.ok and ok.tries_left == 5
    # a right PIN starts the count again
    assert pin.verify("000000").tries_left == 4
    entries = cache.audit.entries()
    actions = [e.action for e in entries]
    assert actions[-4:] == [
        "manager.pin_wrong",
        "manager.pin_wrong",
        "manager.unlock",
        "manager.pin_wrong",
    ]
    for entry in entries:
        assert PIN not in entry.note and "000000" not in entry.note


def test_lockout_after_five_and_its_expiry(cache: OfflineCache, clock: FakeClock) -> None:
    settings = set_pin(PIN).manager
    assert settings.lockout_tries == 5 and settings.lockout_minutes == 15
    pin = ManagerPin(cache, settings, now=clock)
    verdicts = [pin.verify("000000") for _ in range(5)]
    assert [v.tries_left for v in verdicts] == [4, 3, 2, 1, 0]
    assert verdicts[-1].verdict is Verdict.LOCKED
    assert verdicts[-1].locked_until == clock.now + timedelta(minutes=15)
    # even the right PIN is refused while locked
    clock.advance(minutes=14, seconds=59)
    refused = pin.verify(PIN)
    assert refused.verdict is Verdict.LOCKED and not refused.ok
    assert pin.status().verdict is Verdict.LOCKED
    clock.advance(seconds=1)
    assert pin.status().tries_left == 5
    assert pin.verify(PIN).ok
    actions = [e.action for e in cache.audit.entries()]
    assert "manager.lockout" in actions and "manager.pin_refused" in actions


def test_after_a_lock_runs_out_a_fresh_series_starts(cache: OfflineCache, clock: FakeClock) -> None:
    settings = set_pin(PIN).manager
    pin = ManagerPin(cache, settings, now=clock)
    for _ in range(5):
        pin.verify("000000")
    clock.advance(minutes=16)
    assert pin.verify("000000").tries_left == 4


def test_wrong_tries_and_lock_survive_reopening(clock: FakeClock, cache: OfflineCache) -> None:
    settings = set_pin(PIN).manager
    pin = ManagerPin(cache, settings, now=clock)
    for _ in range(3):
        pin.verify("000000")
    cache.close()
    with reopen_cache(clock) as again:
        pin = ManagerPin(again, settings, now=clock)
        assert pin.status().tries_left == 2
        pin.verify("000000")
        assert pin.verify("000000").verdict is Verdict.LOCKED
    with reopen_cache(clock) as again:
        assert ManagerPin(again, settings, now=clock).verify(PIN).verdict is Verdict.LOCKED
        assert again.verify().ok


def test_configured_tries_and_minutes_are_used(
    cache: OfflineCache, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_pin(PIN)
    monkeypatch.setenv("CLINIC_DESK_MANAGER__LOCKOUT_TRIES", "2")
    monkeypatch.setenv("CLINIC_DESK_MANAGER__LOCKOUT_MINUTES", "1")
    settings = load_settings().manager
    pin = ManagerPin(cache, settings, now=clock)
    pin.verify("000000")
    locked = pin.verify("000000")
    assert locked.verdict is Verdict.LOCKED
    clock.advance(minutes=1)
    assert pin.verify(PIN).ok


def test_no_pin_set_is_a_plain_error(cache: OfflineCache) -> None:
    with pytest.raises(PinNotSet, match="review set-pin"):
        ManagerPin(cache, load_settings().manager).verify(PIN)

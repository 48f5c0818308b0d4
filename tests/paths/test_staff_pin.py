"""The staff PIN a production desk asks before a visual check: checked against the
configured hash, wrong tries counted and locked per staff id, never kept."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from clinic_desk import paths
from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.config import ConfigError, load_settings
from clinic_desk.logs import LOG_FILE, configure_logging
from clinic_desk.manager.pin import hash_pin
from clinic_desk.services.assembly import DeskOptions
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.staff_pins import LOCKOUT_TRIES, StaffPins
from offline_cache import OfflineCache
from tests.desk.conftest import SIZE, Desk
from tests.manager.support import FakeClock, create_cache

STAFF_PIN = "731946"
WRONG_PIN = "482915"
HASHES = {"reception-7": hash_pin(STAFF_PIN)}


@pytest.fixture
def cache() -> OfflineCache:
    return create_cache(FakeClock())


def test_right_wrong_unknown_and_locked(cache: OfflineCache) -> None:
    pins = StaffPins(cache, HASHES)
    assert pins.verify("reception-7", STAFF_PIN) == ""
    assert pins.verify("reception-9", STAFF_PIN) == "staff_unknown"
    for _ in range(LOCKOUT_TRIES - 1):
        assert pins.verify("reception-7", WRONG_PIN) == "staff_pin_wrong"
    assert pins.verify("reception-7", WRONG_PIN) == "staff_pin_locked"
    assert pins.verify("reception-7", STAFF_PIN) == "staff_pin_locked"  # even the right one
    rows = cache.audit.entries()
    assert any(r.action == "staff.lockout" and r.actor == "reception-7" for r in rows)
    said = [(r.action, r.actor, r.note, *r.subject_ids) for r in rows]
    assert not any(STAFF_PIN in str(s) or WRONG_PIN in str(s) for s in said)
    cache.close()


@pytest.fixture
async def production_like() -> AsyncIterator[Desk]:
    services = await build_demo_services(
        card_source="in_process",
        options=DeskOptions(kind="demo", desk_id="desk-1", staff_pin_hashes=HASHES),
    )
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


async def _visual(desk: Desk, pin: str) -> None:
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("v")
    for i, value in enumerate(("reception-7", pin, "山田 太郎", "19800401")):
        for ch in value:
            await desk.pilot.press(ch)
        if i < 3:
            await desk.pilot.press("tab")
    await desk.press("enter")


async def test_a_wrong_staff_pin_stops_the_visual_check(production_like: Desk) -> None:
    desk = production_like
    await _visual(desk, WRONG_PIN)
    await desk.wait_for(Stage.ERROR)
    assert "The staff PIN was not right" in " ".join(desk.capture().split())
    demo = desk.services.demo
    assert demo is not None and demo.pin_tries("yamada-taro") == 3


async def test_the_right_staff_pin_goes_on_and_is_kept_nowhere(production_like: Desk) -> None:
    desk = production_like
    handler = configure_logging("DEBUG")
    try:
        await _visual(desk, STAFF_PIN)
        await desk.confirm_identity("19800401")
        await desk.wait_for(Stage.CONSENT)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    for screen in desk.screens:
        assert STAFF_PIN not in screen
    assert STAFF_PIN not in (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert STAFF_PIN not in desk.cache_dump()
    assert desk.services.runner.machine.view().staff_id == "reception-7"


def test_a_bad_staff_id_in_the_configuration_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text('[visual_check.staff_pin_hashes]\n"受付 1" = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="staff id"):
        load_settings(config)

"""No personal value of any fixture ever reaches the log, with debug logging on.

Every scenario fixture is replayed headless with `clinic-desk replay`; every demo
card is checked in through the real desk (Pilot, the state machine, the virtual
card, the embedded gateway over loopback HTTP, a SQLCipher cache), online and then
again with the gateway down, while the log rotates through small files. Then every
log file is searched for every personal value the fixtures hold.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from clinic_desk import paths
from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import ENDINGS, Stage
from clinic_desk.checkin.stages import WAITING_FOR_PEOPLE
from clinic_desk.cli import main
from clinic_desk.logs import DROPPED, LOG_FILE, JsonLines, configure_logging, log_files
from clinic_desk.services.demo import DEMO_CARDS, build_demo_services
from tests.desk.conftest import SIZE, Desk
from tests.support.leaks import leaked

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PIN = "1234"


def _values(node: Any, keys: set[str]) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str | int) and not isinstance(value, bool):
                yield str(value)
            else:
                yield from _values(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, keys)


def personal_values() -> set[str]:
    """Every personal value in the card fixtures and the gateway's dataset."""
    values: set[str] = set()
    card_keys = {"name", "birthdate", "address"}
    for path in sorted((FIXTURES / "cards").rglob("*.json")):
        values |= set(_values(json.loads(path.read_text(encoding="utf-8")), card_keys))
    dataset = json.loads((FIXTURES / "gateway" / "dataset.json").read_text(encoding="utf-8"))
    record_keys = {
        "name",
        "kana_name",
        "birthdate",
        "insurer_number",
        "insurer_name",
        "number",
        "drug_name",
        "prescriber",
        "pharmacy",
        "certificate_sha256",
    }
    values |= set(_values(dataset["patients"], record_keys | {"id"}))
    values |= set(_values(dataset["links"], {"certificate_sha256", "patient_id"}))
    # scenarios may carry their own card profiles and gateway records
    for path in sorted((FIXTURES / "scenarios").rglob("*.json")):
        scenario = json.loads(path.read_text(encoding="utf-8"))
        values |= set(_values(scenario, card_keys | record_keys))
    for text in list(values):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # birthdates as typed and printed
            values |= {text.replace("-", ""), text.replace("-", "/")}
        if "　" in text:  # names without the full-width space
            values.add(text.replace("　", ""))
    return {v for v in values if len(v) >= 3}


def leaks(text: str, values: set[str]) -> list[str]:
    return leaked(text, values)


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    handler = configure_logging("DEBUG", max_bytes=16 * 1024, backups=200)
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()
        logging.getLogger().removeHandler(handler)
        handler.close()


async def check_in(desk: Desk, card_id: str, birthdate: str) -> Stage:
    """Drive one check-in to its end, answering like a cooperative patient."""
    await desk.tap(card_id)
    stage = await desk.wait_for(*WAITING_FOR_PEOPLE, *ENDINGS)
    for _ in range(20):
        if stage in ENDINGS:
            break
        view = desk.services.runner.view()
        machine = desk.services.runner.machine
        generation, before = machine.generation, len(machine.history)
        if stage is Stage.PIN_ENTRY:
            if view.needs_last_try_confirmation:
                await desk.press("c")
            await desk.press(*PIN, "enter")
        elif stage is Stage.CONFIRMING_BIRTHDATE:
            await desk.press(*birthdate, "enter")
        elif stage is Stage.STAFF_DECISION:
            await desk.press("a")
        else:  # the name is theirs; they consent
            await desk.press("y")
        deadline = time.monotonic() + 30
        while len(machine.history) == before:
            assert time.monotonic() < deadline, f"{card_id}: no answer to the key in {stage}"
            await desk.pilot.pause(0.02)
        assert machine.generation == generation
        stage = await desk.wait_for(*WAITING_FOR_PEOPLE, *ENDINGS)
    assert stage in ENDINGS
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    return stage


def card_birthdates() -> dict[str, str]:
    found = {}
    for path in (FIXTURES / "cards").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["profile_id"]] = data["birthdate"].replace("-", "")
    return found


async def test_no_fixture_personal_value_reaches_any_log_file(desk: Desk) -> None:
    birthdates = card_birthdates()
    endings: dict[str, Stage] = {}
    for card_id in DEMO_CARDS:
        endings[card_id] = await check_in(desk, card_id, birthdates[card_id])
    # the flows covered: shown, staff-decided variants, a withheld mislink, a revoked
    # certificate, several qualifications, the last PIN try
    assert endings["yamada-taro"] is Stage.SHOWN
    assert endings["sato-ken"] is Stage.WITHHELD
    assert endings["kato-yuki"] is Stage.WITHHELD  # several qualifications
    # and again with the gateway down: the offline path reads the cache
    assert desk.services.demo is not None
    await desk.services.demo.toggle_gateway()
    for card_id in ("yamada-taro", "sato-ken"):
        endings[card_id + "/offline"] = await check_in(desk, card_id, birthdates[card_id])
    assert endings["yamada-taro/offline"] is Stage.OFFLINE_SHOWN
    assert endings["sato-ken/offline"] is Stage.PAPER_FORM  # a withheld record is never cached

    files = log_files()
    assert len(files) > 1, "the log rotated"
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    records = [json.loads(line) for line in text.splitlines() if line]
    assert any(r["level"] == "debug" for r in records) or any(
        "stage" in r["message"] for r in records
    )
    # nothing even tried to log Japanese text (the formatter would have dropped it)
    assert not [r for r in records if r["message"] == DROPPED]
    assert any("-> shown" in r["message"] for r in records)
    assert any("-> offline_shown" in r["message"] for r in records)
    values = personal_values()
    assert "山田　太郎" in values and "19800401" in values and "01130012" in values
    assert not leaks(text, values | {PIN})


def test_leak_search_finds_what_it_looks_for() -> None:
    values = {"19800401", "山田　太郎", PIN}
    assert leaks('{"message": "typed 19800401"}', values) == ["19800401"]
    assert leaks('{"message": "ms=1234.5 attempt=1"}', values) == []
    assert leaks('{"message": "pin 1234"}', values) == [PIN]
    # a random request id that happens to hold the digits is chance, not a leak
    assert leaks('{"message": "request_id=ab1234cd route=patient"}', values) == []
    # but the digits as a token next to words or Japanese text are found
    assert leaks('{"message": "number=1234,"}', values) == [PIN]
    assert leaks('{"message": "番号1234"}', values) == [PIN]


def test_non_ascii_messages_are_dropped(tmp_path: Path) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "patient %s", ("山田",), None)
    line = json.loads(JsonLines({"desk": "desk-1"}).format(record))
    assert line["message"] == DROPPED and line["desk"] == "desk-1"
    assert (paths.log_dir() / LOG_FILE).exists() is False  # formatting writes nothing


def test_replaying_every_scenario_logs_no_personal_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scenarios = sorted((FIXTURES / "scenarios").glob("*.json"))
    assert len(scenarios) >= 20
    handler = configure_logging("DEBUG", max_bytes=64 * 1024, backups=200)
    try:
        status = main(["replay", str(FIXTURES / "scenarios"), "--json"])
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    assert len(results) == len(scenarios)
    assert status == 0, [r["fixture"] for r in results if not r["matched"]]
    text = "\n".join(path.read_text(encoding="utf-8") for path in log_files())
    records = [json.loads(line) for line in text.splitlines() if line]
    assert any("-> withheld" in r["message"] for r in records)
    assert not [r for r in records if r["message"] == DROPPED]
    assert not leaks(text, personal_values() | {PIN})

"""The paths without a PIN replayed headless: a record behind the numbers (or the
card) that is not the patient's leaks into no log and no replay result."""

from __future__ import annotations

import logging
from pathlib import Path

from clinic_desk import paths
from clinic_desk.logs import LOG_FILE, configure_logging
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Outcome
from tests.support.leaks import leaked

SCENARIOS = paths.fixtures_dir() / "scenarios"
SUZUKI_RECORD = (
    *("鈴木", "スズキ", "1962-05-14", "19620514", "06400021", "3301", "md-suzuki"),
    *("アムロジピン", "ロスバスタチン", "メトホルミン", "ロキソプロフェン"),
)


async def _replay_logged(fixture: Path) -> tuple[str, str]:
    handler = configure_logging("DEBUG")
    try:
        async with Replayer() as replayer:
            result = await replayer.replay(fixture)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert result.matched, result.mismatch
    assert result.outcome is Outcome.WITHHELD
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    return log_text, result.json_line()


async def test_a_mislinked_record_behind_the_numbers_leaks_nothing() -> None:
    log_text, line = await _replay_logged(SCENARIOS / "numbers-mislinked.json")
    assert "withheld" in log_text
    assert not leaked(log_text, SUZUKI_RECORD)
    assert not leaked(line, SUZUKI_RECORD)


async def test_a_mislinked_card_checked_visually_leaks_nothing(tmp_path: Path) -> None:
    fixture = tmp_path / "visual-mislinked.json"
    fixture.write_text(
        '{"title": "visual check of the card linked to someone else", "card": "sato-ken",'
        ' "steps": [{"do": "visual_check"}, {"do": "answer_name"}, {"do": "type_birthdate"}],'
        ' "expected": {"outcome": "withheld", "reason": "birthdate_mismatch"}}',
        encoding="utf-8",
    )
    log_text, line = await _replay_logged(fixture)
    assert "visual check by staff" in log_text  # the gateway's line: no card signature
    assert not leaked(log_text, SUZUKI_RECORD)
    assert not leaked(line, SUZUKI_RECORD)

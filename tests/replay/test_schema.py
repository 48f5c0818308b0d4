"""fixtures/schema.json is the JSON Schema of the fixture models, kept up to date."""

from __future__ import annotations

import json

from clinic_desk.scenarios.scenario import Scenario
from clinic_desk.scenarios.schema import schema_path, schema_text, write_schema
from tests.replay.conftest import library


def test_schema_file_is_up_to_date() -> None:
    assert schema_path().read_text(encoding="utf-8") == schema_text(), (
        "run: python -m clinic_desk.scenarios.schema"
    )


def test_schema_names_every_step_and_outcome() -> None:
    schema = json.loads(schema_text())
    text = json.dumps(schema)
    for word in ("confirm_last_try", "remove_card", "paper_form", "pin_blocked", "card_removed"):
        assert word in text
    assert schema["additionalProperties"] is False


def test_write_schema_reports_change(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "schema.json"
    assert write_schema(target) is True
    assert write_schema(target) is False


def test_every_fixture_round_trips_through_the_models() -> None:
    for path in library():
        scenario = Scenario.load(path)
        again = Scenario.model_validate_json(scenario.dump())
        assert again == scenario, path.name

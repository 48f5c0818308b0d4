"""`clinic-desk replay`: the --json contract and the exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinic_desk.cli import main
from tests.replay.conftest import library

CONTRACT = {"fixture", "outcome", "expected", "matched", "states", "seconds"}


def _fixture(name: str) -> Path:
    return next(p for p in library() if p.stem == name)


def test_json_lines_carry_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    chosen = [_fixture("ordinary-consent"), _fixture("mislinked-card")]
    status = main(["replay", *map(str, chosen), "--json"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert len(lines) == 2
    rows = [json.loads(line) for line in lines]
    for row, path in zip(rows, chosen, strict=True):
        assert row.keys() >= CONTRACT
        assert row["fixture"] == str(path)
        assert row["matched"] is True
        assert row["outcome"] == row["expected"]
        assert isinstance(row["seconds"], float) and row["seconds"] > 0
        assert row["states"][0] == "reading"
    assert rows[0]["outcome"] == "shown" and rows[0]["states"][-1] == "shown"
    assert rows[1]["outcome"] == "withheld" and rows[1]["reason"] == "birthdate_mismatch"


def test_a_folder_is_searched_and_an_unexpected_outcome_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-good.json").write_text(
        _fixture("pin-blocked").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = json.loads(_fixture("patient-says-not-me").read_text(encoding="utf-8"))
    bad["expected"] = {"outcome": "shown"}
    (tmp_path / "b-bad.json").write_text(json.dumps(bad), encoding="utf-8")
    status = main(["replay", str(tmp_path), "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert [r["matched"] for r in rows] == [True, False]
    assert rows[1]["outcome"] == "withheld" and rows[1]["expected"] == "shown"


def test_text_output_names_outcome_states_and_timing(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["replay", str(_fixture("gateway-down-paper"))])
    out = capsys.readouterr().out
    assert status == 0
    assert "paper_form (gateway_unavailable_nothing_cached) — as expected" in out
    assert "states: reading → pin_entry → authenticating → looking_up_cache → paper_form" in out
    assert " s\n" in out


def test_missing_fixture_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "no/such/fixture.json"]) == 2
    assert "There is no fixture or folder no/such/fixture.json." in capsys.readouterr().err


def test_record_needs_exactly_one_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(library()[0].parent)
    assert main(["replay", folder, "--record", "out.json"]) == 2
    assert "--record records one check-in" in capsys.readouterr().err


def test_schema_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Scenario"


def test_a_fixture_that_cannot_run_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    target = tmp_path / "out.json"
    assert main(["replay", str(broken), "--record", str(target), "--json"]) == 1
    captured = capsys.readouterr()
    row = json.loads(captured.out)
    assert row["matched"] is False and row["reason"] == "unreadable_fixture"
    assert "nothing was recorded" in captured.err
    assert not target.exists()

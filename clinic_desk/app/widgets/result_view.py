"""A confirmed check-in: who, what the validity state means, eligibility, then
medication history (newest first).

Each validity state and each outcome has its own words in both languages, its
own colour class and a status word, so the meaning never rests on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical

from clinic_desk.app.widgets.medication_list import MedicationList
from clinic_desk.app.widgets.pays import guidance_lines, newer_insurer, pays_lines
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin.outcome import EligibilityOutcome
from clinic_desk.checkin.paths import NOT_ON_THIS_PATH
from clinic_desk.checkin.view import CheckInResult
from clinic_desk.domain.coverage import Coverage, EligibilityRecord, ValidityState
from clinic_desk.domain.medication import MedicationDispense, MedicationHistory
from clinic_desk.texts import Lang, t
from clinic_desk.texts.codes import COVERAGE_STATUS, RELATIONSHIP, words
from clinic_desk.texts.keys import TextKey


@dataclass(frozen=True)
class StateLook:
    """How one validity state reads: its status word and its colour class."""

    word: TextKey
    css_class: str


@dataclass(frozen=True)
class OutcomeLook:
    """How one outcome reads: status word, headline, the receptionist's next step, colour."""

    word: TextKey
    title: TextKey
    next_step: TextKey
    css_class: str


STATE_LOOKS: dict[ValidityState, StateLook] = {
    ValidityState.VALID: StateLook("validity.state.1", "-validity-1"),
    ValidityState.INVALID: StateLook("validity.state.2", "-validity-2"),
    ValidityState.INVALID_NEWER_EXISTS: StateLook("validity.state.3", "-validity-3"),
    ValidityState.NOT_FOUND: StateLook("validity.state.4", "-validity-4"),
    ValidityState.SEVERAL_MATCH: StateLook("validity.state.5", "-validity-5"),
}

OUTCOME_LOOKS: dict[EligibilityOutcome, OutcomeLook] = {
    EligibilityOutcome.CONFIRMED: OutcomeLook(
        "outcome.confirmed.word",
        "outcome.confirmed.title",
        "outcome.confirmed.next",
        "-outcome-confirmed",
    ),
    EligibilityOutcome.COVERAGE_ENDED: OutcomeLook(
        "outcome.coverage_ended.word",
        "outcome.coverage_ended.title",
        "outcome.coverage_ended.next",
        "-outcome-coverage-ended",
    ),
    EligibilityOutcome.NEWER_COVERAGE: OutcomeLook(
        "outcome.newer_coverage.word",
        "outcome.newer_coverage.title",
        "outcome.newer_coverage.next",
        "-outcome-newer-coverage",
    ),
    EligibilityOutcome.NO_RECORD: OutcomeLook(
        "outcome.no_record.word",
        "outcome.no_record.title",
        "outcome.no_record.next",
        "-outcome-no-record",
    ),
    EligibilityOutcome.SEVERAL_MATCH: OutcomeLook(
        "outcome.several_match.word",
        "outcome.several_match.title",
        "outcome.several_match.next",
        "-outcome-several-match",
    ),
}

ALL_CLASSES: frozenset[str] = frozenset(
    [look.css_class for look in STATE_LOOKS.values()]
    + [look.css_class for look in OUTCOME_LOOKS.values()]
)


def state_words(state: ValidityState, lang: Lang) -> str:
    """The state as the receptionist reads it: its number and its name."""
    return f"{state.value} · {t(STATE_LOOKS[state].word, lang)}"


def outcome_headline(outcome: EligibilityOutcome, lang: Lang) -> str:
    """The outcome's status word and what it means (the desk's headline)."""
    look = OUTCOME_LOOKS[outcome]
    return t("outcome.banner", lang, word=t(look.word, lang), title=t(look.title, lang))


def outcome_next_step(outcome: EligibilityOutcome, lang: Lang) -> str:
    """The outcome's status word and the receptionist's next step."""
    look = OUTCOME_LOOKS[outcome]
    action = t("outcome.next", lang, action=t(look.next_step, lang))
    return t("outcome.banner", lang, word=t(look.word, lang), title=action)


def next_step(result: CheckInResult, lang: Lang) -> str:
    """The result's one next step: for a newer insurance the answer names, named."""
    insurer = newer_insurer(result.eligibility)
    if result.outcome is not EligibilityOutcome.NEWER_COVERAGE or not insurer:
        return outcome_next_step(result.outcome, lang)
    look = OUTCOME_LOOKS[result.outcome]
    action = t("outcome.next", lang, action=t("validity.3.ask_named", lang, insurer=insurer))
    return t("outcome.banner", lang, word=t(look.word, lang), title=action)


def outcome_classes(outcome: EligibilityOutcome, state: ValidityState | None) -> set[str]:
    """The colour classes of an outcome (and of the state behind it, when known)."""
    classes = {OUTCOME_LOOKS[outcome].css_class}
    if state is not None:
        classes.add(STATE_LOOKS[state].css_class)
    return classes


def _coverage_of(record: EligibilityRecord) -> Coverage | None:
    return record.current or (record.coverages[0] if record.coverages else None)


def period_words(coverage: Coverage, lang: Lang) -> str:
    """「2018-04-01 ～ 2027-03-31」, or "from 2018-04-01 (no end date)" without an end."""
    start = coverage.period_start.isoformat()
    if coverage.period_end is None:
        return t("result.period.open", lang, start=start)
    return t("result.period.range", lang, start=start, end=coverage.period_end.isoformat())


def eligibility_lines(
    record: EligibilityRecord, lang: Lang, *, with_copay: bool = True
) -> list[str]:
    """The eligibility of a confirmed record as label: value lines (``with_copay``
    False: the copay is said with its reasons elsewhere)."""
    lines = [f"{t('result.status', lang)}: {state_words(record.state, lang)}"]
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
    ]
    if with_copay:
        lines.append(f"{t('result.copay', lang)}: {coverage.copay_ratio}%")
    lines.append(
        f"{t('result.period', lang)}: {period_words(coverage, lang)}  "
        + (f"（{status}）" if lang == "ja" else f"({status})")
    )
    return lines


def medications_of(history: MedicationHistory | None) -> list[MedicationDispense]:
    if history is None:
        return []
    return sorted(history.dispenses, key=lambda d: d.dispensed_on, reverse=True)


class ResultView(Vertical):
    DEFAULT_CSS: ClassVar[str] = """
    ResultView #outcome { height: auto; margin-bottom: 1; padding: 0 1; text-style: bold; }
    ResultView #outcome.-outcome-confirmed { background: $success 30%; }
    ResultView #outcome.-outcome-coverage-ended { background: $error 40%; }
    ResultView #outcome.-outcome-newer-coverage { background: $warning 40%; }
    ResultView #outcome.-outcome-no-record { background: $warning 30%; }
    ResultView #outcome.-outcome-several-match { background: $error 30%; }
    ResultView #outcome.-validity-1 { border-left: thick $success; }
    ResultView #outcome.-validity-2 { border-left: thick $error; }
    ResultView #outcome.-validity-3 { border-left: thick $warning; }
    ResultView #outcome.-validity-4 { border-left: thick $warning-darken-2; }
    ResultView #outcome.-validity-5 { border-left: thick $error-darken-2; }
    ResultView #pays, ResultView #guidance { height: auto; margin-top: 1; }
    """

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang

    def compose(self) -> ComposeResult:
        yield Prose("", id="patient")
        yield Prose("", id="outcome")
        yield Prose("", id="eligibility")
        yield Prose("", id="pays")
        yield Prose("", id="guidance")
        yield Prose("", id="medications-title")
        yield Prose("", id="medications-hint")
        yield MedicationList(self._lang, id="medications")

    @property
    def medications(self) -> MedicationList:
        return self.query_one(MedicationList)

    def show(self, result: CheckInResult | None) -> None:
        patient = self.query_one("#patient", Prose)
        banner = self.query_one("#outcome", Prose)
        eligibility = self.query_one("#eligibility", Prose)
        pays = self.query_one("#pays", Prose)
        guidance = self.query_one("#guidance", Prose)
        title = self.query_one("#medications-title", Prose)
        hint = self.query_one("#medications-hint", Prose)
        medications = self.medications
        medications.show([])
        medications.display = False
        hint.show("")
        banner.remove_class(*ALL_CLASSES)
        if result is None:
            patient.show("")
            banner.show("")
            eligibility.show("")
            pays.show("")
            guidance.show("")
            title.show("")
            return
        lang = self._lang
        patient.show(f"{t('result.patient', lang)}: {result.patient_name}")
        record = result.eligibility
        banner.show(next_step(result, lang))
        banner.add_class(*outcome_classes(result.outcome, record.state))
        paid = pays_lines(result, lang)
        eligibility.show("\n".join(eligibility_lines(record, lang, with_copay=not paid)))
        pays.show("\n".join(paid))
        pays.display = bool(paid)
        told = guidance_lines(record, lang)
        guidance.show("\n".join(told))
        guidance.display = bool(told)
        if result.medications_note == "certificate_eligibility_only":
            title.show(t("result.eligibility_only", lang))
            return
        if result.medications_note == NOT_ON_THIS_PATH:  # a 資格確認書: never medications
            title.show(t("numbers.no_medications", lang))
            return
        if not result.consented:
            title.show(t("result.no_consent", lang))
            return
        if result.medications_note:
            title.show(t("result.medications_unavailable", lang))
            return
        dispenses = medications_of(result.medications)
        if not dispenses:
            title.show(t("result.no_medications", lang))
            return
        title.show(t("result.medications.count", lang, count=len(dispenses)))
        hint.show(t("result.medications.scroll", lang))
        medications.display = True
        medications.show(dispenses)

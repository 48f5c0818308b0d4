"""The share the desk charges today, and why.

``copay_decision(coverage, today)`` starts from the qualification's 一部負担割合
and explains it: insured person or dependent, a pre-school child (2割), the
高齢受給者証's own ratio when it is valid today. It then lists what changes the
amount rather than the ratio: the 限度額適用 category (only when the patient
consented to share it), 特定疾病 with their monthly self-pay, and 公費 with their
payer and recipient numbers. Every reason is a text key with parameters, so the
desk can show it in Japanese or English (``clinic_desk.texts``); ``text(lang)``
renders one.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from clinic_desk.domain.cost_share import ConsentFlag, SpecificDiseaseConsent
from clinic_desk.domain.coverage import Coverage, Relationship
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

PRESCHOOL_RATIO = 20


class CopayReason(BaseModel):
    """One line of the explanation: a text key and its parameters (no name, no birthdate)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: TextKey
    params: tuple[tuple[str, str], ...] = ()
    # parameters that are themselves names with a Japanese and an English form
    named: tuple[tuple[str, str, str], ...] = ()
    warning: bool = False

    def text(self, lang: Lang) -> str:
        values: dict[str, object] = dict(self.params)
        for name, ja, en in self.named:
            values[name] = ja if lang == "ja" else en
        if "ratio" in values:
            values["ratio"] = _ratio_text(int(str(values["ratio"])), lang)
        if "record_ratio" in values:
            values["record_ratio"] = _ratio_text(int(str(values["record_ratio"])), lang)
        return t(self.key, lang, **values)


def _ratio_text(percent: int, lang: Lang) -> str:
    return f"{percent // 10}割" if lang == "ja" else f"{percent}%"


def ratio_text(percent: int, lang: Lang) -> str:
    """A copay ratio as the desk says it: 「3割」, "30 %"."""
    return _ratio_text(percent, lang)


def _yen(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}"


class CopayDecision(BaseModel):
    """The ratio to apply (percent of the fee) and the reasons, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ratio: int
    basis: CopayReason
    notes: tuple[CopayReason, ...] = ()

    @property
    def reasons(self) -> tuple[CopayReason, ...]:
        return (self.basis, *self.notes)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(reason.key for reason in self.reasons)

    def lines(self, lang: Lang) -> list[str]:
        return [reason.text(lang) for reason in self.reasons]


def _basis(coverage: Coverage, today: date) -> tuple[int, CopayReason, list[CopayReason]]:
    share = coverage.cost_share
    notes: list[CopayReason] = []
    elderly = share.elderly
    if elderly is not None and elderly.valid_on(today):
        reason = CopayReason(key="copay.elderly", params=(("ratio", str(elderly.ratio)),))
        return elderly.ratio, reason, notes
    if elderly is not None:
        notes.append(CopayReason(key="copay.elderly_not_valid", warning=True))
    if share.preschool:
        reason = CopayReason(key="copay.preschool", params=(("ratio", str(PRESCHOOL_RATIO)),))
        return PRESCHOOL_RATIO, reason, notes
    key: TextKey = (
        "copay.insured" if coverage.relationship is Relationship.INSURED else "copay.dependent"
    )
    ratio = coverage.copay_ratio
    return ratio, CopayReason(key=key, params=(("ratio", str(ratio)),)), notes


def _ceiling_notes(coverage: Coverage, today: date) -> list[CopayReason]:
    share = coverage.cost_share
    if share.ceiling_consent is ConsentFlag.NOT_GIVEN:
        return [CopayReason(key="copay.ceiling_not_consented")]
    ceiling = share.ceiling_shown
    if ceiling is None:
        return []
    if not ceiling.valid_on(today):
        return [CopayReason(key="copay.ceiling_not_valid", warning=True)]
    return [
        CopayReason(
            key="copay.ceiling",
            named=(
                ("category", ceiling.category.ja, ceiling.category.en),
                ("certificate", ceiling.classification.ja, ceiling.classification.en),
            ),
        )
    ]


def _disease_notes(coverage: Coverage, today: date) -> list[CopayReason]:
    share = coverage.cost_share
    if share.specific_disease_consent is SpecificDiseaseConsent.EXPIRED:
        return [CopayReason(key="copay.specific_disease_consent_expired", warning=True)]
    notes = []
    for disease in share.specific_diseases_shown:
        named = (("disease", disease.category.ja, disease.category.en),)
        if not disease.valid_on(today):
            notes.append(CopayReason(key="copay.specific_disease_not_valid", named=named))
            continue
        notes.append(
            CopayReason(
                key="copay.specific_disease",
                params=(("self_pay", _yen(disease.self_pay_yen)),),
                named=named,
            )
        )
    return notes


def _public_expense_notes(coverage: Coverage, today: date) -> list[CopayReason]:
    notes = []
    for expense in coverage.cost_share.public_expenses:
        params = (
            ("payer", expense.payer_number),
            ("recipient", expense.recipient_number or "—"),
        )
        if not expense.valid_on(today):
            notes.append(CopayReason(key="copay.public_expense_not_valid", params=params))
            continue
        key: TextKey
        if expense.self_pay_yen == 0:
            key = "copay.public_expense_no_charge"
        elif expense.self_pay_yen is None:
            key = "copay.public_expense"
        else:
            key = "copay.public_expense_self_pay"
        notes.append(
            CopayReason(key=key, params=(*params, ("self_pay", _yen(expense.self_pay_yen))))
        )
        if not expense.numbers_check:
            notes.append(
                CopayReason(key="copay.public_expense_check_digit", params=params, warning=True)
            )
    return notes


def copay_decision(coverage: Coverage, today: date) -> CopayDecision:
    """The copay ratio the desk applies for ``coverage`` on ``today``, and why."""
    ratio, basis, notes = _basis(coverage, today)
    if ratio != coverage.copay_ratio:
        notes.append(
            CopayReason(
                key="copay.record_ratio_differs",
                params=(("record_ratio", str(coverage.copay_ratio)),),
                warning=True,
            )
        )
    notes += _ceiling_notes(coverage, today)
    notes += _disease_notes(coverage, today)
    notes += _public_expense_notes(coverage, today)
    return CopayDecision(ratio=ratio, basis=basis, notes=tuple(notes))

"""The cost-share items on a FHIR R4 ``Coverage``: one extension per item.

JP Core defines no extension for these items, so they are the desk's own
(``DESK_BASE``, listed in docs/gateway-api.md). Complex items are complex
extensions whose parts are named by relative urls (``ratio``, ``period``, …).
Reading is strict: a known extension in a wrong shape is a FhirFormatError
naming the item, never a value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from clinic_desk.domain.cost_share import (
    Ceiling,
    CeilingCategory,
    CeilingClassification,
    ConsentFlag,
    CostShare,
    ElderlyRecipient,
    PublicExpense,
    SpecificDisease,
    SpecificDiseaseCategory,
    SpecificDiseaseConsent,
)
from clinic_desk.domain.fhir import (
    EXT_CEILING,
    EXT_CEILING_CONSENT,
    EXT_ELDERLY_CERTIFICATE,
    EXT_PRESCHOOL,
    EXT_PUBLIC_EXPENSE,
    EXT_SPECIFIC_DISEASE,
    EXT_SPECIFIC_DISEASE_CONSENT,
    SYSTEM_CEILING_CATEGORY,
    SYSTEM_CEILING_CLASSIFICATION,
    SYSTEM_CEILING_CONSENT,
    SYSTEM_SPECIFIC_DISEASE,
    SYSTEM_SPECIFIC_DISEASE_CONSENT,
    Extension,
    FhirFormatError,
    fhir_date,
)

# --- writing -----------------------------------------------------------------------------


def _period(start: date | None, end: date | None) -> dict[str, Any] | None:
    period: dict[str, str] = {}
    if start:
        period["start"] = start.isoformat()
    if end:
        period["end"] = end.isoformat()
    return {"url": "period", "valuePeriod": period} if period else None


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"system": system, "code": code, "display": display}


def _yen(url: str, amount: int | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"url": url, "valueMoney": {"value": amount, "currency": "JPY"}}


def _complex(url: str, *parts: dict[str, Any] | None) -> dict[str, Any]:
    return {"url": url, "extension": [p for p in parts if p is not None]}


def cost_share_extensions(cost_share: CostShare) -> list[dict[str, Any]]:
    """The extensions that carry ``cost_share`` (ceiling and 特定疾病 only as consented)."""
    sent = cost_share.as_sent()
    out: list[dict[str, Any]] = []
    if sent.preschool:
        out.append({"url": EXT_PRESCHOOL, "valueBoolean": True})
    if sent.elderly:
        e = sent.elderly
        issued = {"url": "issued", "valueDate": e.issued_on.isoformat()} if e.issued_on else None
        out.append(
            _complex(
                EXT_ELDERLY_CERTIFICATE,
                {"url": "ratio", "valueInteger": e.ratio},
                issued,
                _period(e.valid_from, e.valid_to),
            )
        )
    if sent.ceiling_consent is not None:
        flag = sent.ceiling_consent
        display = "同意" if flag is ConsentFlag.GIVEN else "未同意"
        out.append(
            {
                "url": EXT_CEILING_CONSENT,
                "valueCoding": _coding(SYSTEM_CEILING_CONSENT, flag.value, display),
            }
        )
    if sent.ceiling:
        c = sent.ceiling
        out.append(
            _complex(
                EXT_CEILING,
                {
                    "url": "classification",
                    "valueCoding": _coding(
                        SYSTEM_CEILING_CLASSIFICATION, c.classification.value, c.classification.ja
                    ),
                },
                {
                    "url": "category",
                    "valueCoding": _coding(
                        SYSTEM_CEILING_CATEGORY, c.category.value, c.category.ja
                    ),
                },
                _period(c.valid_from, c.valid_to),
            )
        )
    if sent.specific_disease_consent is not None:
        consent = sent.specific_disease_consent
        out.append(
            {
                "url": EXT_SPECIFIC_DISEASE_CONSENT,
                "valueCoding": {"system": SYSTEM_SPECIFIC_DISEASE_CONSENT, "code": consent.value},
            }
        )
    for d in sent.specific_diseases:
        out.append(
            _complex(
                EXT_SPECIFIC_DISEASE,
                {
                    "url": "category",
                    "valueCoding": _coding(
                        SYSTEM_SPECIFIC_DISEASE, d.category.value, d.category.ja
                    ),
                },
                _period(d.valid_from, d.valid_to),
                _yen("selfPay", d.self_pay_yen),
            )
        )
    for p in sent.public_expenses:
        recipient = (
            {"url": "recipient", "valueString": p.recipient_number} if p.recipient_number else None
        )
        out.append(
            _complex(
                EXT_PUBLIC_EXPENSE,
                {"url": "payer", "valueString": p.payer_number},
                recipient,
                _period(p.valid_from, p.valid_to),
                _yen("selfPay", p.self_pay_yen),
            )
        )
    return out


# --- reading -----------------------------------------------------------------------------


class _Parts:
    """The parts of one complex extension, by relative url."""

    def __init__(self, extension: Extension, what: str) -> None:
        self.what = what
        self.parts: dict[str, Extension] = {}
        for part in extension.extension:
            if part.url in self.parts:
                raise FhirFormatError(f"Coverage: {what} has {part.url} twice")
            self.parts[part.url] = part

    def get(self, url: str) -> Extension | None:
        return self.parts.get(url)

    def coding(self, url: str, system: str) -> str:
        part = self.parts.get(url)
        if part is None or part.valueCoding is None or part.valueCoding.system != system:
            raise FhirFormatError(f"Coverage: {self.what} has no {url} coding")
        if part.valueCoding.code is None:
            raise FhirFormatError(f"Coverage: {self.what} {url} has no code")
        return part.valueCoding.code

    def period(self) -> dict[str, date | None]:
        part = self.parts.get("period")
        if part is None:
            return {"valid_from": None, "valid_to": None}
        if part.valuePeriod is None:
            raise FhirFormatError(f"Coverage: {self.what} period has no valuePeriod")
        return {
            "valid_from": fhir_date(part.valuePeriod.start, f"Coverage: {self.what} start"),
            "valid_to": fhir_date(part.valuePeriod.end, f"Coverage: {self.what} end"),
        }

    def yen(self, url: str) -> int | None:
        part = self.parts.get(url)
        if part is None:
            return None
        money = part.valueMoney
        if money is None or money.value is None or money.currency != "JPY":
            raise FhirFormatError(f"Coverage: {self.what} {url} is not an amount in JPY")
        if money.value != int(money.value):
            raise FhirFormatError(f"Coverage: {self.what} {url} is not whole yen")
        return int(money.value)

    def string(self, url: str) -> str | None:
        part = self.parts.get(url)
        if part is None:
            return None
        if part.valueString is None:
            raise FhirFormatError(f"Coverage: {self.what} {url} has no valueString")
        return part.valueString


def _code(kind: Any, code: str, what: str) -> Any:
    try:
        return kind(code)
    except ValueError:
        raise FhirFormatError(f"Coverage: unknown {what} code") from None


def _consent_code(extension: Extension, system: str, what: str) -> str:
    coding = extension.valueCoding
    if coding is None or coding.system != system or coding.code is None:
        raise FhirFormatError(f"Coverage: {what} has no coding")
    return coding.code


def _elderly(extension: Extension) -> ElderlyRecipient:
    parts = _Parts(extension, "elderly-recipient certificate")
    ratio = parts.get("ratio")
    if ratio is None or ratio.valueInteger is None:
        raise FhirFormatError("Coverage: elderly-recipient certificate has no ratio")
    issued = parts.get("issued")
    if issued is not None and issued.valueDate is None:
        raise FhirFormatError("Coverage: elderly-recipient certificate issued has no date")
    return ElderlyRecipient(
        ratio=ratio.valueInteger,
        issued_on=fhir_date(issued.valueDate, f"Coverage: {parts.what} issue date")
        if issued
        else None,
        **parts.period(),
    )


def _ceiling(extension: Extension) -> Ceiling:
    parts = _Parts(extension, "high-cost ceiling")
    return Ceiling(
        classification=_code(
            CeilingClassification,
            parts.coding("classification", SYSTEM_CEILING_CLASSIFICATION),
            "ceiling classification",
        ),
        category=_code(
            CeilingCategory, parts.coding("category", SYSTEM_CEILING_CATEGORY), "ceiling category"
        ),
        **parts.period(),
    )


def _disease(extension: Extension) -> SpecificDisease:
    parts = _Parts(extension, "specific disease")
    return SpecificDisease(
        category=_code(
            SpecificDiseaseCategory,
            parts.coding("category", SYSTEM_SPECIFIC_DISEASE),
            "specific disease",
        ),
        self_pay_yen=parts.yen("selfPay"),
        **parts.period(),
    )


def _public_expense(extension: Extension) -> PublicExpense:
    parts = _Parts(extension, "public expense")
    payer = parts.string("payer")
    if payer is None:
        raise FhirFormatError("Coverage: public expense has no payer number")
    return PublicExpense(
        payer_number=payer,
        recipient_number=parts.string("recipient"),
        self_pay_yen=parts.yen("selfPay"),
        **parts.period(),
    )


def cost_share_from_extensions(extensions: list[Extension]) -> CostShare:
    """Read the cost-share items of a Coverage (absent items stay empty)."""
    items: dict[str, Any] = {}
    diseases: list[SpecificDisease] = []
    expenses: list[PublicExpense] = []
    ceiling: Ceiling | None = None
    try:
        for ext in extensions:
            if ext.url == EXT_PRESCHOOL:
                if ext.valueBoolean is None:
                    raise FhirFormatError("Coverage: preschool has no boolean value")
                items["preschool"] = ext.valueBoolean
            elif ext.url == EXT_ELDERLY_CERTIFICATE:
                items["elderly"] = _elderly(ext)
            elif ext.url == EXT_CEILING_CONSENT:
                code = _consent_code(ext, SYSTEM_CEILING_CONSENT, "ceiling consent")
                items["ceiling_consent"] = _code(ConsentFlag, code, "ceiling consent")
            elif ext.url == EXT_CEILING:
                ceiling = _ceiling(ext)
            elif ext.url == EXT_SPECIFIC_DISEASE_CONSENT:
                code = _consent_code(
                    ext, SYSTEM_SPECIFIC_DISEASE_CONSENT, "specific-disease consent"
                )
                items["specific_disease_consent"] = _code(
                    SpecificDiseaseConsent, code, "specific-disease consent"
                )
            elif ext.url == EXT_SPECIFIC_DISEASE:
                diseases.append(_disease(ext))
            elif ext.url == EXT_PUBLIC_EXPENSE:
                expenses.append(_public_expense(ext))
        # a ceiling the patient did not consent to share is dropped here, whatever was sent
        if ceiling is not None and items.get("ceiling_consent") is ConsentFlag.GIVEN:
            items["ceiling"] = ceiling
        shared = CostShare(
            **items, specific_diseases=tuple(diseases), public_expenses=tuple(expenses)
        )
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "items"
        raise FhirFormatError(f"Coverage: cost-share item {where} is not valid") from None
    return shared.as_sent()

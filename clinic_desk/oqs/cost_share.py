"""The terminal's cost-share items → the domain's ``CostShare`` (what the FHIR backend
fills from its extensions), so the copay rules and the screens read one model.

What cannot be carried is left out of the domain model and stays, as written, in
``models.CostShare``: an unknown category, a ratio other than 1, 2 or 3割, a period
that ends before it starts, a 公費 ticket without an 8-digit 公費負担者番号.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from clinic_desk.domain import cost_share as d
from clinic_desk.oqs.codes import Consent
from clinic_desk.oqs.models import CostShare, QualificationResult

PRESCHOOL = "1"  # 未就学区分: 1 = a child before school [P]
_MAX_YEN = 1_000_000


def yen(raw: str | None) -> int | None:
    """ "15000" → 15000; None when absent, not a whole number, or beyond any limit."""
    value = (raw or "").strip().replace(",", "")
    if not value or not value.isascii() or not value.isdigit() or len(value) > 7:
        return None
    amount = int(value)
    return amount if amount <= _MAX_YEN else None


def _ordered(start: date | None, end: date | None) -> bool:
    return start is None or end is None or start <= end


def _elderly(share: CostShare) -> d.ElderlyRecipient | None:
    info = share.elderly
    if info is None or info.contribution_percent not in d.ELDERLY_RATIOS:
        return None
    if not _ordered(info.valid_from, info.valid_to):
        return None
    return d.ElderlyRecipient(
        ratio=info.contribution_percent,
        valid_from=info.valid_from,
        valid_to=info.valid_to,
        issued_on=info.certificate_date,
    )


def _ceiling(share: CostShare) -> d.Ceiling | None:
    limit = share.limit
    if limit is None or limit.category is None or limit.category.value is None:
        return None
    if not _ordered(limit.valid_from, limit.valid_to):
        return None
    classification = limit.classification.value if limit.classification else None
    return d.Ceiling(
        classification=classification or d.CeilingClassification.CEILING,
        category=limit.category.value,
        valid_from=limit.valid_from,
        valid_to=limit.valid_to,
    )


def _diseases(share: CostShare) -> tuple[d.SpecificDisease, ...]:
    return tuple(
        d.SpecificDisease(
            category=item.category.value,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
            self_pay_yen=yen(item.self_pay),
        )
        for item in share.specific_diseases
        if item.category is not None
        and item.category.value is not None
        and _ordered(item.valid_from, item.valid_to)
    )


def _public_expenses(result: QualificationResult) -> tuple[d.PublicExpense, ...]:
    """医療扶助 tickets: the result's numbers name the payer and the recipient [P]."""
    tickets = result.cost_share.medical_tickets
    payer = (result.insurer_number or "").strip()
    if not tickets or len(payer) != 8 or not payer.isascii() or not payer.isdigit():
        return ()
    recipient = (result.number or "").strip()
    if not (len(recipient) == 7 and recipient.isascii() and recipient.isdigit()):
        recipient = ""
    return tuple(
        d.PublicExpense(
            payer_number=payer,
            recipient_number=recipient or None,
            valid_from=ticket.valid_from,
            valid_to=ticket.valid_to,
            self_pay_yen=yen(ticket.self_pay),
        )
        for ticket in tickets
        if _ordered(ticket.valid_from, ticket.valid_to)
    )


def domain_cost_share(result: QualificationResult) -> d.CostShare:
    """The domain's cost share of one result (empty items where nothing maps)."""
    share = result.cost_share
    limit_consent = share.limit_consent.value if share.limit_consent else None
    disease_consent = share.specific_disease_consent
    try:
        return d.CostShare(
            preschool=(share.preschool or "").strip() == PRESCHOOL,
            elderly=_elderly(share),
            ceiling_consent=(
                d.ConsentFlag(limit_consent.value) if isinstance(limit_consent, Consent) else None
            ),
            ceiling=_ceiling(share),
            specific_disease_consent=disease_consent.value if disease_consent else None,
            specific_diseases=_diseases(share),
            public_expenses=_public_expenses(result),
        )
    except ValidationError:  # bounded by the parser already: a guard, not a path
        return d.CostShare()

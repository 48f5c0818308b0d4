"""The terminal's cost-share items land in the domain's ``CostShare`` (as the FHIR
backend's do), 公費 (医療扶助) tickets included; what cannot be carried is left out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clinic_desk.domain.copay import copay_decision
from clinic_desk.domain.cost_share import (
    CeilingCategory,
    CeilingClassification,
    ConsentFlag,
    SpecificDiseaseCategory,
)
from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.mapping import NumberLookup, to_lookup
from clinic_desk.oqs.qualification import parse_qualification
from tests.oqs import samples

TICKETS = """
  <PublicExpenseResultList>
    <MedicalTicketInfo>
      <TicketType>1</TicketType>
      <MedicalTicketValidDate>20260401</MedicalTicketValidDate>
      <MedicalTicketExpirationDate>20260430</MedicalTicketExpirationDate>
      <IssueNumber>000123</IssueNumber>
      <MedicalTreatmentMonth>202604</MedicalTreatmentMonth>
      <SelfPayAmount>{self_pay}</SelfPayAmount>
      <SingleOrCombinedUse>1</SingleOrCombinedUse>
    </MedicalTicketInfo>
  </PublicExpenseResultList>
</ResultOfQualificationConfirmation>"""


def _lookup(xml: str) -> NumberLookup:
    response = parse_qualification(xml.encode())
    return to_lookup(response, "desk0001", datetime(2026, 4, 10, tzinfo=UTC))


def _welfare(self_pay: str = "0", tickets: int = 1, insurer: str = "12136017") -> str:
    xml = samples.qualification().replace("<InsurerNumber>  138149", f"<InsurerNumber>{insurer}")
    xml = xml.replace("<InsuredIdentificationNumber>0042", "<InsuredIdentificationNumber>1234566")
    block = TICKETS.format(self_pay=self_pay)
    if tickets > 1:
        ticket = block[
            block.index("<MedicalTicketInfo>") : block.index("</PublicExpenseResultList>")
        ]
        block = block.replace(ticket, ticket * tickets)
    return xml.replace("</ResultOfQualificationConfirmation>", block, 1)


def test_items_reach_the_domain_cost_share() -> None:
    coverage = _lookup(samples.qualification()).eligibility.coverages[0]
    share = coverage.cost_share
    assert share.elderly is not None and share.elderly.ratio == 20
    assert share.elderly.valid_from == date(2025, 1, 1)
    assert share.ceiling_consent is ConsentFlag.GIVEN
    assert share.ceiling is not None
    assert share.ceiling.category is CeilingCategory.A03
    assert share.ceiling.classification is CeilingClassification.CEILING
    assert coverage.ceiling_category == CeilingCategory.A03.ja == "区分ウ"
    # the unknown disease category (7) stays out of the domain, the known one maps
    assert [d.category for d in share.specific_diseases] == [SpecificDiseaseCategory.DIALYSIS]
    assert share.specific_diseases[0].self_pay_yen == 10000
    assert share.public_expenses == ()


def test_a_category_from_seventy_reads_as_the_domain_names_it() -> None:
    coverage = _lookup(samples.qualification(category="B01")).eligibility.coverages[0]
    assert coverage.cost_share.ceiling is not None
    assert coverage.cost_share.ceiling.category.from_seventy
    assert coverage.ceiling_category == "現役並みⅢ"


def test_an_unknown_ceiling_category_is_left_out_not_guessed() -> None:
    found = _lookup(samples.qualification(category="Z99"))
    coverage = found.eligibility.coverages[0]
    assert coverage.cost_share.ceiling is None and coverage.ceiling_category is None
    raw = next(iter(found.cost_shares.values()))
    assert raw.limit is not None and raw.limit.category is not None
    assert raw.limit.category.label == "unknown (Z99)"


def test_welfare_tickets_become_public_expenses() -> None:
    found = _lookup(_welfare(self_pay="2500"))
    coverage = found.eligibility.coverages[0]
    (expense,) = coverage.cost_share.public_expenses
    assert expense.payer_number == "12136017"
    assert expense.law_number == "12"
    assert expense.recipient_number == "1234566"
    assert (expense.valid_from, expense.valid_to) == (date(2026, 4, 1), date(2026, 4, 30))
    assert expense.self_pay_yen == 2500
    raw = next(iter(found.cost_shares.values())).medical_tickets[0]
    assert raw.issue_number == "000123" and raw.treatment_month == "202604"
    # the copay rules read the same model as for the FHIR backend
    decision = copay_decision(coverage, date(2026, 4, 10))
    assert "copay.public_expense_self_pay" in decision.keys


@pytest.mark.parametrize("self_pay", ["abc", "-1", "99999999", ""])
def test_a_self_pay_that_is_not_an_amount_is_left_empty(self_pay: str) -> None:
    (expense,) = (
        _lookup(_welfare(self_pay=self_pay)).eligibility.coverages[0].cost_share.public_expenses
    )
    assert expense.self_pay_yen is None


def test_tickets_without_an_eight_digit_payer_are_not_guessed() -> None:
    share = _lookup(_welfare(insurer="  138149")).eligibility.coverages[0].cost_share
    assert share.public_expenses == ()


def test_too_many_tickets_is_one_format_error() -> None:
    with pytest.raises(OqsFormatError, match="MedicalTicketInfo"):
        _lookup(_welfare(tickets=9))

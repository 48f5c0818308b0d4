"""Domain records for driving the check-in machine in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from clinic_desk.domain.coverage import (
    Coverage,
    CoverageStatus,
    EligibilityRecord,
    Relationship,
    ValidityState,
)
from clinic_desk.domain.medication import MedicationDispense, MedicationHistory

CHECKED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def coverage(
    validity: ValidityState = ValidityState.VALID,
    *,
    ident: str = "c1",
    insurer_number: str = "06139999",
    insurer_name: str = "東京都国民健康保険",
    symbol: str = "52",
    number: str = "3301",
) -> Coverage:
    ended = validity is not ValidityState.VALID
    return Coverage(
        id=ident,
        insurer_number=insurer_number,
        insurer_name=insurer_name,
        symbol=symbol,
        number=number,
        branch="00",
        relationship=Relationship.INSURED,
        copay_ratio=30,
        period_start=date(2018, 4, 1),
        period_end=date(2025, 3, 31) if ended else None,
        status=CoverageStatus.CANCELLED if ended else CoverageStatus.ACTIVE,
        validity=validity,
    )


def eligibility(
    *validities: ValidityState, patient_id: str = "p1", **fields: str
) -> EligibilityRecord:
    """A record whose coverages have ``validities`` (its state is derived from them)."""
    coverages = tuple(
        coverage(v, ident=f"c{i}", **fields)
        for i, v in enumerate(validities or (ValidityState.VALID,), start=1)
    )
    return EligibilityRecord.from_coverages(patient_id, coverages, CHECKED_AT)


def history(*drugs: str, patient_id: str = "p1") -> MedicationHistory:
    dispenses = tuple(
        MedicationDispense(id=f"d{i}", dispensed_on=date(2026, 11, 1 + i), drug_name=drug)
        for i, drug in enumerate(drugs)
    )
    return MedicationHistory(patient_id=patient_id, dispenses=dispenses, fetched_at=CHECKED_AT)

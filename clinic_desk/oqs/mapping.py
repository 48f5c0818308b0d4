"""From the terminal's qualification answer to the domain's records.

The result is the same ``PatientRecord`` and ``EligibilityRecord`` the FHIR backend
produces, so the identity gate, the cache and the screens need nothing new:

- validity is the answer's QualificationValidity, never better: a 有効 answer with
  no result is 該当資格なし, with several results 複数該当 (the mislink signature);
- kana arrives half-width and becomes full-width katakana with U+3000, as the FHIR
  records spell it; the raw text stays in ``QualificationResult``;
- the insurer number loses its padding (leading spaces, or "00" before a 6-digit
  number: 法別番号 00 does not exist).

An answer that says 有効 must map completely; anything the domain cannot hold (an
unknown relationship code, a share other than 1, 2 or 3割) is an OqsFormatError
naming the item and its "unknown (code)". A result of an answer that is not 有効 and
cannot be mapped is left out: it is never shown as confirmed anyway.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from clinic_desk.domain.coverage import (
    COPAY_RATIOS,
    Coverage,
    CoverageStatus,
    EligibilityRecord,
    Relationship,
    ValidityState,
)
from clinic_desk.domain.patient import IDEOGRAPHIC_SPACE, Gender, PatientRecord
from clinic_desk.oqs.codes import Consent, PersonalFamily, Sex
from clinic_desk.oqs.cost_share import domain_cost_share
from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.models import CostShare, QualificationResponse, QualificationResult

_INSURER = re.compile(r"[0-9]{6}|[0-9]{8}")
_BRANCH = re.compile(r"[0-9]{2}")
_ID_SAFE = re.compile(r"[^A-Za-z0-9\-.]")


def normalise_insurer_number(raw: str | None) -> str | None:
    """ "  123456" or "00123456" → "123456"; "01130012" stays; None if not a number."""
    if raw is None:
        return None
    value = raw.strip()
    if len(value) == 8 and value.startswith("00"):
        value = value[2:]
    return value if value.isascii() and _INSURER.fullmatch(value) else None


def full_width_kana(raw: str | None) -> str | None:
    """ﾔﾏﾀﾞ ﾀﾛｳ → ヤマダ　タロウ (NFKC joins the half-width voiced marks)."""
    if raw is None or not raw.strip():
        return None
    folded = unicodedata.normalize("NFKC", raw.strip())
    return re.sub(r"\s+", IDEOGRAPHIC_SPACE, folded)


def record_id(file_id: str) -> str:
    """A FHIR-safe id for records built from the answer to ``file_id``."""
    return ("oqs-" + _ID_SAFE.sub("-", file_id))[:56]


_GENDERS = {Sex.MALE: Gender.MALE, Sex.FEMALE: Gender.FEMALE}
_RELATIONSHIPS = {
    PersonalFamily.INSURED: Relationship.INSURED,
    PersonalFamily.DEPENDENT: Relationship.DEPENDENT,
}


def to_patient(result: QualificationResult, patient_id: str) -> PatientRecord:
    """The person a result names; OqsFormatError without a name or a birthdate."""
    if not result.name or not result.name.strip():
        raise OqsFormatError("The qualification result has no Name.")
    if result.birthdate is None:
        raise OqsFormatError("The qualification result has no Birthdate.")
    sex = result.sex1.value if result.sex1 else None
    try:
        return PatientRecord(
            id=patient_id,
            name=result.name.strip(),
            kana_name=full_width_kana(result.name_kana),
            birthdate=result.birthdate,
            gender=_GENDERS.get(sex, Gender.UNKNOWN) if sex else Gender.UNKNOWN,
        )
    except ValidationError:
        raise OqsFormatError("The qualification result's person cannot be read.") from None


def ceiling_category(share: CostShare) -> str | None:
    """限度額適用区分 as the domain writes it ("区分ウ"), only with the patient's consent."""
    if share.limit_consent is None or share.limit_consent.value is not Consent.CONSENTED:
        return None
    if share.limit is None or share.limit.category is None or share.limit.category.value is None:
        return None
    return share.limit.category.value.ja


def to_coverage(result: QualificationResult, validity: ValidityState, coverage_id: str) -> Coverage:
    """One result as a domain ``Coverage``; OqsFormatError names what cannot be mapped."""
    insurer = normalise_insurer_number(result.insurer_number)
    if insurer is None:
        raise OqsFormatError("The qualification result's InsurerNumber is not 6 or 8 digits.")
    if not result.number or not result.number.strip():
        raise OqsFormatError("The qualification result has no InsuredIdentificationNumber.")
    share = result.cost_share
    relation = share.relationship
    if relation is None or relation.value is None:
        shown = relation.label if relation else "missing"
        raise OqsFormatError(f"PersonalFamilyClassification is {shown}.", code="unknown-code")
    if share.contribution_percent not in COPAY_RATIOS:
        raise OqsFormatError(
            f"InsuredPartialContributionRatio is {share.contribution_ratio or 'missing'!s}, "
            "not 1, 2 or 3割.",
            code="unknown-code",
        )
    start = result.qualification_date or result.card_valid_date
    if start is None:
        raise OqsFormatError("The qualification result has no QualificationDate.")
    branch = (result.branch or "").strip()
    if validity is ValidityState.VALID:
        status = CoverageStatus.ACTIVE
    elif validity in (ValidityState.INVALID, ValidityState.INVALID_NEWER_EXISTS):
        status = CoverageStatus.CANCELLED
    else:
        status = CoverageStatus.ACTIVE
    try:
        return Coverage(
            id=coverage_id,
            insurer_number=insurer,
            insurer_name=(result.insurer_name or "").strip() or insurer,
            symbol=(result.symbol or "").strip() or None,
            number=result.number.strip(),
            branch=branch if _BRANCH.fullmatch(branch) else None,
            relationship=_RELATIONSHIPS[relation.value],
            copay_ratio=share.contribution_percent,
            period_start=start,
            period_end=result.disqualification_date,
            status=status,
            validity=validity,
            elderly_recipient=share.elderly is not None,
            ceiling_category=ceiling_category(share),
            cost_share=domain_cost_share(result),
        )
    except ValidationError:
        raise OqsFormatError("The qualification result cannot be read as a coverage.") from None


def answer_validity(response: QualificationResponse) -> ValidityState:
    """The answer's QualificationValidity as the domain's state; OqsFormatError when it
    is missing or unknown (it must never default to 有効)."""
    validity = response.validity
    if validity is None or validity.value is None:
        shown = validity.label if validity else "missing"
        raise OqsFormatError(f"QualificationValidity is {shown}.", code="unknown-code")
    return ValidityState(int(validity.value))


class NumberLookup(BaseModel):
    """One qualification answer, mapped: what the number-lookup stage hands the gate.

    ``patient`` is set only when the answer names exactly one person; ``cost_shares``
    maps each coverage id to the items the domain has no place for yet.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file_id: str
    response: QualificationResponse
    patient: PatientRecord | None
    eligibility: EligibilityRecord
    cost_shares: dict[str, CostShare] = {}

    def __repr__(self) -> str:
        return f"NumberLookup(file_id={self.file_id!r}, state={self.eligibility.state.value})"

    __str__ = __repr__


def to_lookup(response: QualificationResponse, file_id: str, checked_at: datetime) -> NumberLookup:
    validity = answer_validity(response)
    patient_id = record_id(file_id)
    coverages: list[Coverage] = []
    shares: dict[str, CostShare] = {}
    for index, result in enumerate(response.results, start=1):
        coverage_id = f"{patient_id}-{index}"
        try:
            coverage = to_coverage(result, validity, coverage_id)
        except OqsFormatError:
            if validity is ValidityState.VALID:
                raise
            continue
        coverages.append(coverage)
        shares[coverage_id] = result.cost_share
    if validity is ValidityState.VALID:
        state = EligibilityRecord.derive_state(tuple(coverages))
    else:
        state = validity
    patient: PatientRecord | None = None
    if len(response.results) == 1:
        try:
            patient = to_patient(response.results[0], patient_id)
        except OqsFormatError:
            if validity is ValidityState.VALID:
                raise
    eligibility = EligibilityRecord(
        patient_id=patient_id, state=state, coverages=tuple(coverages), checked_at=checked_at
    )
    return NumberLookup(
        file_id=file_id,
        response=response,
        patient=patient,
        eligibility=eligibility,
        cost_shares=shares,
    )


__all__ = [
    "NumberLookup",
    "answer_validity",
    "full_width_kana",
    "normalise_insurer_number",
    "to_coverage",
    "to_lookup",
    "to_patient",
]

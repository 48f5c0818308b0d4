"""Insurance eligibility (資格情報): FHIR ``Coverage`` and the national validity states."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.bundle import bundle_resources, searchset
from clinic_desk.domain.cost_share import CostShare
from clinic_desk.domain.cost_share_fhir import cost_share_extensions, cost_share_from_extensions
from clinic_desk.domain.fhir import (
    EXT_CEILING_CATEGORY,
    EXT_ELDERLY_RECIPIENT,
    EXT_INSURED_NUMBER,
    EXT_INSURED_SUBNUMBER,
    EXT_INSURED_SYMBOL,
    EXT_NEWER_QUALIFICATION,
    EXT_VALIDITY,
    SYSTEM_COPAY_TYPE,
    SYSTEM_INSURER_NUMBER,
    SYSTEM_RELATIONSHIP,
    SYSTEM_UCUM,
    SYSTEM_VALIDITY,
    CodeableConcept,
    Extension,
    FhirFormatError,
    Period,
    Quantity,
    Reference,
    Wire,
    check_resource_type,
    extension_value,
    fhir_date,
    parse_wire,
    reference_id,
)
from clinic_desk.domain.validity import (
    NewerQualification,
    ValidityGuidance,
    validity_guidance,
)
from clinic_desk.domain.validity import (
    ValidityState as ValidityState,  # re-exported: where it was defined first
)


class CoverageStatus(StrEnum):
    """FHIR ``Coverage.status``; a lost qualification (資格喪失) is ``cancelled``."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    DRAFT = "draft"
    ENTERED_IN_ERROR = "entered-in-error"


class Relationship(StrEnum):
    """Insured person (本人) or dependent (家族)."""

    INSURED = "insured"
    DEPENDENT = "dependent"


# subscriber-relationship codes that mean a dependent; "self" is the insured person
_DEPENDENT_CODES = frozenset({"spouse", "child", "parent", "common", "other", "injured"})
COPAY_RATIOS = frozenset({10, 20, 30})


class _Coverage(Wire):
    resourceType: str
    id: str = Field(min_length=1)
    extension: list[Extension] = Field(default_factory=list)
    status: str
    subscriberId: str | None = None
    beneficiary: Reference
    dependent: str | None = None
    relationship: CodeableConcept | None = None
    period: Period | None = None
    payor: list[Reference] = Field(min_length=1)
    costToBeneficiary: list[_Cost] = Field(default_factory=list)


class _Cost(Wire):
    type: CodeableConcept | None = None
    valueQuantity: Quantity | None = None


_Coverage.model_rebuild()


class Coverage(BaseModel):
    """One insurance qualification as the check answered it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    insurer_number: str = Field(pattern=r"^([0-9]{6}|[0-9]{8})$")
    insurer_name: str = Field(min_length=1)
    symbol: str | None = None
    number: str = Field(min_length=1)
    branch: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    relationship: Relationship
    copay_ratio: int = Field(description="percent the patient pays: 10, 20 or 30")
    period_start: date
    period_end: date | None = None
    status: CoverageStatus
    validity: ValidityState
    elderly_recipient: bool = Field(default=False, description="高齢受給者 (aged 70–74)")
    ceiling_category: str | None = Field(
        default=None,
        max_length=16,
        description="限度額適用区分, present only when the patient agreed to share it",
    )
    cost_share: CostShare = Field(
        default_factory=CostShare, description="what the patient pays (cost_share.py)"
    )
    newer_qualification: NewerQualification | None = Field(
        default=None, description="validity 3 only: what the answer says of the newer one"
    )

    def model_post_init(self, __context: Any) -> None:
        if self.copay_ratio not in COPAY_RATIOS:
            raise ValueError("copay_ratio must be 10, 20 or 30")
        if self.newer_qualification and self.validity is not ValidityState.INVALID_NEWER_EXISTS:
            raise ValueError("only a validity-3 qualification names a newer one")

    def __repr__(self) -> str:
        return f"Coverage(id={self.id}, validity={self.validity.value})"

    __str__ = __repr__

    def to_fhir(self, beneficiary_ref: str) -> dict[str, Any]:
        """The FHIR R4 ``Coverage`` (JP Core extensions for symbol, number and branch)."""
        extensions: list[dict[str, Any]] = []
        if self.symbol:
            extensions.append({"url": EXT_INSURED_SYMBOL, "valueString": self.symbol})
        extensions.append({"url": EXT_INSURED_NUMBER, "valueString": self.number})
        if self.branch:
            extensions.append({"url": EXT_INSURED_SUBNUMBER, "valueString": self.branch})
        extensions.append(
            {
                "url": EXT_VALIDITY,
                "valueCoding": {
                    "system": SYSTEM_VALIDITY,
                    "code": str(self.validity.value),
                    "display": self.validity.label,
                },
            }
        )
        if self.elderly_recipient:
            extensions.append({"url": EXT_ELDERLY_RECIPIENT, "valueBoolean": True})
        if self.ceiling_category:
            extensions.append({"url": EXT_CEILING_CATEGORY, "valueString": self.ceiling_category})
        extensions += cost_share_extensions(self.cost_share)
        if self.newer_qualification:
            extensions.append(self.newer_qualification.to_extension())
        relationship = "self" if self.relationship is Relationship.INSURED else "other"
        period: dict[str, str] = {"start": self.period_start.isoformat()}
        if self.period_end:
            period["end"] = self.period_end.isoformat()
        resource: dict[str, Any] = {
            "resourceType": "Coverage",
            "id": self.id,
            "extension": extensions,
            "status": self.status.value,
            "subscriberId": self.number,
            "beneficiary": {"reference": beneficiary_ref},
            "relationship": {"coding": [{"system": SYSTEM_RELATIONSHIP, "code": relationship}]},
            "period": period,
            "payor": [
                {
                    "type": "Organization",
                    "identifier": {"system": SYSTEM_INSURER_NUMBER, "value": self.insurer_number},
                    "display": self.insurer_name,
                }
            ],
            "costToBeneficiary": [
                {
                    "type": {"coding": [{"system": SYSTEM_COPAY_TYPE, "code": "copaypct"}]},
                    "valueQuantity": {
                        "value": self.copay_ratio,
                        "unit": "%",
                        "system": SYSTEM_UCUM,
                        "code": "%",
                    },
                }
            ],
        }
        if self.branch:
            resource["dependent"] = self.branch
        return resource

    @classmethod
    def from_fhir(cls, payload: Any) -> tuple[Coverage, str]:
        """Read a FHIR ``Coverage``; returns it and the beneficiary's Patient id."""
        check_resource_type(payload, "Coverage")
        wire = parse_wire(_Coverage, payload, "Coverage")
        if wire.beneficiary.reference is None:
            raise FhirFormatError("Coverage: beneficiary has no reference")
        patient_id = reference_id(wire.beneficiary.reference, "Patient")

        def text(url: str) -> str | None:
            found = extension_value(wire.extension, url)
            return found.valueString if found else None

        validity_ext = extension_value(wire.extension, EXT_VALIDITY)
        if validity_ext is None or validity_ext.valueCoding is None:
            raise FhirFormatError("Coverage: the validity state is missing")
        coding = validity_ext.valueCoding
        if coding.system != SYSTEM_VALIDITY or coding.code not in {"1", "2", "3", "4", "5"}:
            raise FhirFormatError("Coverage: unknown validity state code")
        try:
            status = CoverageStatus(wire.status)
        except ValueError:
            raise FhirFormatError("Coverage: unknown status code") from None

        relationship_code = (
            wire.relationship.code_in(SYSTEM_RELATIONSHIP) if wire.relationship else None
        )
        if relationship_code == "self":
            relationship = Relationship.INSURED
        elif relationship_code in _DEPENDENT_CODES:
            relationship = Relationship.DEPENDENT
        else:
            raise FhirFormatError("Coverage: unknown or missing relationship code")

        payor = wire.payor[0]
        if (
            payor.identifier is None
            or payor.identifier.system != SYSTEM_INSURER_NUMBER
            or not payor.identifier.value
        ):
            raise FhirFormatError("Coverage: payor has no insurer number")
        copay: int | None = None
        for cost in wire.costToBeneficiary:
            if cost.type and cost.type.code_in(SYSTEM_COPAY_TYPE) == "copaypct":
                if cost.valueQuantity is None or cost.valueQuantity.value is None:
                    raise FhirFormatError("Coverage: copay ratio has no value")
                copay = int(cost.valueQuantity.value)
                if copay != cost.valueQuantity.value or copay not in COPAY_RATIOS:
                    raise FhirFormatError("Coverage: copay ratio is not 10, 20 or 30 %")
        if copay is None:
            raise FhirFormatError("Coverage: copay ratio is missing")
        number = text(EXT_INSURED_NUMBER) or wire.subscriberId
        if not number:
            raise FhirFormatError("Coverage: insured person's number is missing")
        elderly = extension_value(wire.extension, EXT_ELDERLY_RECIPIENT)
        if elderly is not None and elderly.valueBoolean is None:
            raise FhirFormatError("Coverage: elderly-recipient has no boolean value")
        start = fhir_date(wire.period.start if wire.period else None, "Coverage: period start")
        if start is None:
            raise FhirFormatError("Coverage: period start is missing")
        newer = extension_value(wire.extension, EXT_NEWER_QUALIFICATION)
        cost_share = cost_share_from_extensions(wire.extension)
        newer_qualification = NewerQualification.from_extension(newer) if newer else None
        try:
            coverage = cls(
                id=wire.id,
                insurer_number=payor.identifier.value,
                insurer_name=payor.display or "",
                symbol=text(EXT_INSURED_SYMBOL),
                number=number,
                branch=text(EXT_INSURED_SUBNUMBER) or wire.dependent,
                relationship=relationship,
                copay_ratio=copay,
                period_start=start,
                period_end=fhir_date(
                    wire.period.end if wire.period else None, "Coverage: period end"
                ),
                status=status,
                validity=ValidityState(int(coding.code)),
                elderly_recipient=bool(elderly and elderly.valueBoolean),
                ceiling_category=text(EXT_CEILING_CATEGORY),
                cost_share=cost_share,
                newer_qualification=newer_qualification,
            )
        except ValueError as exc:
            fields = ", ".join(
                ".".join(str(p) for p in err["loc"]) for err in getattr(exc, "errors", list)()
            )
            raise FhirFormatError(f"Coverage: invalid items ({fields or 'values'})") from None
        return coverage, patient_id


class EligibilityRecord(BaseModel):
    """The answer of one eligibility check for one Patient.

    ``state`` is derived, never chosen: no coverage is NOT_FOUND; a coverage
    saying SEVERAL_MATCH, or more than one valid coverage, is SEVERAL_MATCH (the
    desk must route it to review, never pick one); one valid coverage is VALID.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    state: ValidityState
    coverages: tuple[Coverage, ...] = ()
    checked_at: datetime

    def __repr__(self) -> str:
        return f"EligibilityRecord(state={self.state.value}, coverages={len(self.coverages)})"

    __str__ = __repr__

    @property
    def current(self) -> Coverage | None:
        """The one valid coverage, when the state is VALID."""
        if self.state is not ValidityState.VALID:
            return None
        return next(c for c in self.coverages if c.validity is ValidityState.VALID)

    def guidance(self) -> ValidityGuidance:
        """What staff tell the patient for this record's state (state 3: the newer one)."""
        newer = next((c.newer_qualification for c in self.coverages if c.newer_qualification), None)
        return validity_guidance(self.state, newer)

    @staticmethod
    def derive_state(coverages: tuple[Coverage, ...]) -> ValidityState:
        if not coverages:
            return ValidityState.NOT_FOUND
        states = [c.validity for c in coverages]
        valid = states.count(ValidityState.VALID)
        if ValidityState.SEVERAL_MATCH in states or valid > 1:
            return ValidityState.SEVERAL_MATCH
        if valid == 1:
            return ValidityState.VALID
        if ValidityState.INVALID_NEWER_EXISTS in states:
            return ValidityState.INVALID_NEWER_EXISTS
        if ValidityState.NOT_FOUND in states:
            return ValidityState.NOT_FOUND
        return ValidityState.INVALID

    @classmethod
    def from_coverages(
        cls, patient_id: str, coverages: tuple[Coverage, ...], checked_at: datetime
    ) -> EligibilityRecord:
        return cls(
            patient_id=patient_id,
            state=cls.derive_state(coverages),
            coverages=coverages,
            checked_at=checked_at,
        )

    @classmethod
    def from_fhir_bundle(
        cls, payload: Any, patient_id: str, checked_at: datetime
    ) -> EligibilityRecord:
        """Read a ``Bundle`` of Coverage for ``patient_id``.

        Raises FhirFormatError on a wrong shape, an unknown code, or a
        Coverage for another Patient.
        """
        return cls.from_fhir_bundles([payload], patient_id, checked_at)

    @classmethod
    def from_fhir_bundles(
        cls, pages: list[Any], patient_id: str, checked_at: datetime
    ) -> EligibilityRecord:
        """Read every page of a Coverage search (a Coverage seen twice counts once)."""
        coverages: dict[str, Coverage] = {}
        for payload in pages:
            for resource in bundle_resources(payload, "Coverage"):
                coverage, beneficiary = Coverage.from_fhir(resource)
                if beneficiary != patient_id:
                    raise FhirFormatError("Coverage: beneficiary is not the Patient asked about")
                coverages.setdefault(coverage.id, coverage)
        return cls.from_coverages(patient_id, tuple(coverages.values()), checked_at)

    def to_fhir_bundle(self, base_url: str, self_url: str) -> dict[str, Any]:
        """This record as a FHIR ``searchset`` Bundle (``base_url``: the FHIR base)."""
        ref = f"Patient/{self.patient_id}"
        return searchset(
            [c.to_fhir(ref) for c in self.coverages],
            total=len(self.coverages),
            base_url=base_url,
            self_url=self_url,
        )

"""Re-verifying an offline visit on the wire: ``POST /fhir/Coverage/$reverify``.

The desk asks, without the card, what the gateway links a card to today: the
request names the card by the SHA-256 of its user-authentication certificate
(how the desk keys cards) and the time of the offline check-in; the answer is a
``collection`` Bundle with the linked ``Patient`` and its ``Coverage`` resources,
in the same shapes as the card-bound reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from clinic_desk.domain.coverage import Coverage, EligibilityRecord
from clinic_desk.domain.fhir import FhirFormatError, Wire, check_resource_type, parse_wire
from clinic_desk.domain.parameters import read_parameters, required
from clinic_desk.domain.patient import PatientRecord

REVERIFY_PATH = "/fhir/Coverage/$reverify"


class VisitAttention(BaseModel):
    """An offline visit whose re-check did not confirm it: staff must look at its claim.

    Codes and times only (no personal data), so the counter can show it at once.
    """

    model_config = ConfigDict(frozen=True)

    visit_id: str
    checked_in_at: datetime
    status: Literal["changed", "rejected"]
    changed: tuple[str, ...] = ()  # the coverage fields that differ (changed)
    flagged: bool = False  # a flag for the manager was raised (rejected)


class _Entry(Wire):
    fullUrl: str | None = None
    resource: dict[str, Any]


class _Collection(Wire):
    resourceType: str
    type: str
    entry: list[_Entry] = Field(default_factory=list)


def _instant_text(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


class ReverifyRequest(BaseModel):
    """Which card to re-check, and when it was checked in offline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    checked_in_at: AwareDatetime

    def to_fhir(self) -> dict[str, Any]:
        """The FHIR R4 ``Parameters`` body."""
        return {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "certificateSha256", "valueString": self.certificate_sha256},
                {"name": "checkedInAt", "valueInstant": _instant_text(self.checked_in_at)},
            ],
        }

    @classmethod
    def from_fhir(cls, payload: Any) -> ReverifyRequest:
        """Read the ``Parameters`` body; raises FhirFormatError when it is not usable."""
        what = "re-verification request"
        params = read_parameters(payload, what)
        fingerprint: str = required(params, "certificateSha256", "valueString", what)
        checked_in: str = required(params, "checkedInAt", "valueInstant", what)
        try:
            at = datetime.fromisoformat(checked_in.replace("Z", "+00:00"))
            return cls(certificate_sha256=fingerprint, checked_in_at=at)
        except ValueError:
            raise FhirFormatError(
                f"{what}: certificateSha256 must be 64 lowercase hex digits and checkedInAt "
                "an instant with a time zone"
            ) from None


class Reverification(BaseModel):
    """What the gateway links the card to today: the Patient and its eligibility.

    Nothing here is confirmed: the desk compares it with what the patient confirmed
    at the offline visit before it believes any of it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient: PatientRecord
    eligibility: EligibilityRecord

    def __repr__(self) -> str:
        return f"Reverification(patient={self.patient!r}, eligibility={self.eligibility!r})"

    __str__ = __repr__

    def to_fhir_bundle(self, base_url: str) -> dict[str, Any]:
        """A ``collection`` Bundle: the Patient first, then its Coverage resources."""
        resources = [self.patient.to_fhir()] + [
            c.to_fhir(self.patient.reference) for c in self.eligibility.coverages
        ]
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
                    "resource": resource,
                }
                for resource in resources
            ],
        }

    @classmethod
    def from_fhir_bundle(cls, payload: Any, checked_at: datetime) -> Reverification:
        """Read the answer; raises FhirFormatError on a wrong shape, an unknown code, no or
        several Patients, or a Coverage of another Patient."""
        check_resource_type(payload, "Bundle")
        wire = parse_wire(_Collection, payload, "Bundle")
        if wire.type != "collection":
            raise FhirFormatError("Bundle: expected a collection")
        patients: list[PatientRecord] = []
        coverages: dict[str, Coverage] = {}
        beneficiaries: set[str] = set()
        for entry in wire.entry:
            kind = entry.resource.get("resourceType")
            if kind == "Patient":
                patients.append(PatientRecord.from_fhir(entry.resource))
            elif kind == "Coverage":
                coverage, beneficiary = Coverage.from_fhir(entry.resource)
                beneficiaries.add(beneficiary)
                coverages.setdefault(coverage.id, coverage)
            elif kind != "OperationOutcome":
                raise FhirFormatError("Bundle: an entry is neither a Patient nor a Coverage")
        if len(patients) != 1:
            raise FhirFormatError("Bundle: expected exactly one Patient")
        patient = patients[0]
        if beneficiaries - {patient.id}:
            raise FhirFormatError("Coverage: beneficiary is not the Patient in the answer")
        eligibility = EligibilityRecord.from_coverages(
            patient.id, tuple(coverages.values()), checked_at
        )
        return cls(patient=patient, eligibility=eligibility)

"""Medication history (薬剤情報): FHIR ``MedicationDispense``, newest first."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.bundle import bundle_resources, searchset
from clinic_desk.domain.fhir import (
    EXT_PRESCRIBER,
    EXT_STRENGTH,
    SYSTEM_HOT_CODE,
    SYSTEM_UCUM,
    SYSTEM_YJ_CODE,
    CodeableConcept,
    Extension,
    FhirFormatError,
    Quantity,
    Reference,
    Wire,
    check_resource_type,
    extension_value,
    fhir_date,
    parse_wire,
    reference_id,
)


class DrugCodeSystem(StrEnum):
    YJ = "yj"
    HOT = "hot"


_SYSTEM_URLS = {DrugCodeSystem.YJ: SYSTEM_YJ_CODE, DrugCodeSystem.HOT: SYSTEM_HOT_CODE}
_SYSTEMS_BY_URL = {url: system for system, url in _SYSTEM_URLS.items()}


class _Dosage(Wire):
    text: str | None = None


class _Performer(Wire):
    actor: Reference


class _MedicationDispense(Wire):
    resourceType: str
    id: str = Field(min_length=1)
    extension: list[Extension] = Field(default_factory=list)
    status: str
    medicationCodeableConcept: CodeableConcept
    subject: Reference
    performer: list[_Performer] = Field(default_factory=list)
    quantity: Quantity | None = None
    daysSupply: Quantity | None = None
    whenHandedOver: str
    dosageInstruction: list[_Dosage] = Field(default_factory=list)


_DISPENSE_STATUSES = frozenset(
    {
        "preparation",
        "in-progress",
        "cancelled",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "declined",
        "unknown",
    }
)


class MedicationDispense(BaseModel):
    """One dispensing: what, how much, for how long, who prescribed and who dispensed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    dispensed_on: date
    drug_name: str = Field(min_length=1)
    drug_code: str | None = None
    code_system: DrugCodeSystem | None = None
    strength: str | None = None
    quantity: float | None = Field(default=None, ge=0)
    quantity_unit: str | None = None
    dosage: str | None = None
    days_supply: int | None = Field(default=None, ge=0)
    prescriber: str | None = Field(default=None, description="the prescribing institution")
    pharmacy: str | None = None

    def __repr__(self) -> str:
        return f"MedicationDispense(id={self.id})"

    __str__ = __repr__

    def to_fhir(self, subject_ref: str) -> dict[str, Any]:
        """The FHIR R4 ``MedicationDispense`` (status completed)."""
        concept: dict[str, Any] = {"text": self.drug_name}
        if self.drug_code and self.code_system:
            concept["coding"] = [
                {
                    "system": _SYSTEM_URLS[self.code_system],
                    "code": self.drug_code,
                    "display": self.drug_name,
                }
            ]
        extensions: list[dict[str, Any]] = []
        if self.strength:
            extensions.append({"url": EXT_STRENGTH, "valueString": self.strength})
        if self.prescriber:
            extensions.append({"url": EXT_PRESCRIBER, "valueString": self.prescriber})
        resource: dict[str, Any] = {
            "resourceType": "MedicationDispense",
            "id": self.id,
            "status": "completed",
            "medicationCodeableConcept": concept,
            "subject": {"reference": subject_ref},
            "whenHandedOver": self.dispensed_on.isoformat(),
        }
        if extensions:
            resource["extension"] = extensions
        if self.pharmacy:
            resource["performer"] = [{"actor": {"display": self.pharmacy}}]
        if self.quantity is not None:
            quantity: dict[str, Any] = {"value": self.quantity}
            if self.quantity_unit:
                quantity["unit"] = self.quantity_unit
            resource["quantity"] = quantity
        if self.days_supply is not None:
            resource["daysSupply"] = {
                "value": self.days_supply,
                "unit": "日",
                "system": SYSTEM_UCUM,
                "code": "d",
            }
        if self.dosage:
            resource["dosageInstruction"] = [{"text": self.dosage}]
        return resource

    @classmethod
    def from_fhir(cls, payload: Any) -> tuple[MedicationDispense, str]:
        """Read a FHIR ``MedicationDispense``; returns it and the subject's Patient id."""
        check_resource_type(payload, "MedicationDispense")
        wire = parse_wire(_MedicationDispense, payload, "MedicationDispense")
        if wire.status not in _DISPENSE_STATUSES:
            raise FhirFormatError("MedicationDispense: unknown status code")
        if wire.subject.reference is None:
            raise FhirFormatError("MedicationDispense: subject has no reference")
        patient_id = reference_id(wire.subject.reference, "Patient")
        concept = wire.medicationCodeableConcept
        code: str | None = None
        system: DrugCodeSystem | None = None
        for coding in concept.coding:
            if coding.system in _SYSTEMS_BY_URL and coding.code:
                code, system = coding.code, _SYSTEMS_BY_URL[coding.system]
                break
        name = concept.text or next((c.display for c in concept.coding if c.display), None)
        if not name:
            raise FhirFormatError("MedicationDispense: the drug has no name")
        handed = fhir_date(wire.whenHandedOver, "MedicationDispense: whenHandedOver")
        days: int | None = None
        if wire.daysSupply is not None and wire.daysSupply.value is not None:
            days = int(wire.daysSupply.value)
        strength = extension_value(wire.extension, EXT_STRENGTH)
        prescriber = extension_value(wire.extension, EXT_PRESCRIBER)
        try:
            dispense = cls(
                id=wire.id,
                dispensed_on=handed,
                drug_name=name,
                drug_code=code,
                code_system=system,
                strength=strength.valueString if strength else None,
                quantity=wire.quantity.value if wire.quantity else None,
                quantity_unit=wire.quantity.unit if wire.quantity else None,
                dosage=wire.dosageInstruction[0].text if wire.dosageInstruction else None,
                days_supply=days,
                prescriber=prescriber.valueString if prescriber else None,
                pharmacy=wire.performer[0].actor.display if wire.performer else None,
            )
        except ValueError:
            raise FhirFormatError("MedicationDispense: invalid items") from None
        return dispense, patient_id


class MedicationHistory(BaseModel):
    """A patient's dispensings, newest first, gathered from every page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    dispenses: tuple[MedicationDispense, ...] = ()
    fetched_at: datetime
    pages: int = Field(default=1, ge=1)

    def __repr__(self) -> str:
        return f"MedicationHistory(dispenses={len(self.dispenses)}, pages={self.pages})"

    __str__ = __repr__

    @staticmethod
    def dispenses_from_page(payload: Any, patient_id: str) -> list[MedicationDispense]:
        """The dispensings of one Bundle page; every one must be for ``patient_id``."""
        found: list[MedicationDispense] = []
        for resource in bundle_resources(payload, "MedicationDispense"):
            dispense, subject = MedicationDispense.from_fhir(resource)
            if subject != patient_id:
                raise FhirFormatError("MedicationDispense: subject is not the Patient asked about")
            found.append(dispense)
        return found

    @classmethod
    def from_fhir_pages(
        cls, pages: list[Any], patient_id: str, fetched_at: datetime
    ) -> MedicationHistory:
        """Join Bundle pages into one history, newest first, without duplicates."""
        if not pages:
            raise FhirFormatError("MedicationDispense search: no page")
        seen: dict[str, MedicationDispense] = {}
        for page in pages:
            for dispense in cls.dispenses_from_page(page, patient_id):
                seen.setdefault(dispense.id, dispense)
        ordered = sorted(seen.values(), key=lambda d: (d.dispensed_on, d.id), reverse=True)
        return cls(
            patient_id=patient_id, dispenses=tuple(ordered), fetched_at=fetched_at, pages=len(pages)
        )

    def to_fhir_page(
        self, *, base_url: str, self_url: str, offset: int, count: int, next_url: str | None
    ) -> dict[str, Any]:
        """One searchset page of this history (``offset``/``count`` into newest-first)."""
        ref = f"Patient/{self.patient_id}"
        window = self.dispenses[offset : offset + count]
        return searchset(
            [d.to_fhir(ref) for d in window],
            total=len(self.dispenses),
            base_url=base_url,
            self_url=self_url,
            next_url=next_url,
        )

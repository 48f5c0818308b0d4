"""FHIR R4 vocabulary shared by the domain models, and the error for bad shapes.

Systems and extension URLs follow JP Core where it defines the item; the few
items JP Core leaves open use the desk's own definitions under ``DESK_BASE``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# --- JP Core and HL7 definitions ---------------------------------------------------------
JP_CORE_EXT = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition"
EXT_INSURED_SYMBOL = f"{JP_CORE_EXT}/JP_Coverage_InsuredPersonSymbol"
EXT_INSURED_NUMBER = f"{JP_CORE_EXT}/JP_Coverage_InsuredPersonNumber"
EXT_INSURED_SUBNUMBER = f"{JP_CORE_EXT}/JP_Coverage_InsuredPersonSubNumber"
SYSTEM_INSURER_NUMBER = "urn:oid:1.2.392.100495.20.3.61"  # 保険者番号
SYSTEM_YJ_CODE = "urn:oid:1.2.392.100495.20.1.73"
SYSTEM_HOT_CODE = "urn:oid:1.2.392.200119.4.403.1"
EXT_NAME_REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"
SYSTEM_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
SYSTEM_COPAY_TYPE = "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
SYSTEM_UCUM = "http://unitsofmeasure.org"

# --- the desk's own definitions (items JP Core does not define) ----------------------------
DESK_BASE = "http://clinic-desk.local/fhir"
EXT_VALIDITY = f"{DESK_BASE}/StructureDefinition/eligibility-validity"
SYSTEM_VALIDITY = f"{DESK_BASE}/CodeSystem/eligibility-validity"
EXT_STRENGTH = f"{DESK_BASE}/StructureDefinition/medication-strength"
EXT_PRESCRIBER = f"{DESK_BASE}/StructureDefinition/prescribing-institution"
EXT_ELDERLY_RECIPIENT = f"{DESK_BASE}/StructureDefinition/elderly-recipient"  # 高齢受給者
EXT_CEILING_CATEGORY = f"{DESK_BASE}/StructureDefinition/high-cost-ceiling-category"
# what the patient pays (clinic_desk.domain.cost_share_fhir; docs/gateway-api.md)
EXT_PRESCHOOL = f"{DESK_BASE}/StructureDefinition/preschool"  # 未就学
EXT_ELDERLY_CERTIFICATE = f"{DESK_BASE}/StructureDefinition/elderly-recipient-certificate"
EXT_CEILING_CONSENT = f"{DESK_BASE}/StructureDefinition/high-cost-ceiling-consent"
EXT_CEILING = f"{DESK_BASE}/StructureDefinition/high-cost-ceiling"
EXT_SPECIFIC_DISEASE_CONSENT = f"{DESK_BASE}/StructureDefinition/specific-disease-consent"
EXT_SPECIFIC_DISEASE = f"{DESK_BASE}/StructureDefinition/specific-disease"
EXT_PUBLIC_EXPENSE = f"{DESK_BASE}/StructureDefinition/public-expense"
EXT_NEWER_QUALIFICATION = f"{DESK_BASE}/StructureDefinition/newer-qualification"
SYSTEM_CEILING_CONSENT = f"{DESK_BASE}/CodeSystem/oqs-consent"  # OQSCD001
SYSTEM_CEILING_CLASSIFICATION = f"{DESK_BASE}/CodeSystem/high-cost-ceiling-classification"
SYSTEM_CEILING_CATEGORY = f"{DESK_BASE}/CodeSystem/high-cost-ceiling-category"  # OQSCD012
SYSTEM_SPECIFIC_DISEASE = f"{DESK_BASE}/CodeSystem/specific-disease"
SYSTEM_SPECIFIC_DISEASE_CONSENT = f"{DESK_BASE}/CodeSystem/specific-disease-consent"
SYSTEM_OUTCOME_REASON = f"{DESK_BASE}/CodeSystem/gateway-reason"

FHIR_JSON = "application/fhir+json"


class FhirFormatError(ValueError):
    """A FHIR payload that is not in the expected shape.

    The message names fields and types only, never values: payloads hold
    personal data and messages end up in logs.
    """


class Wire(BaseModel):
    """Base of the FHIR wire subsets: unknown elements are allowed and ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


W = TypeVar("W", bound=Wire)


def parse_wire(model: type[W], payload: Any, what: str) -> W:
    """Validate ``payload`` into ``model`` or raise FhirFormatError without values."""
    if not isinstance(payload, dict):
        raise FhirFormatError(f"{what}: expected a JSON object, got {type(payload).__name__}")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise FhirFormatError(
            f"{what}: {where} is not in the expected form ({first['type']})"
        ) from None


class Coding(Wire):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class CodeableConcept(Wire):
    coding: list[Coding] = Field(default_factory=list)
    text: str | None = None

    def code_in(self, system: str) -> str | None:
        for coding in self.coding:
            if coding.system == system and coding.code is not None:
                return coding.code
        return None


class Reference(Wire):
    reference: str | None = None
    display: str | None = None
    identifier: Identifier | None = None


class Identifier(Wire):
    system: str | None = None
    value: str | None = None


class Period(Wire):
    start: str | None = None
    end: str | None = None


class Quantity(Wire):
    value: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = None
    system: str | None = None
    code: str | None = None


class Money(Wire):
    value: float | None = Field(default=None, allow_inf_nan=False)
    currency: str | None = None


class Extension(Wire):
    url: str
    extension: list[Extension] = Field(default_factory=list, max_length=16)
    valueString: str | None = None
    valueCode: str | None = None
    valueBoolean: bool | None = None
    valueInteger: int | None = None
    valueDate: str | None = None
    valueCoding: Coding | None = None
    valuePeriod: Period | None = None
    valueMoney: Money | None = None


def extension_value(extensions: list[Extension], url: str) -> Extension | None:
    for extension in extensions:
        if extension.url == url:
            return extension
    return None


Reference.model_rebuild()
Extension.model_rebuild()


def check_resource_type(payload: Any, expected: str, what: str | None = None) -> dict[str, Any]:
    """Return ``payload`` as a dict if it is a FHIR resource of type ``expected``."""
    label = what or expected
    if not isinstance(payload, dict):
        raise FhirFormatError(f"{label}: expected a JSON object, got {type(payload).__name__}")
    found = payload.get("resourceType")
    if found != expected:
        shown = found if isinstance(found, str) and found.isascii() and len(found) < 40 else "?"
        raise FhirFormatError(f"{label}: expected resourceType {expected}, got {shown}")
    return payload


@overload
def fhir_date(text: str, what: str) -> date: ...
@overload
def fhir_date(text: str | None, what: str) -> date | None: ...
def fhir_date(text: str | None, what: str) -> date | None:
    """The day of a FHIR ``date`` or ``dateTime`` (its first ten characters), None for
    None; a FhirFormatError naming ``what`` (never the value) when it is not a date."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise FhirFormatError(f"{what} is not a date") from None


def reference_id(reference: str, resource_type: str) -> str:
    """``"Patient/p-1"`` → ``"p-1"``; anything else is a FhirFormatError."""
    prefix = f"{resource_type}/"
    if not reference.startswith(prefix) or len(reference) == len(prefix):
        raise FhirFormatError(f"expected a reference to a {resource_type}")
    ident = reference[len(prefix) :]
    if "/" in ident:
        raise FhirFormatError(f"expected a reference to a {resource_type}")
    return ident

"""Card-presence authentication on the wire (FHIR ``Parameters``).

1. ``POST /auth/challenge`` → ChallengeGrant (a single-use nonce and its expiry);
2. the card signs the nonce's ASCII bytes (SHA256withRSA, PKCS#1 v1.5);
3. ``POST /auth/card`` with CardAuthRequest → CardAuthGrant (bearer token + Patient).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from clinic_desk.domain.fhir import (
    FhirFormatError,
    reference_id,
)
from clinic_desk.domain.parameters import parameter_list, read_parameters, required

NONCE_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
# ``include`` values of a card authentication that asks for the record in the same answer
RECORD_INCLUDES = ("Patient", "Coverage")
# the answer's parameters that carry them (a Patient, a Coverage searchset Bundle)
INCLUDED_PATIENT = "includedPatient"
INCLUDED_COVERAGE = "includedCoverage"


def _instant(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FhirFormatError(f"{what}: expires is not an instant") from None
    if value.tzinfo is None:
        raise FhirFormatError(f"{what}: expires has no time zone")
    return value


def _instant_text(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _b64decode(text: str, name: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FhirFormatError(f"{what}: {name} is not base64") from None


class ChallengeGrant(BaseModel):
    """A nonce the card must sign before it expires; it is good for one use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nonce: str = Field(pattern=NONCE_PATTERN)
    expires_at: AwareDatetime

    @property
    def signed_bytes(self) -> bytes:
        """What the card signs: the nonce's ASCII bytes, exactly as received."""
        return self.nonce.encode("ascii")

    def to_fhir(self) -> dict[str, Any]:
        return {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "nonce", "valueString": self.nonce},
                {"name": "expires", "valueInstant": _instant_text(self.expires_at)},
            ],
        }

    @classmethod
    def from_fhir(cls, payload: Any) -> ChallengeGrant:
        what = "challenge"
        params = read_parameters(payload, what)
        nonce = required(params, "nonce", "valueString", what)
        expires = _instant(required(params, "expires", "valueInstant", what), what)
        try:
            return cls(nonce=nonce, expires_at=expires)
        except ValueError:
            raise FhirFormatError(f"{what}: the nonce is not in the expected form") from None


class CardAuthRequest(BaseModel):
    """The card's answer to a challenge: its certificate, its signature, the nonce."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_der: bytes = Field(min_length=1)
    signature: bytes = Field(min_length=1)
    nonce: str = Field(pattern=NONCE_PATTERN)
    # ask for the linked Patient and its Coverage in the answer (one round trip instead
    # of card-auth, then the two reads); a gateway that does not know it ignores it
    include_record: bool = False

    def __repr__(self) -> str:
        return "CardAuthRequest(…)"

    def to_fhir(self) -> dict[str, Any]:
        return {
            "resourceType": "Parameters",
            "parameter": [
                {
                    "name": "certificate",
                    "valueBase64Binary": base64.b64encode(self.certificate_der).decode("ascii"),
                },
                {
                    "name": "signature",
                    "valueBase64Binary": base64.b64encode(self.signature).decode("ascii"),
                },
                {"name": "nonce", "valueString": self.nonce},
                *(
                    {"name": "include", "valueCode": code}
                    for code in (RECORD_INCLUDES if self.include_record else ())
                ),
            ],
        }

    @classmethod
    def from_fhir(cls, payload: Any) -> CardAuthRequest:
        what = "card authentication"
        listed = parameter_list(payload, what)
        params = {p.name: p for p in listed}
        included = {p.valueCode for p in listed if p.name == "include"}
        certificate = _b64decode(
            required(params, "certificate", "valueBase64Binary", what), "certificate", what
        )
        signature = _b64decode(
            required(params, "signature", "valueBase64Binary", what), "signature", what
        )
        nonce = required(params, "nonce", "valueString", what)
        try:
            return cls(
                certificate_der=certificate,
                signature=signature,
                nonce=nonce,
                include_record=included.issuperset(RECORD_INCLUDES),
            )
        except ValueError:
            raise FhirFormatError(f"{what}: items are not in the expected form") from None


class CardAuthGrant(BaseModel):
    """A short-lived bearer token and the Patient the gateway links the card to.

    ``certificate_not_after`` (when the gateway says it) is the card certificate's
    expiry, so the desk can tell staff before it expires; ``eligibility_only`` is
    true when the certificate expired less than three months ago: the token then
    reads the Patient and its Coverage, never medications.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str = Field(min_length=16, repr=False)
    expires_at: AwareDatetime
    patient_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    certificate_not_after: AwareDatetime | None = None
    eligibility_only: bool = False
    # the gateway's time of the answer: the day the desk judges dates against (a
    # certificate's expiry, the validity of a 高齢受給者証 or a 公費), so a fixture's
    # pinned "today" means the same at the desk as at the gateway
    checked_at: AwareDatetime | None = None
    # the linked Patient and its Coverage Bundle, when asked for and the gateway sent
    # them (both or neither); read by the client as the two reads' answers would be
    patient_resource: dict[str, Any] | None = Field(default=None, repr=False)
    coverage_bundle: dict[str, Any] | None = Field(default=None, repr=False)

    @field_validator("patient_id")
    @classmethod
    def _not_only_dots(cls, value: str) -> str:
        # the id goes into a URL path: "." or ".." would address another resource
        if set(value) == {"."}:
            raise ValueError("a Patient id cannot be only dots")
        return value

    @property
    def patient_ref(self) -> str:
        return f"Patient/{self.patient_id}"

    def to_fhir(self) -> dict[str, Any]:
        parameters: list[dict[str, Any]] = [
            {"name": "token", "valueString": self.token},
            {"name": "expires", "valueInstant": _instant_text(self.expires_at)},
            {"name": "patient", "valueReference": {"reference": self.patient_ref}},
        ]
        if self.certificate_not_after is not None:
            parameters.append(
                {
                    "name": "certificateNotAfter",
                    "valueInstant": _instant_text(self.certificate_not_after),
                }
            )
        if self.eligibility_only:
            parameters.append({"name": "eligibilityOnly", "valueBoolean": True})
        if self.checked_at is not None:
            parameters.append({"name": "checkedAt", "valueInstant": _instant_text(self.checked_at)})
        if self.patient_resource is not None and self.coverage_bundle is not None:
            parameters.append({"name": INCLUDED_PATIENT, "resource": self.patient_resource})
            parameters.append({"name": INCLUDED_COVERAGE, "resource": self.coverage_bundle})
        return {"resourceType": "Parameters", "parameter": parameters}

    @classmethod
    def from_fhir(cls, payload: Any) -> CardAuthGrant:
        what = "card authentication answer"
        params = read_parameters(payload, what)
        token = required(params, "token", "valueString", what)
        expires = _instant(required(params, "expires", "valueInstant", what), what)
        patient = required(params, "patient", "valueReference", what)
        if patient.reference is None:
            raise FhirFormatError(f"{what}: patient has no reference")
        not_after = params.get("certificateNotAfter")
        only = params.get("eligibilityOnly")
        if only is not None and only.valueBoolean is None:
            raise FhirFormatError(f"{what}: eligibilityOnly is not a boolean")
        if not_after is not None and not_after.valueInstant is None:
            raise FhirFormatError(f"{what}: certificateNotAfter is not an instant")
        checked = params.get("checkedAt")
        if checked is not None and checked.valueInstant is None:
            raise FhirFormatError(f"{what}: checkedAt is not an instant")
        patient_resource = params.get(INCLUDED_PATIENT)
        coverage_bundle = params.get(INCLUDED_COVERAGE)
        sent = [p for p in (patient_resource, coverage_bundle) if p is not None]
        if len(sent) == 1 or any(p.resource is None for p in sent):
            raise FhirFormatError(f"{what}: the Patient and the Coverage come together or not")
        try:
            return cls(
                token=token,
                expires_at=expires,
                patient_id=reference_id(patient.reference, "Patient"),
                certificate_not_after=(
                    _instant(not_after.valueInstant, what)
                    if not_after is not None and not_after.valueInstant
                    else None
                ),
                eligibility_only=bool(only and only.valueBoolean),
                checked_at=(
                    _instant(checked.valueInstant, what)
                    if checked is not None and checked.valueInstant
                    else None
                ),
                patient_resource=patient_resource.resource if patient_resource else None,
                coverage_bundle=coverage_bundle.resource if coverage_bundle else None,
            )
        except ValueError as exc:
            if isinstance(exc, FhirFormatError):
                raise
            raise FhirFormatError(f"{what}: items are not in the expected form") from None

"""FHIR ``OperationOutcome``: how the gateway says no, and why."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.fhir import (
    SYSTEM_OUTCOME_REASON,
    CodeableConcept,
    Wire,
    check_resource_type,
    parse_wire,
)


class OutcomeReason(StrEnum):
    """Why the gateway refused or could not answer (machine-readable, stable)."""

    NONCE_UNKNOWN = "nonce-unknown"
    NONCE_REPLAYED = "nonce-replayed"
    NONCE_EXPIRED = "nonce-expired"
    BAD_SIGNATURE = "bad-signature"
    CERTIFICATE_INVALID = "certificate-invalid"
    CERTIFICATE_UNTRUSTED = "certificate-untrusted"
    CERTIFICATE_EXPIRED = "certificate-expired"
    CERTIFICATE_REVOKED = "certificate-revoked"
    CERTIFICATE_KEY_USAGE = "certificate-key-usage"
    CERTIFICATE_UNLINKED = "certificate-unlinked"
    ELIGIBILITY_ONLY = "eligibility-only"
    """The certificate expired less than three months ago: no medications."""
    TOKEN_MISSING = "token-missing"
    TOKEN_EXPIRED = "token-expired"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    BAD_REQUEST = "bad-request"
    PROCESSING = "processing"
    UPSTREAM_DOWN = "upstream-down"


class _Issue(Wire):
    severity: str
    code: str
    details: CodeableConcept | None = None
    diagnostics: str | None = None


class _OperationOutcome(Wire):
    resourceType: str
    issue: list[_Issue] = Field(min_length=1)


class GatewayOutcome(BaseModel):
    """The first issue of an OperationOutcome, as the desk uses it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: str = "error"
    code: str = Field(description="FHIR issue type, e.g. security, not-found, transient")
    reason: str | None = Field(default=None, description="an OutcomeReason value when known")
    text: str = Field(min_length=1)

    def to_fhir(self) -> dict[str, Any]:
        """The FHIR R4 ``OperationOutcome`` with one issue."""
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.text,
        }
        details: dict[str, Any] = {"text": self.text}
        if self.reason:
            details["coding"] = [{"system": SYSTEM_OUTCOME_REASON, "code": self.reason}]
        issue["details"] = details
        return {"resourceType": "OperationOutcome", "issue": [issue]}

    @classmethod
    def from_fhir(cls, payload: Any) -> GatewayOutcome:
        """Read an ``OperationOutcome``; raises FhirFormatError when the shape is wrong."""
        check_resource_type(payload, "OperationOutcome")
        wire = parse_wire(_OperationOutcome, payload, "OperationOutcome")
        issue = wire.issue[0]
        reason = issue.details.code_in(SYSTEM_OUTCOME_REASON) if issue.details else None
        text = (issue.details.text if issue.details else None) or issue.diagnostics or issue.code
        return cls(severity=issue.severity, code=issue.code, reason=reason, text=text)

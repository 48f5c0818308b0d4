"""The visual check (目視確認) on the wire: ``POST /auth/visual``.

For a card without a usable PIN (a face-authentication-only card has none, or the
patient cannot enter it): a receptionist compares the card's photo with the person
and switches the check-in to visual mode with their staff id. The card's
user-authentication certificate, readable without a PIN, names the card; the desk's
own credential (mTLS in production) authenticates the call. No card signature is
made, and the gateway records that. The answer is a ``CardAuthGrant`` as for
``/auth/card``: the link behind it is checked by the identity gate as always.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.fhir import FhirFormatError, Wire, check_resource_type, parse_wire

VISUAL_AUTH_PATH = "/auth/visual"
STAFF_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,32}$"
_STAFF_ID = re.compile(STAFF_ID_PATTERN)
MAX_CERTIFICATE_BYTES = 8 * 1024


class _Parameter(Wire):
    name: str
    valueString: str | None = None
    valueBase64Binary: str | None = None


class _Parameters(Wire):
    resourceType: str
    parameter: list[_Parameter] = Field(default_factory=list, max_length=8)


def staff_id_error(raw: str) -> str:
    """The text key of what is wrong with a typed staff id, or ""."""
    value = raw.strip()
    if not value:
        return "visual.staff_id.empty"
    if not _STAFF_ID.fullmatch(value):
        return "visual.staff_id.invalid"
    return ""


class VisualAuthRequest(BaseModel):
    """The card's certificate and the staff id of who compared the photo."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_der: bytes = Field(min_length=1, max_length=MAX_CERTIFICATE_BYTES)
    staff_id: str = Field(pattern=STAFF_ID_PATTERN)

    def __repr__(self) -> str:
        return f"VisualAuthRequest(staff_id={self.staff_id})"

    def to_fhir(self) -> dict[str, Any]:
        return {
            "resourceType": "Parameters",
            "parameter": [
                {
                    "name": "certificate",
                    "valueBase64Binary": base64.b64encode(self.certificate_der).decode("ascii"),
                },
                {"name": "staffId", "valueString": self.staff_id},
            ],
        }

    @classmethod
    def from_fhir(cls, payload: Any) -> VisualAuthRequest:
        what = "visual check"
        check_resource_type(payload, "Parameters", what)
        params = {p.name: p for p in parse_wire(_Parameters, payload, what).parameter}
        certificate = params.get("certificate")
        staff = params.get("staffId")
        if certificate is None or certificate.valueBase64Binary is None:
            raise FhirFormatError(f"{what}: parameter certificate is missing")
        if staff is None or staff.valueString is None:
            raise FhirFormatError(f"{what}: parameter staffId is missing")
        try:
            der = base64.b64decode(certificate.valueBase64Binary, validate=True)
        except (binascii.Error, ValueError):
            raise FhirFormatError(f"{what}: certificate is not base64") from None
        try:
            return cls(certificate_der=der, staff_id=staff.valueString)
        except ValueError:
            raise FhirFormatError(
                f"{what}: certificate or staffId is not in the expected form"
            ) from None

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
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.parameters import base64_bytes, read_parameters, required

VISUAL_AUTH_PATH = "/auth/visual"
STAFF_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,32}$"
_STAFF_ID = re.compile(STAFF_ID_PATTERN)
MAX_CERTIFICATE_BYTES = 8 * 1024


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
        params = read_parameters(payload, what)
        certificate = required(params, "certificate", "valueBase64Binary", what)
        staff_id: str = required(params, "staffId", "valueString", what)
        der = base64_bytes(certificate, "certificate", what)
        try:
            return cls(certificate_der=der, staff_id=staff_id)
        except ValueError:
            raise FhirFormatError(
                f"{what}: certificate or staffId is not in the expected form"
            ) from None

"""FHIR ``Parameters`` on the wire: the bodies of the desk's own operations
(card authentication, the visual check, re-verification, the lookup by number).

One wire subset for every such body (the value kinds they use; others are ignored)
and the readers that name a missing or malformed parameter, never its value.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pydantic import Field

from clinic_desk.domain.fhir import (
    FhirFormatError,
    Reference,
    Wire,
    check_resource_type,
    parse_wire,
)

MAX_PARAMETERS = 16  # the largest body (a number lookup) has six


class Parameter(Wire):
    name: str
    valueBoolean: bool | None = None
    valueString: str | None = None
    valueInstant: str | None = None
    valueDate: str | None = None
    valueBase64Binary: str | None = None
    valueReference: Reference | None = None
    valueCode: str | None = None
    resource: dict[str, Any] | None = None


class _Parameters(Wire):
    resourceType: str
    parameter: list[Parameter] = Field(default_factory=list, max_length=MAX_PARAMETERS)


def parameter_list(payload: Any, what: str) -> list[Parameter]:
    """The parameters of a ``Parameters`` body, in order; FhirFormatError otherwise."""
    check_resource_type(payload, "Parameters", what)
    return parse_wire(_Parameters, payload, what).parameter


def read_parameters(payload: Any, what: str) -> dict[str, Parameter]:
    """The parameters of a ``Parameters`` body by name."""
    return {p.name: p for p in parameter_list(payload, what)}


def required(params: dict[str, Parameter], name: str, attr: str, what: str) -> Any:
    """The ``attr`` value (``valueString``, …) of parameter ``name``; FhirFormatError
    naming the parameter when it is not there."""
    param = params.get(name)
    value = getattr(param, attr) if param else None
    if value is None:
        raise FhirFormatError(f"{what}: parameter {name} is missing")
    return value


def base64_bytes(text: str, name: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FhirFormatError(f"{what}: {name} is not base64") from None

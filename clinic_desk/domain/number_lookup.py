"""Lookup by number on the wire: ``POST /fhir/Coverage/$lookup-by-number``.

A search of Coverage by the numbers on a 資格確認書 and the birthdate. It is an
operation with a ``Parameters`` body rather than a GET search so that the numbers
and the birthdate never sit in a URL (URLs end up in access logs). The answer is
a ``collection`` Bundle in the shape of ``$reverify``: the Patient the numbers
belong to first, then its Coverage resources; an empty Bundle is 該当資格なし.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from clinic_desk.domain.fhir import FhirFormatError, check_resource_type
from clinic_desk.domain.insured_numbers import (
    InsuredNumbers,
    InsurerPadding,
    padded_insurer_number,
    unpadded_insurer_number,
)
from clinic_desk.domain.parameters import Parameter, parameter_list
from clinic_desk.domain.reverification import Reverification

NUMBER_LOOKUP_PATH = "/fhir/Coverage/$lookup-by-number"

_PARAMETERS = ("insurerNumber", "insuredSymbol", "insuredNumber", "insuredBranch", "birthDate")


class NumberLookupRequest(BaseModel):
    """Which qualification to look up: the numbers and the birthdate (no name)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    numbers: InsuredNumbers
    birthdate: date

    def __repr__(self) -> str:
        return "NumberLookupRequest(…)"

    __str__ = __repr__

    def to_fhir(self, padding: InsurerPadding = "space") -> dict[str, Any]:
        """The ``Parameters`` body; the insurer number padded to 8 characters."""
        numbers = self.numbers
        parameter: list[dict[str, str]] = [
            {
                "name": "insurerNumber",
                "valueString": padded_insurer_number(numbers.insurer_number, padding),
            }
        ]
        if numbers.symbol:
            parameter.append({"name": "insuredSymbol", "valueString": numbers.symbol})
        parameter.append({"name": "insuredNumber", "valueString": numbers.number})
        if numbers.branch:
            parameter.append({"name": "insuredBranch", "valueString": numbers.branch})
        parameter.append({"name": "birthDate", "valueDate": self.birthdate.isoformat()})
        return {"resourceType": "Parameters", "parameter": parameter}

    @classmethod
    def from_fhir(cls, payload: Any) -> NumberLookupRequest:
        """Read the body (either padding); raises FhirFormatError naming the parameter."""
        what = "number lookup request"
        params: dict[str, Parameter] = {}
        for item in parameter_list(payload, what):
            if item.name not in _PARAMETERS:
                raise FhirFormatError(f"{what}: unknown parameter {item.name[:32]!r}")
            if item.name in params:
                raise FhirFormatError(f"{what}: parameter {item.name} appears twice")
            params[item.name] = item

        def text(name: str) -> str | None:
            item = params.get(name)
            return item.valueString if item is not None else None

        insurer, number = text("insurerNumber"), text("insuredNumber")
        born = params.get("birthDate")
        if insurer is None or number is None or born is None or born.valueDate is None:
            raise FhirFormatError(f"{what}: insurerNumber, insuredNumber and birthDate are needed")
        try:
            numbers = InsuredNumbers(
                insurer_number=unpadded_insurer_number(insurer),
                symbol=text("insuredSymbol"),
                number=number,
                branch=text("insuredBranch"),
            )
        except ValidationError as exc:
            names = ", ".join(str(e["loc"][0]) for e in exc.errors())
            raise FhirFormatError(f"{what}: invalid parameters ({names})") from None
        try:
            birthdate = date.fromisoformat(born.valueDate)
        except ValueError:
            raise FhirFormatError(f"{what}: birthDate is not a date") from None
        return cls(numbers=numbers, birthdate=birthdate)


class NumberLookupAnswer(BaseModel):
    """What the gateway found for the numbers: the Patient and its eligibility, or
    nothing (該当資格なし). Nothing here is confirmed until the identity gate agrees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    found: Reverification | None = None

    def __repr__(self) -> str:
        return f"NumberLookupAnswer(found={self.found is not None})"

    __str__ = __repr__

    def to_fhir_bundle(self, base_url: str) -> dict[str, Any]:
        if self.found is None:
            return {"resourceType": "Bundle", "type": "collection", "entry": []}
        return self.found.to_fhir_bundle(base_url)

    @classmethod
    def from_fhir_bundle(cls, payload: Any, checked_at: datetime) -> NumberLookupAnswer:
        """Read the answer; an empty collection is 該当資格なし."""
        check_resource_type(payload, "Bundle")
        entries = payload.get("entry") if isinstance(payload, dict) else None
        if entries == [] or (entries is None and payload.get("type") == "collection"):
            if payload.get("type") != "collection":
                raise FhirFormatError("Bundle: expected a collection")
            return cls(found=None)
        return cls(found=Reverification.from_fhir_bundle(payload, checked_at))

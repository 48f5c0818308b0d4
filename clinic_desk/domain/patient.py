"""The record's idea of who the patient is (FHIR ``Patient``)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.fhir import (
    EXT_NAME_REPRESENTATION,
    Extension,
    FhirFormatError,
    Wire,
    check_resource_type,
    extension_value,
    parse_wire,
)

IDEOGRAPHIC_SPACE = "\u3000"


class Gender(StrEnum):
    """FHIR administrative gender."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class _HumanName(Wire):
    text: str | None = None
    family: str | None = None
    given: list[str] = Field(default_factory=list)
    extension: list[Extension] = Field(default_factory=list)

    def joined(self) -> str | None:
        if self.text:
            return self.text
        if self.family and self.given:
            return self.family + IDEOGRAPHIC_SPACE + " ".join(self.given)
        return self.family

    def representation(self) -> str | None:
        found = extension_value(self.extension, EXT_NAME_REPRESENTATION)
        return found.valueCode if found else None


class _Patient(Wire):
    resourceType: str
    id: str = Field(min_length=1)
    name: list[_HumanName] = Field(min_length=1)
    birthDate: date
    gender: Gender = Gender.UNKNOWN


def _human_name(full: str, representation: str) -> dict[str, Any]:
    family, _, given = full.partition(IDEOGRAPHIC_SPACE)
    name: dict[str, Any] = {
        "extension": [{"url": EXT_NAME_REPRESENTATION, "valueCode": representation}],
        "use": "official",
        "text": full,
        "family": family,
    }
    if given:
        name["given"] = [given]
    return name


class PatientRecord(BaseModel):
    """A patient as the gateway's record has them.

    ``name`` is the kanji name with U+3000 between family and given name, as
    the card writes it; it may hold ● (U+25CF) where the national system
    cannot spell a character. The identity gate compares it with the card.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    name: str = Field(min_length=1)
    kana_name: str | None = None
    birthdate: date
    gender: Gender = Gender.UNKNOWN

    @property
    def reference(self) -> str:
        return f"Patient/{self.id}"

    def __repr__(self) -> str:  # keep personal data out of tracebacks and debug logs
        return f"PatientRecord(id={self.id})"

    __str__ = __repr__

    def to_fhir(self) -> dict[str, Any]:
        """The FHIR R4 ``Patient`` resource (kanji and kana as two HumanNames)."""
        names = [_human_name(self.name, "IDE")]
        if self.kana_name:
            names.append(_human_name(self.kana_name, "SYL"))
        return {
            "resourceType": "Patient",
            "id": self.id,
            "name": names,
            "gender": self.gender.value,
            "birthDate": self.birthdate.isoformat(),
        }

    @classmethod
    def from_fhir(cls, payload: Any) -> PatientRecord:
        """Read a FHIR ``Patient``; raises FhirFormatError when the shape is wrong."""
        check_resource_type(payload, "Patient")
        wire = parse_wire(_Patient, payload, "Patient")
        kanji: str | None = None
        kana: str | None = None
        for name in wire.name:
            representation = name.representation()
            if representation == "SYL":
                kana = kana or name.joined()
            elif representation in (None, "IDE"):
                kanji = kanji or name.joined()
            else:
                raise FhirFormatError("Patient: name has an unknown representation code")
        if not kanji:
            raise FhirFormatError("Patient: no name in kanji")
        try:
            return cls(
                id=wire.id,
                name=kanji,
                kana_name=kana,
                birthdate=wire.birthDate,
                gender=wire.gender,
            )
        except ValueError:
            raise FhirFormatError("Patient: id is not a valid FHIR id") from None

"""Reading a 薬剤情報 answer (``YZKsiquc01res``, XML form) into the domain's history.

The answer names the person again (``QuaInf``): the desk must pass that person
through the identity gate too before it shows a single drug.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from clinic_desk.domain.medication import MedicationDispense, MedicationHistory
from clinic_desk.domain.patient import Gender
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.codes import Coded, MedicationResult, Sex, decode
from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.fields import MEDICATION_NAMES, MedicationNames, MedicationSource
from clinic_desk.oqs.mapping import full_width_kana, record_id
from clinic_desk.oqs.models import MessageHeader
from clinic_desk.oqs.qualification import envelope, parse_header, parse_message
from clinic_desk.oqs.reading import child, code, parse_yyyymmdd, text, yyyymmdd
from clinic_desk.oqs.xmlsafe import Limits

MAX_DRUGS = 20_000
_N = MedicationNames


class MedicationPerson(BaseModel):
    """Who the answer says it is about (``QuaInf``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    kana_name: str | None = None  # full-width, as the domain spells kana
    birthdate: date | None = None
    gender: Gender = Gender.UNKNOWN

    def __repr__(self) -> str:
        return "MedicationPerson(…)"

    __str__ = __repr__


class MedicationAnswer(BaseModel):
    """One 薬剤情報 answer. ``history`` is None unless ResultCode is 1 (success)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file_id: str
    header: MessageHeader
    result: Coded[MedicationResult] | None
    message: str | None = None  # MessageContents, when not a success
    person: MedicationPerson
    history: MedicationHistory | None = None
    sources: dict[str, MedicationSource] = {}  # dispense id → where it came from

    @property
    def succeeded(self) -> bool:
        return self.result is not None and self.result.value is MedicationResult.SUCCESS

    def __repr__(self) -> str:
        count = len(self.history.dispenses) if self.history else 0
        return f"MedicationAnswer(file_id={self.file_id!r}, dispenses={count})"

    __str__ = __repr__


def _find_anywhere(header: ET.Element, body: ET.Element | None, name: str) -> str | None:
    for parent in (body, header):
        if parent is not None:
            value = text(parent, name)
            if value is not None:
                return value
    return None


def _person(header: ET.Element) -> MedicationPerson:
    info = child(header, f.QUA_INF)
    if info is None:
        return MedicationPerson()
    sex = code(info, f.QUA_GENDER, Sex)
    genders = {Sex.MALE: Gender.MALE, Sex.FEMALE: Gender.FEMALE}
    name = text(info, f.QUA_NAME)
    return MedicationPerson(
        name=name.strip() if name else None,
        kana_name=full_width_kana(text(info, f.QUA_KANA_NAME)),
        birthdate=yyyymmdd(info, f.QUA_BIRTH),
        gender=genders.get(sex.value, Gender.UNKNOWN) if sex and sex.value else Gender.UNKNOWN,
    )


def _number(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if 0 <= number < 1e9 else None


def _days(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 4 else None


def _month_start(month: str | None) -> date | None:
    if month is None or not month.strip():
        return None
    return parse_yyyymmdd(month.strip()[:6] + "01", "month")


def _months(body: ET.Element, source: MedicationSource) -> list[ET.Element]:
    names = MEDICATION_NAMES[source]
    container = names[_N.CONTAINER]
    parents = body.findall(container) if container else [body]
    return [month for parent in parents for month in parent.findall(names[_N.MONTH_INF])]


def _dispenses(
    body: ET.Element, patient_id: str
) -> tuple[list[MedicationDispense], dict[str, MedicationSource]]:
    found: list[MedicationDispense] = []
    sources: dict[str, MedicationSource] = {}
    for source in MedicationSource:
        names = MEDICATION_NAMES[source]
        for month in _months(body, source):
            fallback = _month_start(text(month, names[_N.MONTH]))
            dispenser = text(month, names[_N.DISPENSER_NAME])
            prescriber = text(month, names[_N.PRESCRIBER_NAME])
            dates = child(month, names[_N.DATE_INFS])
            for day in dates.findall(names[_N.DATE_INF]) if dates is not None else []:
                on = (
                    yyyymmdd(day, names[_N.DISPENSED_ON])
                    or yyyymmdd(day, names[_N.PRESCRIBED_ON])
                    or fallback
                )
                if on is None:
                    raise OqsFormatError("A medication entry has no date.")
                drugs = child(day, names[_N.DRUG_INFS])
                for drug in drugs.findall(names[_N.DRUG_INF]) if drugs is not None else []:
                    if len(found) >= MAX_DRUGS:
                        raise OqsFormatError(f"The file lists more than {MAX_DRUGS} drugs.")
                    name = text(drug, names[_N.DRUG_NAME])
                    if name is None or not name.strip():
                        raise OqsFormatError("A medication entry has no drug name.")
                    dispense_id = f"{patient_id}-{len(found) + 1}"
                    code_text = text(drug, names[_N.DRUG_CODE])
                    usage = text(drug, names[_N.USAGE])
                    unit = text(drug, names[_N.UNIT])
                    try:
                        dispense = MedicationDispense(
                            id=dispense_id,
                            dispensed_on=on,
                            drug_name=name.strip(),
                            # a レセプト電算 code: the domain has no system for it yet
                            drug_code=code_text.strip() if code_text else None,
                            quantity=_number(text(drug, names[_N.QUANTITY])),
                            quantity_unit=unit.strip() if unit else None,
                            dosage=usage.strip() if usage else None,
                            days_supply=_days(text(drug, names[_N.TIMES])),
                            prescriber=prescriber.strip() if prescriber else None,
                            pharmacy=dispenser.strip() if dispenser else None,
                        )
                    except ValidationError:
                        raise OqsFormatError("A medication entry cannot be read.") from None
                    found.append(dispense)
                    sources[dispense_id] = source
    return found, sources


def medication_from_root(root: ET.Element, file_id: str, fetched_at: datetime) -> MedicationAnswer:
    header_element, body = envelope(root)
    header = parse_header(header_element)
    result_text = _find_anywhere(header_element, body, f.RESULT_CODE)
    result = decode(MedicationResult, result_text) if result_text and result_text.strip() else None
    person = _person(header_element)
    answer = MedicationAnswer(
        file_id=file_id,
        header=header,
        result=result,
        message=_find_anywhere(header_element, body, f.MESSAGE_CONTENTS),
        person=person,
    )
    if not answer.succeeded or body is None:
        return answer
    patient_id = record_id(file_id)[:50]
    dispenses, sources = _dispenses(body, patient_id)
    ordered = sorted(dispenses, key=lambda d: (d.dispensed_on, d.id), reverse=True)
    history = MedicationHistory(
        patient_id=patient_id, dispenses=tuple(ordered), fetched_at=fetched_at
    )
    return answer.model_copy(update={"history": history, "sources": sources})


def parse_medication(
    data: bytes,
    file_id: str,
    fetched_at: datetime,
    *,
    fallback_codec: str = "utf-8",
    limits: Limits | None = None,
) -> MedicationAnswer:
    """Parse one 薬剤情報 answer; raises OqsFormatError and nothing else."""
    root = parse_message(data, fallback_codec=fallback_codec, limits=limits)
    return medication_from_root(root, file_id, fetched_at)

"""Writing the desk's requests: qualification by number, and 薬剤情報."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Literal

from clinic_desk.oqs import fields as f
from clinic_desk.oqs.errors import OqsInputError


@dataclass(frozen=True)
class InsuredNumbers:
    """The numbers on a 資格確認書 (or insurance card): what a lookup is keyed by."""

    insurer_number: str
    symbol: str | None
    number: str
    branch: str | None

    def __repr__(self) -> str:  # numbers identify a person: never in tracebacks
        return "InsuredNumbers(…)"

    __str__ = __repr__


def padded_insurer_number(raw: str, padding: Literal["space", "zero"]) -> str:
    """The 8 characters the request takes: 6-digit numbers are left-padded."""
    value = raw.strip()
    if not value.isascii() or not value.isdigit() or len(value) not in (6, 8):
        raise OqsInputError("The insurer number must have 6 or 8 digits.")
    return value.rjust(8, " " if padding == "space" else "0")


def checked(numbers: InsuredNumbers) -> InsuredNumbers:
    number = numbers.number.strip()
    if not number or len(number) > 40:
        raise OqsInputError("The insured person's number must have 1 to 40 characters.")
    symbol = (numbers.symbol or "").strip() or None
    if symbol is not None and len(symbol) > 40:
        raise OqsInputError("The symbol must have at most 40 characters.")
    branch = (numbers.branch or "").strip() or None
    if branch is not None and not (branch.isascii() and branch.isdigit() and len(branch) == 2):
        raise OqsInputError("The branch number must have 2 digits.")
    return InsuredNumbers(numbers.insurer_number.strip(), symbol, number, branch)


def _add(parent: ET.Element, name: str, value: str | None) -> None:
    if value is not None:
        ET.SubElement(parent, name).text = value


def _encode(root: ET.Element, codec: str) -> bytes:
    declared = "Shift_JIS" if codec == "cp932" else "UTF-8"
    body = ET.tostring(root, encoding="unicode")
    try:
        return f'<?xml version="1.0" encoding="{declared}"?>\n{body}\n'.encode(codec)
    except UnicodeEncodeError:
        raise OqsInputError(
            f"The request holds characters that cannot be written in {declared}."
        ) from None


def qualification_request(
    *,
    numbers: InsuredNumbers,
    birthdate: date,
    file_id: str,
    institution_code: str,
    today: date,
    padding: Literal["space", "zero"],
    codec: str,
    limit_consent: bool = False,
) -> bytes:
    """``OQSsiquc01req``: eligibility by the numbers and the birthdate."""
    numbers = checked(numbers)
    root = ET.Element(f.XML_MSG)
    header = ET.SubElement(root, f.MESSAGE_HEADER)
    _add(header, f.QUALIFICATION_CONFIRMATION_DATE, today.strftime("%Y%m%d"))
    _add(header, f.MEDICAL_INSTITUTION_CODE, institution_code)
    _add(header, f.ARBITRARY_FILE_IDENTIFIER, file_id)
    body = ET.SubElement(root, f.MESSAGE_BODY)
    search = ET.SubElement(body, f.QUALIFICATION_CONFIRM_SEARCH_INFO)
    _add(search, f.INSURER_NUMBER, padded_insurer_number(numbers.insurer_number, padding))
    _add(search, f.INSURED_CARD_SYMBOL, numbers.symbol)
    _add(search, f.INSURED_IDENTIFICATION_NUMBER, numbers.number)
    _add(search, f.INSURED_BRANCH_NUMBER, numbers.branch)
    _add(search, f.BIRTHDATE, birthdate.strftime("%Y%m%d"))
    _add(search, f.LIMIT_CONSENT_FLAG, "1" if limit_consent else "0")
    return _encode(root, codec)


def medication_request(
    *,
    numbers: InsuredNumbers,
    file_id: str,
    institution_code: str,
    start: date | None,
    end: date | None,
    padding: Literal["space", "zero"],
    codec: str,
) -> bytes:
    """``YZKsiquc01req``: 薬剤情報 in XML form (FileCategory 2)."""
    numbers = checked(numbers)
    root = ET.Element(f.XML_MSG)
    header = ET.SubElement(root, f.MESSAGE_HEADER)
    _add(header, f.MEDICAL_INSTITUTION_CODE, institution_code)
    _add(header, f.MED_INSURER_NUMBER, padded_insurer_number(numbers.insurer_number, padding))
    _add(header, f.MED_CARD_SYMBOL, numbers.symbol)
    _add(header, f.MED_IDENTIFICATION_NUMBER, numbers.number)
    _add(header, f.MED_BRANCH_NUMBER, numbers.branch)
    _add(header, f.ARBITRARY_FILE_IDENTIFIER, file_id)
    body = ET.SubElement(root, f.MESSAGE_BODY)
    _add(body, f.START_DATE, start.strftime("%Y%m") if start else None)
    _add(body, f.END_DATE, end.strftime("%Y%m") if end else None)
    _add(body, f.FILE_CATEGORY, "2")
    _add(body, f.PR_DI_INF_CLASSIFICATION, "1")
    _add(body, f.MEDICAL_TREATMENT_FLAG, "1")
    return _encode(root, codec)

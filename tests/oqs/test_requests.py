"""The desk's requests: padding, encodings, and what cannot be sent."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_desk.oqs.errors import OqsInputError
from clinic_desk.oqs.requests import (
    InsuredNumbers,
    medication_request,
    padded_insurer_number,
    qualification_request,
)
from clinic_desk.oqs.xmlsafe import parse_xml


def request(numbers: InsuredNumbers, codec: str = "utf-8", padding: str = "space") -> bytes:
    return qualification_request(
        numbers=numbers,
        birthdate=date(1980, 4, 1),
        file_id="desk0001",
        institution_code="1311111111",
        today=date(2026, 4, 1),
        padding=padding,  # type: ignore[arg-type]
        codec=codec,
    )


def test_six_digit_insurer_numbers_are_padded_as_configured() -> None:
    assert padded_insurer_number("138149", "space") == "  138149"
    assert padded_insurer_number("138149", "zero") == "00138149"
    assert padded_insurer_number("01130012", "space") == "01130012"


def test_a_shift_jis_request_declares_it() -> None:
    data = request(InsuredNumbers("138149", "横浜中", "4501", "00"), "cp932", "zero")
    assert data.startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    root = parse_xml(data).root
    assert root.findtext("MessageBody/QualificationConfirmSearchInfo/InsurerNumber") == "00138149"
    assert root.findtext("MessageBody/QualificationConfirmSearchInfo/InsuredCardSymbol") == "横浜中"
    assert root.findtext("MessageHeader/ArbitraryFileIdentifier") == "desk0001"


@pytest.mark.parametrize(
    "numbers",
    [
        InsuredNumbers("1234567", None, "1", None),
        InsuredNumbers("12345a", None, "1", None),
        InsuredNumbers("01130012", None, " ", None),
        InsuredNumbers("01130012", None, "1", "123"),
        InsuredNumbers("01130012", "x" * 41, "1", None),
    ],
)
def test_numbers_that_cannot_be_sent(numbers: InsuredNumbers) -> None:
    with pytest.raises(OqsInputError):
        request(numbers)


def test_characters_shift_jis_cannot_hold() -> None:
    with pytest.raises(OqsInputError, match="Shift_JIS"):
        request(InsuredNumbers("01130012", "𠮷", "1", None), "cp932")


def test_numbers_stay_out_of_reprs() -> None:
    assert "01130012" not in repr(InsuredNumbers("01130012", None, "567", None))


def test_a_medication_request_asks_for_xml() -> None:
    data = medication_request(
        numbers=InsuredNumbers("01130012", "1234", "567", "00"),
        file_id="desk0002",
        institution_code="1311111111",
        start=date(2025, 4, 1),
        end=None,
        padding="space",
        codec="utf-8",
    )
    root = parse_xml(data).root
    assert root.findtext("MessageBody/FileCategory") == "2"
    assert root.findtext("MessageHeader/InsuredPersonIdentificationNumber") == "567"

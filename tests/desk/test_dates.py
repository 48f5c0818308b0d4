from __future__ import annotations

from datetime import date

import pytest

from clinic_desk.app.dates import parse_typed_date


@pytest.mark.parametrize("typed", ["19800401", "1980-04-01", "1980/04/01", " 1980 04 01 "])
def test_the_forms_people_type(typed: str) -> None:
    assert parse_typed_date(typed) == date(1980, 4, 1)


@pytest.mark.parametrize("typed", ["", "1980", "198004011", "19800230", "19801301", "abcdefgh"])
def test_anything_else_is_no_date(typed: str) -> None:
    assert parse_typed_date(typed) is None

"""The number form: folding, the insurer number's check digit, one clear error per field."""

from __future__ import annotations

import re
from datetime import date

import pytest

from clinic_desk.domain.cost_share import check_digit
from clinic_desk.domain.insured_numbers import (
    InsuredNumbers,
    NumberField,
    NumberForm,
    field_error,
    fold_digits,
    fold_text,
    padded_insurer_number,
    unpadded_insurer_number,
)
from clinic_desk.texts import CATALOGUE, t

TODAY = date(2026, 6, 1)


def _form(**typed: str) -> NumberForm:
    values = {
        "insurer": "01130012",
        "symbol": "1234",
        "number": "567",
        "branch": "00",
        "birthdate": "1980-04-01",
        "name": "山田 太郎",
    }
    values.update(typed)
    return NumberForm(**values)


def test_check_digit_of_published_insurer_numbers() -> None:
    # 協会けんぽ 東京 01130012; 国保 138149 (weights 2,1,2,1… from the right, digit sums)
    assert check_digit("0113001") == 2
    assert check_digit("13814") == 9
    assert field_error(NumberField.INSURER, "01130012", TODAY) == ""
    assert field_error(NumberField.INSURER, "138149", TODAY) == ""


@pytest.mark.parametrize("typed", ["01130013", "01180012", "138143"])
def test_one_digit_wrong_fails_the_check_digit(typed: str) -> None:
    assert field_error(NumberField.INSURER, typed, TODAY) == "numbers.insurer.check_digit"


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("０１１３－００１２", "01130012"),
        ("0113-0012", "01130012"),
        ("0113 0012", "01130012"),
        ("０１１３ー００１２", "01130012"),
        ("　01130012　", "01130012"),
    ],
)
def test_full_width_hyphens_and_spaces_fold(typed: str, folded: str) -> None:
    assert fold_digits(typed) == folded
    assert field_error(NumberField.INSURER, typed, TODAY) == ""


def test_symbol_and_number_keep_kana_and_kanji() -> None:
    assert fold_text("横浜 中") == "横浜中"
    assert fold_text("ＡＢ－１２") == "AB12"
    assert fold_text("ケー１") == "ケー1"  # the long vowel mark is part of kana


def test_padding_is_a_setting_and_reads_back() -> None:
    assert padded_insurer_number("138149", "space") == "  138149"
    assert padded_insurer_number("138149", "zero") == "00138149"
    assert padded_insurer_number("01130012", "zero") == "01130012"
    for wire in ("  138149", "00138149", "138149"):
        assert unpadded_insurer_number(wire) == "138149"
    assert unpadded_insurer_number("01130012") == "01130012"


@pytest.mark.parametrize(
    ("which", "typed", "key"),
    [
        (NumberField.INSURER, "", "numbers.insurer.empty"),
        (NumberField.INSURER, "0113001X", "numbers.insurer.not_digits"),
        (NumberField.INSURER, "0113001", "numbers.insurer.length"),
        (NumberField.INSURER, "011300120", "numbers.insurer.length"),
        (NumberField.SYMBOL, "x" * 41, "numbers.symbol.too_long"),
        (NumberField.SYMBOL, "12\x0034", "numbers.symbol.invalid"),
        (NumberField.NUMBER, "", "numbers.number.empty"),
        (NumberField.NUMBER, " - ", "numbers.number.empty"),
        (NumberField.NUMBER, "9" * 41, "numbers.number.too_long"),
        (NumberField.NUMBER, "5\u200b67", "numbers.number.invalid"),
        (NumberField.BRANCH, "1", "numbers.branch.digits"),
        (NumberField.BRANCH, "001", "numbers.branch.digits"),
        (NumberField.BRANCH, "ab", "numbers.branch.digits"),
        (NumberField.BIRTHDATE, "", "numbers.birthdate.empty"),
        (NumberField.BIRTHDATE, "1980-02-30", "numbers.birthdate.format"),
        (NumberField.BIRTHDATE, "80-04-01", "numbers.birthdate.format"),
        (NumberField.BIRTHDATE, "2027-01-01", "numbers.birthdate.future"),
        (NumberField.BIRTHDATE, "1870-01-01", "numbers.birthdate.too_old"),
        (NumberField.NAME, "", "numbers.name.empty"),
        (NumberField.NAME, "　 ", "numbers.name.empty"),
        (NumberField.NAME, "山" * 65, "numbers.name.too_long"),
        (NumberField.NAME, "山田\x07太郎", "numbers.name.invalid"),
    ],
)
def test_bad_input_at_every_field_has_a_clear_error(
    which: NumberField, typed: str, key: str
) -> None:
    assert field_error(which, typed, TODAY) == key
    form = _form(**{which.value: typed})
    assert form.check(TODAY) is None
    assert form.errors == {which: key}
    assert form.get(which) == typed  # what was typed is kept for the correction


def test_every_error_key_in_both_languages_without_english_in_japanese() -> None:
    keys = [k for k in CATALOGUE if k.startswith(("numbers.", "visual."))]
    assert len(keys) > 20
    for key in keys:
        ja, en = t(key, "ja"), t(key, "en")
        assert ja and en and ja != en
        assert not re.search(r"[A-Za-z]", ja), key


def test_a_good_form_gives_folded_numbers_and_the_stated_name() -> None:
    form = _form(insurer="０１１３－００１２", birthdate="１９８０／０４／０１", branch="")
    checked = form.check(TODAY)
    assert checked is not None and form.errors == {}
    assert checked.numbers == InsuredNumbers(
        insurer_number="01130012", symbol="1234", number="567", branch=None
    )
    assert checked.birthdate == date(1980, 4, 1)
    assert checked.stated_name == "山田　太郎"
    assert "567" not in repr(checked) and "山田" not in repr(checked) and "567" not in repr(form)


def test_matching_ignores_padding_width_and_a_missing_branch() -> None:
    numbers = InsuredNumbers(insurer_number="138149", symbol="横浜中", number="4501", branch=None)
    assert numbers.matches("00138149", "横浜 中", "4501", "00")
    assert not numbers.matches("138149", "横浜中", "4502", "00")
    with_branch = numbers.model_copy(update={"branch": "01"})
    assert not with_branch.matches("138149", "横浜中", "4501", "00")

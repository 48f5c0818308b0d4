"""The numbers on a 資格確認書 (or 資格情報のお知らせ): what a lookup by number is keyed by.

The receptionist types them from paper, so input is folded first: full-width to
half-width (NFKC), hyphens and spaces removed. Each field is then checked on its
own and every problem is one text key (``clinic_desk/texts/paths.py``), so the
screen can say what is wrong next to the field and keep what was typed.

The insurer number carries a 検証番号 (its last digit): the same check as the
public-expense numbers (``cost_share.check_digit``). 01130012 (協会けんぽ) is valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.cost_share import has_valid_check_digit

InsurerPadding = Literal["space", "zero"]

# Hyphens and dashes a receptionist may type between groups of digits. The long
# vowel mark ー is folded only in the digit fields: 記号 and 番号 may hold kana.
_DASHES = "-‐‑‒–—―−﹣－"
_DIGIT_DASHES = _DASHES + "ーｰ"
_SPACES = re.compile(r"\s+")
MAX_TEXT = 40  # 記号 and 番号: the national system's field is 40 characters at most
MAX_NAME = 64
_EARLIEST_BIRTHDATE = date(1880, 1, 1)


class NumberField(StrEnum):
    """The fields of the number lookup form, in the order the screen asks them."""

    INSURER = "insurer"
    SYMBOL = "symbol"
    NUMBER = "number"
    BRANCH = "branch"
    BIRTHDATE = "birthdate"
    NAME = "name"


def _fold(raw: str, dashes: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if ch not in dashes)
    return _SPACES.sub("", text)


def _printable(text: str) -> bool:
    return all(unicodedata.category(ch)[0] not in "CZ" for ch in text)


def fold_digits(raw: str) -> str:
    """Full-width digits, hyphens and spaces folded: "０１１３－００１２" → "01130012"."""
    return _fold(raw, _DIGIT_DASHES)


def fold_text(raw: str) -> str:
    """記号 and 番号: full/half width folded, hyphens and spaces removed."""
    return _fold(raw, _DASHES)


def unpadded_insurer_number(raw: str) -> str:
    """ "  123456" or "00123456" → "123456"; an 8-digit number stays as it is.

    No 法別番号 is 00, so an 8-character number starting with 00 is a padded 6-digit one.
    """
    value = raw.strip()
    if len(value) == 8 and value.startswith("00"):
        return value[2:]
    return value


def padded_insurer_number(number: str, padding: InsurerPadding) -> str:
    """The 8 characters the national system's request takes (6 digits left-padded)."""
    return number.rjust(8, " " if padding == "space" else "0")


def parse_birthdate(raw: str, today: date) -> date | str:
    """A typed birthdate (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, any width), or an error key."""
    text = _fold(raw, _DASHES + "/.")
    if not text:
        return "numbers.birthdate.empty"
    if not (text.isascii() and text.isdigit() and len(text) == 8):
        return "numbers.birthdate.format"
    try:
        value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return "numbers.birthdate.format"
    if value > today:
        return "numbers.birthdate.future"
    if value < _EARLIEST_BIRTHDATE:
        return "numbers.birthdate.too_old"
    return value


class InsuredNumbers(BaseModel):
    """Checked, folded numbers of one qualification (never printed: they identify a person)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    insurer_number: str = Field(pattern=r"^([0-9]{6}|[0-9]{8})$")
    symbol: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    number: str = Field(min_length=1, max_length=MAX_TEXT)
    branch: str | None = Field(default=None, pattern=r"^[0-9]{2}$")

    def __repr__(self) -> str:
        return "InsuredNumbers(…)"

    __str__ = __repr__

    def matches(self, insurer: str, symbol: str | None, number: str, branch: str | None) -> bool:
        """True when a qualification's numbers are these (compared folded).

        A branch left empty on the form matches any branch (older certificates have none).
        """
        if unpadded_insurer_number(insurer) != self.insurer_number:
            return False
        if fold_text(symbol or "") != (self.symbol or ""):
            return False
        if fold_text(number) != self.number:
            return False
        return self.branch is None or fold_digits(branch or "") == self.branch


@dataclass
class NumberForm:
    """What the receptionist typed, field by field, kept as typed.

    ``check(today)`` folds and checks every field; the typed text stays, so after
    該当資格なし one digit can be corrected without typing the rest again.
    """

    insurer: str = ""
    symbol: str = ""
    number: str = ""
    branch: str = ""
    birthdate: str = ""
    name: str = ""
    errors: dict[NumberField, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"NumberForm(errors={sorted(self.errors)})"

    __str__ = __repr__

    def set(self, which: NumberField, text: str) -> None:
        setattr(self, which.value, text)

    def get(self, which: NumberField) -> str:
        value: str = getattr(self, which.value)
        return value

    def check(self, today: date) -> NumberLookupInput | None:
        """The checked input, or None with ``errors`` saying what is wrong (text keys)."""
        self.errors = {}
        for which in NumberField:
            key = field_error(which, self.get(which), today)
            if key:
                self.errors[which] = key
        if self.errors:
            return None
        birthdate = parse_birthdate(self.birthdate, today)
        assert isinstance(birthdate, date)
        return NumberLookupInput(
            numbers=InsuredNumbers(
                insurer_number=fold_digits(self.insurer),
                symbol=fold_text(self.symbol) or None,
                number=fold_text(self.number),
                branch=fold_digits(self.branch) or None,
            ),
            birthdate=birthdate,
            stated_name=stated_name(self.name),
        )


def stated_name(raw: str) -> str:
    """The stated name as the gate compares it: NFKC, runs of spaces as one U+3000."""
    parts = unicodedata.normalize("NFKC", raw).split()
    return "\u3000".join(parts)


def field_error(which: NumberField, raw: str, today: date) -> str:
    """The text key of what is wrong with one typed field, or "" when it is fine."""
    match which:
        case NumberField.INSURER:
            return _insurer_error(fold_digits(raw))
        case NumberField.SYMBOL:
            return _text_error(fold_text(raw), "symbol", required=False)
        case NumberField.NUMBER:
            return _text_error(fold_text(raw), "number", required=True)
        case NumberField.BRANCH:
            branch = fold_digits(raw)
            if branch and not (branch.isascii() and branch.isdigit() and len(branch) == 2):
                return "numbers.branch.digits"
            return ""
        case NumberField.BIRTHDATE:
            parsed = parse_birthdate(raw, today)
            return parsed if isinstance(parsed, str) else ""
        case NumberField.NAME:
            name = stated_name(raw)
            if not name:
                return "numbers.name.empty"
            if len(name) > MAX_NAME:
                return "numbers.name.too_long"
            if not _printable(name.replace("\u3000", "")):
                return "numbers.name.invalid"
            return ""


def _insurer_error(insurer: str) -> str:
    if not insurer:
        return "numbers.insurer.empty"
    if not (insurer.isascii() and insurer.isdigit()):
        return "numbers.insurer.not_digits"
    if len(insurer) not in (6, 8):
        return "numbers.insurer.length"
    if not has_valid_check_digit(insurer):
        return "numbers.insurer.check_digit"
    return ""


def _text_error(value: str, what: str, *, required: bool) -> str:
    if not value:
        return f"numbers.{what}.empty" if required else ""
    if len(value) > MAX_TEXT:
        return f"numbers.{what}.too_long"
    if not _printable(value):
        return f"numbers.{what}.invalid"
    return ""


class NumberLookupInput(BaseModel):
    """A checked lookup: the numbers, the birthdate, and the name the patient states.

    The name is not sent: the gateway is asked by number and birthdate; the identity
    gate then compares the stated name and birthdate with the record it answered.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    numbers: InsuredNumbers
    birthdate: date
    stated_name: str = Field(min_length=1, max_length=MAX_NAME * 2)

    def __repr__(self) -> str:
        return "NumberLookupInput(…)"

    __str__ = __repr__

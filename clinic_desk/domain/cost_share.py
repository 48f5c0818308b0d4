"""What the patient pays: the cost-share items of an eligibility answer.

The national check answers, per qualification, the items that decide the share a
desk charges: 未就学 (pre-school child), 高齢受給者 (aged 70–74, with their own
certificate and ratio), 限度額適用 (the monthly high-cost ceiling category, given
only when the patient consented: OQSCD001), 特定疾病 (three diseases with a fixed
monthly self-pay) and 公費 (public-expense programmes). These models hold them;
``cost_share_fhir`` carries them on a FHIR ``Coverage``; ``copay`` decides the
share to apply and says why.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

ELDERLY_RATIOS = frozenset({10, 20, 30})
MAX_ITEMS = 8  # 特定疾病 and 公費 entries per qualification (bounded: outside input)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Period(_Frozen):
    """A validity period; either end may be open."""

    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def valid_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


def check_digit(digits: str) -> int:
    """The 検証番号 of insurer and public-expense numbers for the digits before it.

    Weights 2, 1, 2, 1, … from the rightmost digit; the digits of each product are
    added; the check digit is (10 − sum mod 10) mod 10.
    """
    total = 0
    for index, ch in enumerate(reversed(digits)):
        product = int(ch) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def has_valid_check_digit(number: str) -> bool:
    """True when the last digit of ``number`` is the check digit of the others."""
    if len(number) < 2 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:-1]) == int(number[-1])


# --- 高齢受給者 ----------------------------------------------------------------------------


class ElderlyRecipient(_Period):
    """The 高齢受給者証 (70–74): its own copay ratio and validity."""

    ratio: int = Field(description="percent the patient pays: 10, 20 or 30")
    issued_on: date | None = Field(default=None, description="交付年月日")

    @model_validator(mode="after")
    def _ratio(self) -> Self:
        if self.ratio not in ELDERLY_RATIOS:
            raise ValueError("the elderly recipient's ratio must be 10, 20 or 30")
        return self


# --- 限度額適用 ----------------------------------------------------------------------------


class CeilingClassification(StrEnum):
    """限度額適用認定証区分: which certificate the qualification corresponds to."""

    CEILING = "01"  # 限度額適用認定証
    CEILING_AND_MEALS = "02"  # 限度額適用・標準負担額減額認定証
    MEALS = "03"  # 標準負担額減額認定証

    @property
    def ja(self) -> str:
        return _CLASSIFICATION_NAMES[self][0]

    @property
    def en(self) -> str:
        return _CLASSIFICATION_NAMES[self][1]


_CLASSIFICATION_NAMES = {
    CeilingClassification.CEILING: ("限度額適用認定証", "high-cost ceiling certificate"),
    CeilingClassification.CEILING_AND_MEALS: (
        "限度額適用・標準負担額減額認定証",
        "high-cost ceiling and reduced meal-cost certificate",
    ),
    CeilingClassification.MEALS: ("標準負担額減額認定証", "reduced meal-cost certificate"),
}


class CeilingCategory(StrEnum):
    """限度額適用区分 (OQSCD012): A01–A06 under 70, B01–B10 from 70."""

    A01 = "A01"
    A02 = "A02"
    A03 = "A03"
    A04 = "A04"
    A05 = "A05"
    A06 = "A06"
    B01 = "B01"
    B02 = "B02"
    B03 = "B03"
    B04 = "B04"
    B05 = "B05"
    B06 = "B06"
    B07 = "B07"
    B08 = "B08"
    B09 = "B09"
    B10 = "B10"

    @property
    def ja(self) -> str:
        """The category as the certificate prints it (区分ア, 現役並みⅢ, …)."""
        return _CATEGORY_NAMES[self][0]

    @property
    def en(self) -> str:
        return _CATEGORY_NAMES[self][1]

    @property
    def from_seventy(self) -> bool:
        """B categories are for patients aged 70 and over."""
        return self.value.startswith("B")


_CATEGORY_NAMES: dict[CeilingCategory, tuple[str, str]] = {
    CeilingCategory.A01: ("区分ア", "category a (ア)"),
    CeilingCategory.A02: ("区分イ", "category i (イ)"),
    CeilingCategory.A03: ("区分ウ", "category u (ウ)"),
    CeilingCategory.A04: ("区分エ", "category e (エ)"),
    CeilingCategory.A05: ("区分オ", "category o (オ)"),
    CeilingCategory.A06: ("区分オ（境）", "category o, borderline (オ・境)"),
    CeilingCategory.B01: ("現役並みⅢ", "working-age income III"),
    CeilingCategory.B02: ("現役並みⅡ", "working-age income II"),
    CeilingCategory.B03: ("現役並みⅠ", "working-age income I"),
    CeilingCategory.B04: ("一般", "general"),
    CeilingCategory.B05: ("低所得Ⅱ", "low income II"),
    CeilingCategory.B06: ("低所得Ⅰ", "low income I"),
    CeilingCategory.B07: ("低所得Ⅰ（老福）", "low income I (old-age welfare pension)"),
    CeilingCategory.B08: ("低所得Ⅰ（境）", "low income I, borderline"),
    CeilingCategory.B09: ("一般Ⅱ", "general II"),
    CeilingCategory.B10: ("一般Ⅰ", "general I"),
}


class ConsentFlag(StrEnum):
    """OQSCD001: whether the patient consented to share the ceiling information."""

    NOT_GIVEN = "0"  # 未同意
    GIVEN = "1"  # 同意


class Ceiling(_Period):
    """限度額適用: the certificate's classification, its category and validity."""

    classification: CeilingClassification = CeilingClassification.CEILING
    category: CeilingCategory


# --- 特定疾病 ------------------------------------------------------------------------------


class SpecificDiseaseCategory(StrEnum):
    """特定疾病区分: the three long-term diseases with a fixed monthly self-pay."""

    DIALYSIS = "1"  # 人工透析を要する慢性腎不全
    HAEMOPHILIA = "2"  # 先天性血液凝固因子障害の一部
    HIV_BLOOD_PRODUCTS = "3"  # 血液製剤の投与に起因するHIV感染症

    @property
    def ja(self) -> str:
        return _DISEASE_NAMES[self][0]

    @property
    def en(self) -> str:
        return _DISEASE_NAMES[self][1]


_DISEASE_NAMES = {
    SpecificDiseaseCategory.DIALYSIS: (
        "人工透析を要する慢性腎不全",
        "chronic renal failure requiring dialysis",
    ),
    SpecificDiseaseCategory.HAEMOPHILIA: (
        "先天性血液凝固因子障害",
        "congenital blood-coagulation factor disorder (haemophilia)",
    ),
    SpecificDiseaseCategory.HIV_BLOOD_PRODUCTS: (
        "血液製剤の投与に起因するHIV感染症",
        "HIV infection caused by blood products",
    ),
}


class SpecificDiseaseConsent(StrEnum):
    """Whether the 特定疾病 information may be shown: 0 なし, 1 あり, 2 期限切れ."""

    NOT_GIVEN = "0"
    GIVEN = "1"
    EXPIRED = "2"


class SpecificDisease(_Period):
    """特定疾病療養受療証: the disease and the monthly self-pay for its care."""

    category: SpecificDiseaseCategory
    self_pay_yen: int | None = Field(
        default=None, ge=0, le=1_000_000, description="自己負担限度額 per month"
    )


# --- 公費 ----------------------------------------------------------------------------------


class PublicExpense(_Period):
    """One public-expense programme (公費): who pays, the recipient, the self-pay."""

    payer_number: str = Field(pattern=r"^[0-9]{8}$", description="公費負担者番号")
    recipient_number: str | None = Field(
        default=None, pattern=r"^[0-9]{7}$", description="公費受給者番号 (none for some)"
    )
    self_pay_yen: int | None = Field(
        default=None, ge=0, le=1_000_000, description="自己負担上限額 per month, if any"
    )

    @property
    def law_number(self) -> str:
        """法別番号: the first two digits name the programme's law."""
        return self.payer_number[:2]

    @property
    def numbers_check(self) -> bool:
        """True when the payer (and recipient) numbers carry valid check digits."""
        ok = has_valid_check_digit(self.payer_number)
        return ok and (
            self.recipient_number is None or has_valid_check_digit(self.recipient_number)
        )


# --- the whole ---------------------------------------------------------------------------


class CostShare(_Frozen):
    """Every cost-share item of one qualification (all optional: old answers have none)."""

    preschool: bool = Field(default=False, description="未就学区分: a child before school")
    elderly: ElderlyRecipient | None = None
    ceiling_consent: ConsentFlag | None = Field(
        default=None, description="OQSCD001; none when the answer did not say"
    )
    ceiling: Ceiling | None = Field(
        default=None, description="kept by the gateway; shown only with ceiling_consent 1"
    )
    specific_disease_consent: SpecificDiseaseConsent | None = None
    specific_diseases: tuple[SpecificDisease, ...] = Field(default=(), max_length=MAX_ITEMS)
    public_expenses: tuple[PublicExpense, ...] = Field(default=(), max_length=MAX_ITEMS)

    @property
    def ceiling_shown(self) -> Ceiling | None:
        """The ceiling, only when the patient consented to share it."""
        return self.ceiling if self.ceiling_consent is ConsentFlag.GIVEN else None

    @property
    def specific_diseases_shown(self) -> tuple[SpecificDisease, ...]:
        """The 特定疾病 entries, unless their consent is missing or expired."""
        if self.specific_disease_consent in (None, SpecificDiseaseConsent.GIVEN):
            return self.specific_diseases
        return ()

    def as_sent(self) -> CostShare:
        """What leaves the gateway: the ceiling (and 特定疾病) only with consent."""
        return self.model_copy(
            update={
                "ceiling": self.ceiling_shown,
                "specific_diseases": self.specific_diseases_shown,
            }
        )

    @property
    def empty(self) -> bool:
        return self == CostShare()

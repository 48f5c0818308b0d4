"""The national system's code lists, as enums with their Japanese labels.

A code the desk does not know is kept as ``Coded(raw=…, value=None)`` and shown as
"unknown (code)" / "不明（code）": a new code from the national system never stops
a check-in by itself. Whether an unknown code can be used is decided where it is
mapped to the domain (see ``mapping``).

The cost-share code lists (限度額適用 classification and category, 特定疾病 and its
consent) are the domain's own tables (``clinic_desk.domain.cost_share``): the file
exchange and the FHIR gateway read the same codes into the same members.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from clinic_desk.domain.cost_share import CeilingCategory as CeilingCategory
from clinic_desk.domain.cost_share import CeilingClassification as CeilingClassification
from clinic_desk.domain.cost_share import SpecificDiseaseCategory as SpecificDiseaseCategory
from clinic_desk.domain.cost_share import SpecificDiseaseConsent as SpecificDiseaseConsent


class OqsCode(StrEnum):
    """Base of every code list: the member's value is the code as written in the file."""

    @property
    def label(self) -> str:
        """The Japanese name of the code (domain vocabulary, the same in both languages)."""
        return label_of(self)


class SegmentOfResult(OqsCode):
    """処理結果区分 of the header [R]; one source writes 3 for an abnormal end."""

    NORMAL_END = "1"
    PROCESSING = "2"
    ABNORMAL_END = "9"
    ABNORMAL_END_ALT = "3"


class CharacterCode(OqsCode):
    """CharacterCodeIdentifier [R]."""

    UTF8 = "0"
    SHIFT_JIS = "1"


class ReferenceClassification(OqsCode):
    """照会番号区分: how the person was found [R]."""

    MY_NUMBER_CARD = "1"
    INSURANCE_CARD = "2"


class ProcessingResultStatus(OqsCode):
    NORMAL = "1"
    ERROR = "2"


class Validity(OqsCode):
    """資格有効性 (OQSCD006). 6 有効（未登録） is reported by newer sources for 医療扶助
    only and is left unknown on purpose: it must not pass as 有効 unverified."""

    VALID = "1"
    INVALID = "2"
    INVALID_NEWER_EXISTS = "3"
    NOT_FOUND = "4"
    SEVERAL_MATCH = "5"


class PrescriptionIssue(OqsCode):
    ELECTRONIC = "1"
    PAPER = "2"


class CardClassification(OqsCode):
    """被保険者証区分 (OQSCD010)."""

    GENERAL = "01"
    RETIRED = "02"
    SHORT_TERM_GENERAL = "03"
    SHORT_TERM_RETIRED = "04"
    QUALIFICATION_CERTIFICATE = "05"
    SPECIAL_RETIRED = "06"
    SELF_DEFENSE_FORCES = "07"
    MEDICAL_ASSISTANCE = "A1"


class PersonalFamily(OqsCode):
    """本人家族区分."""

    INSURED = "1"
    DEPENDENT = "2"


class Sex(OqsCode):
    MALE = "1"
    FEMALE = "2"


class ReasonOfLoss(OqsCode):
    DEATH = "01"
    WELFARE_STARTED = "02"
    OTHER_INSURANCE = "03"
    OTHER = "99"


class Consent(OqsCode):
    """同意フラグ (OQSCD001)."""

    NOT_CONSENTED = "0"
    CONSENTED = "1"


class MedicationResult(OqsCode):
    """ResultCode of a 薬剤情報 answer [R]: anything else carries MessageContents."""

    SUCCESS = "1"


# the domain's tables, under the names the file exchange gives them
LimitClassification = CeilingClassification  # 限度額適用認定証関連情報の区分
LimitCategory = CeilingCategory  # 適用区分 (OQSCD012)
SpecificDisease = SpecificDiseaseCategory  # 特定疾病区分

# labels per code list: members of different lists share values ("1"), so a single
# dict keyed by member would mix them up
LABELS: dict[type[StrEnum], dict[StrEnum, str]] = {
    SegmentOfResult: {
        SegmentOfResult.NORMAL_END: "正常終了",
        SegmentOfResult.PROCESSING: "処理中",
        SegmentOfResult.ABNORMAL_END: "異常終了",
        SegmentOfResult.ABNORMAL_END_ALT: "異常終了",
    },
    CharacterCode: {
        CharacterCode.UTF8: "UTF-8",
        CharacterCode.SHIFT_JIS: "Shift_JIS",
    },
    ReferenceClassification: {
        ReferenceClassification.MY_NUMBER_CARD: "マイナンバーカード",
        ReferenceClassification.INSURANCE_CARD: "被保険者証情報",
    },
    ProcessingResultStatus: {
        ProcessingResultStatus.NORMAL: "正常",
        ProcessingResultStatus.ERROR: "エラー",
    },
    Validity: {
        Validity.VALID: "有効",
        Validity.INVALID: "無効",
        Validity.INVALID_NEWER_EXISTS: "無効（新しい資格あり）",
        Validity.NOT_FOUND: "該当資格なし",
        Validity.SEVERAL_MATCH: "複数該当",
    },
    PrescriptionIssue: {
        PrescriptionIssue.ELECTRONIC: "電子処方箋",
        PrescriptionIssue.PAPER: "紙の処方箋",
    },
    CardClassification: {
        CardClassification.GENERAL: "一般",
        CardClassification.RETIRED: "退職",
        CardClassification.SHORT_TERM_GENERAL: "短期一般",
        CardClassification.SHORT_TERM_RETIRED: "短期退職",
        CardClassification.QUALIFICATION_CERTIFICATE: "資格証明書",
        CardClassification.SPECIAL_RETIRED: "特例退職",
        CardClassification.SELF_DEFENSE_FORCES: "自衛官診療証",
        CardClassification.MEDICAL_ASSISTANCE: "医療扶助",
    },
    PersonalFamily: {
        PersonalFamily.INSURED: "本人",
        PersonalFamily.DEPENDENT: "家族",
    },
    Sex: {
        Sex.MALE: "男",
        Sex.FEMALE: "女",
    },
    ReasonOfLoss: {
        ReasonOfLoss.DEATH: "死亡",
        ReasonOfLoss.WELFARE_STARTED: "生活保護受給開始",
        ReasonOfLoss.OTHER_INSURANCE: "他の保険の取得",
        ReasonOfLoss.OTHER: "その他",
    },
    Consent: {
        Consent.NOT_CONSENTED: "未同意",
        Consent.CONSENTED: "同意",
    },
    MedicationResult: {
        MedicationResult.SUCCESS: "成功",
    },
    SpecificDiseaseConsent: {
        SpecificDiseaseConsent.NOT_GIVEN: "なし",
        SpecificDiseaseConsent.GIVEN: "あり",
        SpecificDiseaseConsent.EXPIRED: "期限切れ",
    },
}


def label_of(member: StrEnum) -> str:
    """The Japanese name of a code: from ``LABELS``, or the domain table's own ``ja``."""
    table = LABELS.get(type(member))
    if table is not None:
        return table[member]
    ja = getattr(member, "ja", None)
    return ja if isinstance(ja, str) else str(member.value)


E = TypeVar("E", bound=StrEnum)


class Coded(BaseModel, Generic[E]):
    """A code as the file wrote it, and the member it names when the desk knows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str
    value: E | None = None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        """The Japanese label, or "unknown (code)"."""
        return label_of(self.value) if self.value is not None else f"unknown ({self.raw})"

    @property
    def label_ja(self) -> str:
        """The Japanese label, or "不明（code）" (for Japanese screens)."""
        return label_of(self.value) if self.value is not None else f"不明（{self.raw}）"

    def __repr__(self) -> str:
        return f"Coded({self.raw!r})"

    __str__ = __repr__


def decode(code_list: type[E], raw: str) -> Coded[E]:
    """``raw`` (surrounding spaces ignored) as a member of ``code_list``, or unknown."""
    text = raw.strip()
    try:
        return Coded[code_list](raw=text, value=code_list(text))  # type: ignore[valid-type]
    except ValueError:
        return Coded[code_list](raw=text, value=None)  # type: ignore[valid-type]

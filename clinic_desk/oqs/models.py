"""The terminal's qualification answer as typed models (every item it sends, kept).

``QualificationResponse`` is what one ``OQSsiquc01res`` file (a number lookup or a
face-reader result) says. ``mapping`` turns it into the domain's ``PatientRecord``
and ``EligibilityRecord``; ``CostShare`` keeps what the domain has no place for yet
(who pays how much, certificates, consents).

None of these models prints personal data in its repr: they end up in tracebacks.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from clinic_desk.oqs.codes import (
    CardClassification,
    CharacterCode,
    Coded,
    Consent,
    LimitCategory,
    LimitClassification,
    PersonalFamily,
    PrescriptionIssue,
    ProcessingResultStatus,
    ReasonOfLoss,
    ReferenceClassification,
    SegmentOfResult,
    Sex,
    SpecificDisease,
    SpecificDiseaseConsent,
    Validity,
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(…)"

    __str__ = __repr__


class MessageHeader(_Model):
    process_execution_time: datetime | None = None
    confirmation_date: date | None = None
    medical_institution_code: str | None = None
    arbitrary_file_identifier: str | None = None
    reference_classification: Coded[ReferenceClassification] | None = None
    segment_of_result: Coded[SegmentOfResult] | None = None
    error_code: str | None = None
    error_message: str | None = None
    character_code: Coded[CharacterCode] | None = None

    def __repr__(self) -> str:
        segment = self.segment_of_result.raw if self.segment_of_result else None
        return f"MessageHeader(id={self.arbitrary_file_identifier!r}, segment={segment!r})"

    __str__ = __repr__


class ElderlyRecipient(_Model):
    """高齢受給者証 (70–74)."""

    certificate_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    contribution_ratio: str | None = None  # as written, "020" = 2割
    contribution_percent: int | None = None


class LimitCertificate(_Model):
    """限度額適用認定証関連情報 (present only with the patient's consent)."""

    classification: Coded[LimitClassification] | None = None
    category: Coded[LimitCategory] | None = None
    certificate_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    long_term_date: date | None = None


class SpecificDiseaseCertificate(_Model):
    """特定疾病療養受療証."""

    category: Coded[SpecificDisease] | None = None
    certificate_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    self_pay: str | None = None  # 自己負担限度額, as written (yen)


class MedicalTicket(_Model):
    """医療券・調剤券情報: one 医療扶助 (公費) ticket, items as written."""

    ticket_type: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    issue_number: str | None = None
    treatment_month: str | None = None  # yyyyMM as written
    self_pay: str | None = None  # 本人支払額, yen as written
    single_or_combined: str | None = None


class ConsentState(_Model):
    """The patient's consent to share one category of information."""

    consent: Coded[Consent] | None = None
    consented_at: str | None = None  # as written
    available_until: str | None = None  # as written


class CostShare(_Model):
    """What decides the patient's share at the desk: the domain's ``Coverage`` carries
    only the ratio, an elderly flag and a ceiling category; everything else is here."""

    relationship: Coded[PersonalFamily] | None = None
    contribution_ratio: str | None = None  # 一部負担割合 as written, "030" = 3割
    contribution_percent: int | None = None  # 30, or None when absent or not a number
    preschool: str | None = None  # 未就学区分, as written
    elderly: ElderlyRecipient | None = None
    limit_consent: Coded[Consent] | None = None
    limit_consented_at: str | None = None
    limit: LimitCertificate | None = None
    specific_disease_consent: Coded[SpecificDiseaseConsent] | None = None
    specific_disease_consented_at: str | None = None
    specific_diseases: tuple[SpecificDiseaseCertificate, ...] = ()
    medical_tickets: tuple[MedicalTicket, ...] = ()  # 公費 (医療扶助) tickets


class QualificationResult(_Model):
    """One ``ResultOfQualificationConfirmation``. Numbers are strings as written:
    the insurer number may start with spaces or zeros."""

    card_classification: Coded[CardClassification] | None = None
    insurer_number: str | None = None
    insurer_name: str | None = None
    symbol: str | None = None
    number: str | None = None
    branch: str | None = None
    insured_name: str | None = None  # head of household
    name: str | None = None
    name_of_other: str | None = None
    name_kana: str | None = None  # half-width kana as sent
    name_of_other_kana: str | None = None
    sex1: Coded[Sex] | None = None
    sex2: Coded[Sex] | None = None
    birthdate: date | None = None
    address: str | None = None
    post_number: str | None = None
    certificate_issuance_date: date | None = None
    card_valid_date: date | None = None
    card_expiration_date: date | None = None
    qualification_date: date | None = None
    disqualification_date: date | None = None
    reason_of_loss: Coded[ReasonOfLoss] | None = None
    cost_share: CostShare = CostShare()
    consents: dict[str, ConsentState] = {}  # keys: fields.CONSENT_CATEGORIES
    reference_number: str | None = None


class QualificationResponse(_Model):
    """One qualification answer: header, processing result, validity and results."""

    header: MessageHeader
    processing_status: Coded[ProcessingResultStatus] | None = None
    processing_code: str | None = None
    processing_message: str | None = None
    validity: Coded[Validity] | None = None
    prescription_issue: Coded[PrescriptionIssue] | None = None
    search_echo: dict[str, str] = {}  # QualificationConfirmSearchInfo as sent back
    results: tuple[QualificationResult, ...] = ()

    @property
    def processing(self) -> bool:
        segment = self.header.segment_of_result
        return segment is not None and segment.value is SegmentOfResult.PROCESSING

    @property
    def confirmed_valid(self) -> bool:
        """Valid only when the terminal ended normally, processed normally, says 有効,
        and found exactly one qualification (as open-source EMRs decide)."""
        segment = self.header.segment_of_result
        return (
            segment is not None
            and segment.value is SegmentOfResult.NORMAL_END
            and self.processing_status is not None
            and self.processing_status.value is ProcessingResultStatus.NORMAL
            and self.validity is not None
            and self.validity.value is Validity.VALID
            and len(self.results) == 1
        )

    def __repr__(self) -> str:
        validity = self.validity.raw if self.validity else None
        return f"QualificationResponse(validity={validity!r}, results={len(self.results)})"

    __str__ = __repr__

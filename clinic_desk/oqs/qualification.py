"""Reading a qualification answer (``OQSsiquc01res``, also the face reader's result)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from clinic_desk.domain.cost_share import MAX_ITEMS
from clinic_desk.oqs import codes as c
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.models import (
    ConsentState,
    CostShare,
    ElderlyRecipient,
    LimitCertificate,
    MedicalTicket,
    MessageHeader,
    QualificationResponse,
    QualificationResult,
    SpecificDiseaseCertificate,
)
from clinic_desk.oqs.reading import child, code, text, timestamp, yyyymmdd
from clinic_desk.oqs.xmlsafe import Limits, parse_xml

MAX_RESULTS = 50  # 複数該当 lists a handful; more is not an answer about one person
MAX_TICKETS = MAX_ITEMS  # 公費 entries per qualification, as the domain bounds them


def envelope(root: ET.Element) -> tuple[ET.Element, ET.Element | None]:
    """The header and body of an ``XmlMsg`` (the body may be absent in an error)."""
    if root.tag != f.XML_MSG:
        raise OqsFormatError(f"The file's root element is not {f.XML_MSG}.")
    header = child(root, f.MESSAGE_HEADER)
    if header is None:
        raise OqsFormatError(f"The file has no {f.MESSAGE_HEADER}.")
    return header, child(root, f.MESSAGE_BODY)


def parse_header(header: ET.Element) -> MessageHeader:
    return MessageHeader(
        process_execution_time=timestamp(header, f.PROCESS_EXECUTION_TIME),
        confirmation_date=yyyymmdd(header, f.QUALIFICATION_CONFIRMATION_DATE),
        medical_institution_code=text(header, f.MEDICAL_INSTITUTION_CODE),
        arbitrary_file_identifier=text(header, f.ARBITRARY_FILE_IDENTIFIER),
        reference_classification=code(
            header, f.REFERENCE_CLASSIFICATION, c.ReferenceClassification
        ),
        segment_of_result=code(header, f.SEGMENT_OF_RESULT, c.SegmentOfResult),
        error_code=text(header, f.ERROR_CODE),
        error_message=text(header, f.ERROR_MESSAGE),
        character_code=code(header, f.CHARACTER_CODE_IDENTIFIER, c.CharacterCode),
    )


def ratio_percent(raw: str | None) -> int | None:
    """ "030" → 30 (3割); None when absent or not a number."""
    if raw is None:
        return None
    value = raw.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > 3:
        return None
    return int(value)


def _elderly(result: ET.Element) -> ElderlyRecipient | None:
    info = child(result, f.ELDERLY_INFO)
    if info is None:
        return None
    ratio = text(info, f.ELDERLY_RATIO)
    return ElderlyRecipient(
        certificate_date=yyyymmdd(info, f.ELDERLY_DATE),
        valid_from=yyyymmdd(info, f.ELDERLY_VALID_START),
        valid_to=yyyymmdd(info, f.ELDERLY_VALID_END),
        contribution_ratio=ratio,
        contribution_percent=ratio_percent(ratio),
    )


def _limit(result: ET.Element) -> LimitCertificate | None:
    info = child(result, f.LIMIT_INFO)
    if info is None:
        return None
    return LimitCertificate(
        classification=code(info, f.LIMIT_CLASSIFICATION, c.LimitClassification),
        category=code(info, f.LIMIT_CLASSIFICATION_FLAG, c.LimitCategory),
        certificate_date=yyyymmdd(info, f.LIMIT_DATE),
        valid_from=yyyymmdd(info, f.LIMIT_VALID_START),
        valid_to=yyyymmdd(info, f.LIMIT_VALID_END),
        long_term_date=yyyymmdd(info, f.LIMIT_LONG_TERM_DATE),
    )


def _entries(result: ET.Element, listing_name: str, entry_name: str) -> list[ET.Element]:
    """The ``entry_name`` children of ``listing_name``: at most MAX_TICKETS."""
    listing = child(result, listing_name)
    entries = [] if listing is None else listing.findall(entry_name)
    if len(entries) > MAX_TICKETS:
        raise OqsFormatError(f"The file lists more than {MAX_TICKETS} {entry_name}.")
    return entries


def _specific_diseases(result: ET.Element) -> tuple[SpecificDiseaseCertificate, ...]:
    return tuple(
        SpecificDiseaseCertificate(
            category=code(info, f.SPECIFIC_DISEASE_CATEGORY, c.SpecificDisease),
            certificate_date=yyyymmdd(info, f.SPECIFIC_DISEASE_DATE),
            valid_from=yyyymmdd(info, f.SPECIFIC_DISEASE_VALID_START),
            valid_to=yyyymmdd(info, f.SPECIFIC_DISEASE_VALID_END),
            self_pay=text(info, f.SPECIFIC_DISEASE_SELF_PAY),
        )
        for info in _entries(result, f.SPECIFIC_DISEASES_LIST, f.SPECIFIC_DISEASES_INFO)
    )


def _medical_tickets(result: ET.Element) -> tuple[MedicalTicket, ...]:
    return tuple(
        MedicalTicket(
            ticket_type=text(info, f.TICKET_TYPE),
            valid_from=yyyymmdd(info, f.TICKET_VALID_START),
            valid_to=yyyymmdd(info, f.TICKET_VALID_END),
            issue_number=text(info, f.TICKET_ISSUE_NUMBER),
            treatment_month=text(info, f.TICKET_TREATMENT_MONTH),
            self_pay=text(info, f.TICKET_SELF_PAY),
            single_or_combined=text(info, f.TICKET_SINGLE_OR_COMBINED),
        )
        for info in _entries(result, f.PUBLIC_EXPENSE_LIST, f.MEDICAL_TICKET_INFO)
    )


def _cost_share(result: ET.Element) -> CostShare:
    ratio = text(result, f.PARTIAL_CONTRIBUTION_RATIO)
    return CostShare(
        relationship=code(result, f.PERSONAL_FAMILY_CLASSIFICATION, c.PersonalFamily),
        contribution_ratio=ratio,
        contribution_percent=ratio_percent(ratio),
        preschool=text(result, f.PRESCHOOL_CLASSIFICATION),
        elderly=_elderly(result),
        limit_consent=code(result, f.LIMIT_CONSENT_FLAG, c.Consent),
        limit_consented_at=text(result, f.LIMIT_CONSENT_TIME),
        limit=_limit(result),
        specific_disease_consent=code(
            result, f.SPECIFIC_DISEASES_CONSENT_FLAG, c.SpecificDiseaseConsent
        ),
        specific_disease_consented_at=text(result, f.SPECIFIC_DISEASES_CONSENT_TIME),
        specific_diseases=_specific_diseases(result),
        medical_tickets=_medical_tickets(result),
    )


def _consents(result: ET.Element) -> dict[str, ConsentState]:
    found: dict[str, ConsentState] = {}
    for key, prefix in f.CONSENT_CATEGORIES.items():
        state = ConsentState(
            consent=code(result, prefix + f.CONS_FLG, c.Consent),
            consented_at=text(result, prefix + f.CONS_TIME),
            available_until=text(result, prefix + f.AVAILABLE_TIME),
        )
        if state.consent is not None or state.consented_at or state.available_until:
            found[key] = state
    return found


def parse_result(result: ET.Element) -> QualificationResult:
    return QualificationResult(
        card_classification=code(result, f.INSURED_CARD_CLASSIFICATION, c.CardClassification),
        insurer_number=text(result, f.INSURER_NUMBER),
        insurer_name=text(result, f.INSURER_NAME),
        symbol=text(result, f.INSURED_CARD_SYMBOL),
        number=text(result, f.INSURED_IDENTIFICATION_NUMBER),
        branch=text(result, f.INSURED_BRANCH_NUMBER),
        insured_name=text(result, f.INSURED_NAME),
        name=text(result, f.NAME),
        name_of_other=text(result, f.NAME_OF_OTHER),
        name_kana=text(result, f.NAME_KANA),
        name_of_other_kana=text(result, f.NAME_OF_OTHER_KANA),
        sex1=code(result, f.SEX1, c.Sex),
        sex2=code(result, f.SEX2, c.Sex),
        birthdate=yyyymmdd(result, f.BIRTHDATE),
        address=text(result, f.ADDRESS),
        post_number=text(result, f.POST_NUMBER),
        certificate_issuance_date=yyyymmdd(result, f.CERTIFICATE_ISSUANCE_DATE),
        card_valid_date=yyyymmdd(result, f.CARD_VALID_DATE),
        card_expiration_date=yyyymmdd(result, f.CARD_EXPIRATION_DATE),
        qualification_date=yyyymmdd(result, f.QUALIFICATION_DATE),
        disqualification_date=yyyymmdd(result, f.DISQUALIFICATION_DATE),
        reason_of_loss=code(result, f.REASON_OF_LOSS, c.ReasonOfLoss),
        cost_share=_cost_share(result),
        consents=_consents(result),
        reference_number=text(result, f.REFERENCE_NUMBER),
    )


def _search_echo(body: ET.Element) -> dict[str, str]:
    info = child(body, f.QUALIFICATION_CONFIRM_SEARCH_INFO)
    if info is None:
        return {}
    echo: dict[str, str] = {}
    for element in info:
        if element.text and not len(element) and isinstance(element.tag, str):
            echo[element.tag[:64]] = element.text[:256]
    return echo


def qualification_from_root(root: ET.Element) -> QualificationResponse:
    header_element, body = envelope(root)
    header = parse_header(header_element)
    if body is None:
        return QualificationResponse(header=header)
    results: list[QualificationResult] = []
    listing = child(body, f.RESULT_LIST)
    if listing is not None:
        entries = listing.findall(f.RESULT_OF_QUALIFICATION)
        if len(entries) > MAX_RESULTS:
            raise OqsFormatError(f"The file lists more than {MAX_RESULTS} qualifications.")
        results = [parse_result(entry) for entry in entries]
    return QualificationResponse(
        header=header,
        processing_status=code(body, f.PROCESSING_RESULT_STATUS, c.ProcessingResultStatus),
        processing_code=text(body, f.PROCESSING_RESULT_CODE),
        processing_message=text(body, f.PROCESSING_RESULT_MESSAGE),
        validity=code(body, f.QUALIFICATION_VALIDITY, c.Validity),
        prescription_issue=code(body, f.PRESCRIPTION_ISSUE_SELECT, c.PrescriptionIssue),
        search_echo=_search_echo(body),
        results=tuple(results),
    )


_CODECS = {c.CharacterCode.UTF8: "utf-8", c.CharacterCode.SHIFT_JIS: "cp932"}
# read before parsing, as bytes: ASCII in both encodings, and in the first lines
_CHARACTER_CODE = re.compile(
    rb"<" + f.CHARACTER_CODE_IDENTIFIER.encode() + rb">\s*([0-9])\s*</", re.ASCII
)


def parse_message(
    data: bytes, *, fallback_codec: str = "utf-8", limits: Limits | None = None
) -> ET.Element:
    """The root of an ``XmlMsg`` file. A declared encoding wins; a file without one is
    read in the encoding its CharacterCodeIdentifier names, else ``fallback_codec``."""
    named = _CHARACTER_CODE.search(data[:4096])
    if named:
        known = c.decode(c.CharacterCode, named.group(1).decode("ascii")).value
        fallback_codec = _CODECS.get(known, fallback_codec) if known else fallback_codec
    return parse_xml(data, fallback_codec=fallback_codec, limits=limits).root


def parse_qualification(
    data: bytes, *, fallback_codec: str = "utf-8", limits: Limits | None = None
) -> QualificationResponse:
    """Parse one qualification answer; raises OqsFormatError and nothing else."""
    root = parse_message(data, fallback_codec=fallback_codec, limits=limits)
    return qualification_from_root(root)

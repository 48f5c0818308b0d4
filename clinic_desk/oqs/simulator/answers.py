"""What the simulated terminal writes: answers built from the gateway's dataset."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date, datetime

from clinic_desk.domain.cost_share import CeilingCategory
from clinic_desk.domain.coverage import Coverage, Relationship
from clinic_desk.domain.medication import MedicationDispense
from clinic_desk.domain.patient import Gender
from clinic_desk.gateway.dataset import Dataset, PatientEntry
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.fields import MEDICATION_NAMES, MedicationNames, MedicationSource
from clinic_desk.oqs.mapping import normalise_insurer_number

Match = tuple[PatientEntry, Coverage]
_N = MedicationNames

# full-width katakana → half-width, built from NFKC's own table (ｶ → カ, reversed)
_TO_HALF = {
    unicodedata.normalize("NFKC", chr(cp)): chr(cp)
    for cp in range(0xFF61, 0xFFA0)
    if len(unicodedata.normalize("NFKC", chr(cp))) == 1
}
_TO_HALF.update({"\u3099": "\uff9e", "\u309a": "\uff9f", "\u3000": " "})
# the domain's category table, by the name a dataset coverage gives (区分ウ → A03)
_LIMIT_CATEGORIES = {category.ja: category.value for category in CeilingCategory}


def half_width_kana(text: str) -> str:
    """ヤマダ　タロウ → ﾔﾏﾀﾞ ﾀﾛｳ, as the national system sends kana."""
    return "".join(_TO_HALF.get(ch, ch) for ch in unicodedata.normalize("NFD", text))


def find_matches(
    dataset: Dataset,
    insurer_number: str | None,
    symbol: str | None,
    number: str | None,
    branch: str | None,
    birthdate: date | None,
) -> list[Match]:
    """Coverages whose numbers (and the person's birthdate, when given) match."""
    insurer = normalise_insurer_number(insurer_number)
    found: list[Match] = []
    for entry in dataset.patients.values():
        if birthdate is not None and entry.record.birthdate != birthdate:
            continue
        for coverage in entry.coverages:
            if (
                coverage.insurer_number == insurer
                and (coverage.symbol or "") == (symbol or "").strip()
                and coverage.number == (number or "").strip()
                and (not branch or (coverage.branch or "") == branch.strip())
            ):
                found.append((entry, coverage))
    return found


def _add(parent: ET.Element, name: str, value: str | None) -> ET.Element | None:
    if value is None:
        return None
    element = ET.SubElement(parent, name)
    element.text = value
    return element


def _ymd(value: date | None) -> str | None:
    return value.strftime("%Y%m%d") if value else None


def encode(root: ET.Element, codec: str) -> bytes:
    declared = "Shift_JIS" if codec == "cp932" else "UTF-8"
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="{declared}"?>\n{body}\n'.encode(codec)


def _header(
    root: ET.Element, *, file_id: str, institution: str, segment: str, codec: str, now: datetime
) -> ET.Element:
    header = ET.SubElement(root, f.MESSAGE_HEADER)
    _add(header, f.PROCESS_EXECUTION_TIME, now.strftime("%Y%m%d%H%M%S"))
    _add(header, f.QUALIFICATION_CONFIRMATION_DATE, now.strftime("%Y%m%d"))
    _add(header, f.MEDICAL_INSTITUTION_CODE, institution)
    _add(header, f.ARBITRARY_FILE_IDENTIFIER, file_id)
    _add(header, f.REFERENCE_CLASSIFICATION, "2")
    _add(header, f.SEGMENT_OF_RESULT, segment)
    _add(header, f.CHARACTER_CODE_IDENTIFIER, "1" if codec == "cp932" else "0")
    return header


def _result(list_element: ET.Element, match: Match, limit_consent: bool) -> None:
    entry, coverage = match
    record = entry.record
    result = ET.SubElement(list_element, f.RESULT_OF_QUALIFICATION)
    _add(result, f.INSURED_CARD_CLASSIFICATION, "01")
    _add(result, f.INSURER_NUMBER, coverage.insurer_number.rjust(8, " "))
    _add(result, f.INSURER_NAME, coverage.insurer_name)
    _add(result, f.INSURED_CARD_SYMBOL, coverage.symbol)
    _add(result, f.INSURED_IDENTIFICATION_NUMBER, coverage.number)
    _add(result, f.INSURED_BRANCH_NUMBER, coverage.branch)
    insured = coverage.relationship is Relationship.INSURED
    _add(result, f.PERSONAL_FAMILY_CLASSIFICATION, "1" if insured else "2")
    _add(result, f.NAME, record.name)
    _add(result, f.NAME_KANA, half_width_kana(record.kana_name) if record.kana_name else None)
    sex = {Gender.MALE: "1", Gender.FEMALE: "2"}.get(record.gender)
    _add(result, f.SEX1, sex)
    _add(result, f.BIRTHDATE, _ymd(record.birthdate))
    _add(result, f.QUALIFICATION_DATE, _ymd(coverage.period_start))
    _add(result, f.DISQUALIFICATION_DATE, _ymd(coverage.period_end))
    _add(result, f.PARTIAL_CONTRIBUTION_RATIO, f"{coverage.copay_ratio:03d}")
    if coverage.elderly_recipient:
        elderly = ET.SubElement(result, f.ELDERLY_INFO)
        _add(elderly, f.ELDERLY_VALID_START, _ymd(coverage.period_start))
        _add(elderly, f.ELDERLY_RATIO, f"{coverage.copay_ratio:03d}")
    _limit(result, coverage, limit_consent)
    _specific_diseases(result, coverage)
    _add(
        result, f.CONSENT_CATEGORIES["pharmacists"] + f.CONS_FLG, "1" if entry.medications else "0"
    )


def _limit(result: ET.Element, coverage: Coverage, consent: bool) -> None:
    ceiling = coverage.cost_share.ceiling
    category = ceiling.category.value if ceiling else None
    category = category or _LIMIT_CATEGORIES.get(coverage.ceiling_category or "")
    _add(result, f.LIMIT_CONSENT_FLAG, "1" if consent and category else "0")
    if consent and category:
        info = ET.SubElement(result, f.LIMIT_INFO)
        _add(info, f.LIMIT_CLASSIFICATION, ceiling.classification.value if ceiling else "01")
        _add(info, f.LIMIT_CLASSIFICATION_FLAG, category)
        start = ceiling.valid_from if ceiling else coverage.period_start
        _add(info, f.LIMIT_VALID_START, _ymd(start))
        _add(info, f.LIMIT_VALID_END, _ymd(ceiling.valid_to if ceiling else None))


def _specific_diseases(result: ET.Element, coverage: Coverage) -> None:
    share = coverage.cost_share
    if share.specific_disease_consent is None and not share.specific_diseases:
        return
    consent = share.specific_disease_consent
    _add(result, f.SPECIFIC_DISEASES_CONSENT_FLAG, consent.value if consent else "1")
    listing = ET.SubElement(result, f.SPECIFIC_DISEASES_LIST)
    for disease in share.specific_diseases:
        info = ET.SubElement(listing, f.SPECIFIC_DISEASES_INFO)
        _add(info, f.SPECIFIC_DISEASE_CATEGORY, disease.category.value)
        _add(info, f.SPECIFIC_DISEASE_VALID_START, _ymd(disease.valid_from))
        _add(info, f.SPECIFIC_DISEASE_VALID_END, _ymd(disease.valid_to))
        shown = disease.self_pay_yen
        _add(info, f.SPECIFIC_DISEASE_SELF_PAY, None if shown is None else str(shown))


def qualification_answer(
    matches: list[Match],
    *,
    file_id: str,
    institution: str,
    codec: str,
    now: datetime,
    segment: str = "1",
    limit_consent: bool = False,
    several: bool = False,
) -> bytes:
    """An ``OQSsiquc01res``: 4 without a match, 5 with several (or ``several``), else
    the one coverage's validity."""
    root = ET.Element(f.XML_MSG)
    _header(root, file_id=file_id, institution=institution, segment=segment, codec=codec, now=now)
    body = ET.SubElement(root, f.MESSAGE_BODY)
    _add(body, f.PROCESSING_RESULT_STATUS, "1")
    if segment == "2":
        return encode(root, codec)
    if not matches:
        validity = "4"
    elif len(matches) > 1 or several:
        validity = "5"
    else:
        validity = str(matches[0][1].validity.value)
    _add(body, f.QUALIFICATION_VALIDITY, validity)
    listing = ET.SubElement(body, f.RESULT_LIST)
    for match in matches:
        _result(listing, match, limit_consent)
    return encode(root, codec)


def _drug(parent: ET.Element, names: dict[MedicationNames, str], drug: MedicationDispense) -> None:
    element = ET.SubElement(parent, names[_N.DRUG_INF])
    _add(element, names[_N.DRUG_CODE], drug.drug_code)
    _add(element, names[_N.DRUG_NAME], drug.drug_name)
    _add(element, names[_N.QUANTITY], f"{drug.quantity:g}" if drug.quantity is not None else None)
    _add(element, names[_N.UNIT], drug.quantity_unit)
    _add(element, names[_N.USAGE], drug.dosage)
    _add(element, names[_N.TIMES], str(drug.days_supply) if drug.days_supply else None)


def medication_answer(
    entry: PatientEntry | None, *, file_id: str, institution: str, codec: str, now: datetime
) -> bytes:
    """A ``YZKsiquc01res`` in XML: the latest month as dispensing results, the rest as
    claims, one DateInf per dispensing day."""
    root = ET.Element(f.XML_MSG)
    header = _header(
        root, file_id=file_id, institution=institution, segment="1", codec=codec, now=now
    )
    body = ET.SubElement(root, f.MESSAGE_BODY)
    if entry is None:
        _add(body, f.RESULT_CODE, "2")
        _add(body, f.MESSAGE_CONTENTS, "該当する薬剤情報がありません")
        return encode(root, codec)
    person = ET.SubElement(header, f.QUA_INF)
    _add(person, f.QUA_NAME, entry.record.name)
    kana = entry.record.kana_name
    _add(person, f.QUA_KANA_NAME, half_width_kana(kana) if kana else None)
    _add(person, f.QUA_BIRTH, _ymd(entry.record.birthdate))
    _add(person, f.QUA_GENDER, {Gender.MALE: "1", Gender.FEMALE: "2"}.get(entry.record.gender))
    _add(body, f.RESULT_CODE, "1")
    months: dict[str, list[MedicationDispense]] = defaultdict(list)
    for drug in entry.medications:
        months[drug.dispensed_on.strftime("%Y%m")].append(drug)
    for index, month in enumerate(sorted(months, reverse=True)):
        source = MedicationSource.DISPENSING if index == 0 else MedicationSource.CLAIMS
        names = MEDICATION_NAMES[source]
        parent = ET.SubElement(body, names[_N.CONTAINER]) if names[_N.CONTAINER] else body
        month_inf = ET.SubElement(parent, names[_N.MONTH_INF])
        _add(month_inf, names[_N.MONTH], month)
        first = months[month][0]
        _add(month_inf, names[_N.DISPENSER_NAME], first.pharmacy)
        _add(month_inf, names[_N.PRESCRIBER_NAME], first.prescriber)
        dates = ET.SubElement(month_inf, names[_N.DATE_INFS])
        by_day: dict[date, list[MedicationDispense]] = defaultdict(list)
        for drug in months[month]:
            by_day[drug.dispensed_on].append(drug)
        for day in sorted(by_day):
            date_inf = ET.SubElement(dates, names[_N.DATE_INF])
            _add(date_inf, names[_N.DISPENSED_ON], _ymd(day))
            drugs = ET.SubElement(date_inf, names[_N.DRUG_INFS])
            for drug in by_day[day]:
                _drug(drugs, names, drug)
    return encode(root, codec)


def entity_bomb() -> bytes:
    """The billion-laughs file: ten levels of ten references (10^10 "lol")."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE XmlMsg [", '<!ENTITY l0 "lol">']
    lines += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    lines += ["]>", "<XmlMsg><MessageHeader>&l9;</MessageHeader></XmlMsg>"]
    return "\n".join(lines).encode("ascii")


def malformed(answer: bytes) -> bytes:
    """An answer whose elements do not close (and never will)."""
    return answer.replace(b"</MessageBody>", b"<MessageBody>", 1) or b"<XmlMsg><"

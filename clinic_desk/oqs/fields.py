"""Every name the 資格確認端末's files use: folders, file names and XML elements.

The official interface specification is given to vendors only. Each name here is
marked with where it comes from, so a name that turns out wrong is fixed in one place:

  [R] the project's reference on the file exchange, where several independent
      open-source clinic programs agree (a TypeScript EMR, two C# tools, a C# clinic
      system);
  [E] the public example response quoted in that reference;
  [M] the medication tool's reader of 薬剤情報 XML (the only public source for the
      month / source / drug layout; names vary by source with a prefix);
  [P] the field lists of two of those programs (the TypeScript EMR and a C# reception
      tool) where the reference names only the enclosing element;
  [D] chosen by this project where no source says (documented in docs/oqs-files.md).
"""

from __future__ import annotations

from enum import StrEnum

# --- folders under the terminal's root [R] -----------------------------------------
REQUEST_DIR = "req"
RESPONSE_DIR = "res"
FACE_DIR = "face"


class Exchange(StrEnum):
    """Request kinds, by the prefix of their file names [R]."""

    QUALIFICATION = "OQSsiquc01"  # 資格確認 by number
    MEDICATION = "YZKsiquc01"  # 薬剤情報
    CHECKUP = "TKKsiquc01"  # 特定健診 (not requested by the desk yet)


REQ_INFIX = "req_"  # [R] OQSsiquc01req_<id>.xml
RES_INFIX = "res_"  # [R] OQSsiquc01res_<id>.xml, same <id>
XML_SUFFIX = ".xml"
ERR_SUFFIX = ".err"  # [R] …req_<id>.err
PDF_SUFFIX = ".pdf"  # [R] medication answers may come as PDF
FACE_PREFIX = "OQSsiquc01res_face_"  # [R] face/OQSsiquc01res_face_<id>_<yyyyMMddHHmmss>.xml

# --- the envelope [R][E] --------------------------------------------------------------
XML_MSG = "XmlMsg"
MESSAGE_HEADER = "MessageHeader"
MESSAGE_BODY = "MessageBody"

# --- qualification request header and body [R] ----------------------------------------
QUALIFICATION_CONFIRMATION_DATE = "QualificationConfirmationDate"  # yyyyMMdd
MEDICAL_INSTITUTION_CODE = "MedicalInstitutionCode"  # 10 digits
ARBITRARY_FILE_IDENTIFIER = "ArbitraryFileIdentifier"  # the program's own id, echoed back
QUALIFICATION_CONFIRM_SEARCH_INFO = "QualificationConfirmSearchInfo"
INSURER_NUMBER = "InsurerNumber"  # 8 characters, 6-digit numbers left-padded
INSURED_CARD_SYMBOL = "InsuredCardSymbol"
INSURED_IDENTIFICATION_NUMBER = "InsuredIdentificationNumber"
INSURED_BRANCH_NUMBER = "InsuredBranchNumber"
BIRTHDATE = "Birthdate"  # yyyyMMdd
LIMIT_CONSENT_FLAG = "LimitApplicationCertificateRelatedConsFlg"  # OQSCD001
ARBITRARY_IDENTIFIER = "ArbitraryIdentifier"  # optional

# --- response header [R][E] -----------------------------------------------------------
PROCESS_EXECUTION_TIME = "ProcessExecutionTime"  # yyyyMMddHHmmss
REFERENCE_CLASSIFICATION = "ReferenceClassification"
SEGMENT_OF_RESULT = "SegmentOfResult"
ERROR_CODE = "ErrorCode"
ERROR_MESSAGE = "ErrorMessage"
CHARACTER_CODE_IDENTIFIER = "CharacterCodeIdentifier"

# --- response body [R][E] -------------------------------------------------------------
PROCESSING_RESULT_STATUS = "ProcessingResultStatus"
PROCESSING_RESULT_CODE = "ProcessingResultCode"
PROCESSING_RESULT_MESSAGE = "ProcessingResultMessage"
QUALIFICATION_VALIDITY = "QualificationValidity"  # OQSCD006
PRESCRIPTION_ISSUE_SELECT = "PrescriptionIssueSelect"
RESULT_LIST = "ResultList"
RESULT_OF_QUALIFICATION = "ResultOfQualificationConfirmation"

# --- one result [R][E] ----------------------------------------------------------------
INSURED_CARD_CLASSIFICATION = "InsuredCardClassification"  # OQSCD010
INSURER_NAME = "InsurerName"
PERSONAL_FAMILY_CLASSIFICATION = "PersonalFamilyClassification"
INSURED_NAME = "InsuredName"  # head of household
NAME = "Name"
NAME_OF_OTHER = "NameOfOther"
NAME_KANA = "NameKana"  # half-width kana
NAME_OF_OTHER_KANA = "NameOfOtherKana"
SEX1 = "Sex1"
SEX2 = "Sex2"
ADDRESS = "Address"
POST_NUMBER = "PostNumber"
CERTIFICATE_ISSUANCE_DATE = "InsuredCertificateIssuanceDate"
CARD_VALID_DATE = "InsuredCardValidDate"
CARD_EXPIRATION_DATE = "InsuredCardExpirationDate"
QUALIFICATION_DATE = "QualificationDate"
DISQUALIFICATION_DATE = "DisqualificationDate"
REASON_OF_LOSS = "ReasonOfLoss"
PARTIAL_CONTRIBUTION_RATIO = "InsuredPartialContributionRatio"  # "030" = 3割
PRESCHOOL_CLASSIFICATION = "PreschoolClassification"
REFERENCE_NUMBER = "ReferenceNumber"  # the clinic's own patient id, when registered

ELDERLY_INFO = "ElderlyRecipientCertificateInfo"
ELDERLY_DATE = "ElderlyRecipientCertificateDate"
ELDERLY_VALID_START = "ElderlyRecipientValidStartDate"
ELDERLY_VALID_END = "ElderlyRecipientValidEndDate"
ELDERLY_RATIO = "ElderlyRecipientContributionRatio"

LIMIT_CONSENT_TIME = "LimitApplicationCertificateRelatedConsTime"
LIMIT_INFO = "LimitApplicationCertificateRelatedInfo"
LIMIT_CLASSIFICATION = "LimitApplicationCertificateClassification"
LIMIT_CLASSIFICATION_FLAG = "LimitApplicationCertificateClassificationFlag"  # OQSCD012
LIMIT_DATE = "LimitApplicationCertificateDate"
LIMIT_VALID_START = "LimitApplicationCertificateValidStartDate"
LIMIT_VALID_END = "LimitApplicationCertificateValidEndDate"
LIMIT_LONG_TERM_DATE = "LimitApplicationCertificateLongTermDate"

SPECIFIC_DISEASES_CONSENT_FLAG = "SpecificDiseasesCertificateRelatedConsFlg"
SPECIFIC_DISEASES_CONSENT_TIME = "SpecificDiseasesCertificateRelatedConsTime"
SPECIFIC_DISEASES_LIST = "SpecificDiseasesCertificateList"
SPECIFIC_DISEASES_INFO = "SpecificDiseasesCertificateInfo"
SPECIFIC_DISEASE_CATEGORY = "SpecificDiseasesDiseaseCategory"
SPECIFIC_DISEASE_DATE = "SpecificDiseasesCertificateDate"
SPECIFIC_DISEASE_VALID_START = "SpecificDiseasesValidStartDate"
SPECIFIC_DISEASE_VALID_END = "SpecificDiseasesValidEndDate"
SPECIFIC_DISEASE_SELF_PAY = "SpecificDiseasesSelfPay"

# consent to share clinical information, per category: <Prefix>ConsFlg, …ConsTime,
# …AvailableTime [R]
CONSENT_CATEGORIES = {
    "pharmacists": "PharmacistsInfo",  # 薬剤情報
    "checkups": "SpecificHealthCheckupsInfo",  # 特定健診
    "diagnosis": "DiagnosisInfo",  # 診療情報
    "operation": "OperationInfo",  # 手術情報
}
CONS_FLG = "ConsFlg"
CONS_TIME = "ConsTime"
AVAILABLE_TIME = "AvailableTime"

# 公費 as the terminal answers it today: 医療扶助 (welfare) tickets [R]; their items [P].
# The result's InsurerNumber is then the 公費負担者番号, its InsuredIdentificationNumber
# the 受給者番号 [P].
PUBLIC_EXPENSE_LIST = "PublicExpenseResultList"  # 医療扶助資格確認結果リスト [R]
MEDICAL_TICKET_INFO = "MedicalTicketInfo"  # 医療券・調剤券情報 [R]
TICKET_TYPE = "TicketType"  # 医療券・調剤券別 [P]
TICKET_VALID_START = "MedicalTicketValidDate"  # 有効開始年月日 [P]
TICKET_VALID_END = "MedicalTicketExpirationDate"  # 有効終了年月日 [P]
TICKET_ISSUE_NUMBER = "IssueNumber"  # 交付番号 [P]
TICKET_TREATMENT_MONTH = "MedicalTreatmentMonth"  # 診療年月 [P]
TICKET_SELF_PAY = "SelfPayAmount"  # 本人支払額（自己負担額）, yen [P]
TICKET_SINGLE_OR_COMBINED = "SingleOrCombinedUse"  # 単独・併用別 [P]

# --- medication request [R] -----------------------------------------------------------
MED_INSURER_NUMBER = "InsurerNumber"
MED_CARD_SYMBOL = "InsuranceCardSymbol"
MED_IDENTIFICATION_NUMBER = "InsuredPersonIdentificationNumber"
MED_BRANCH_NUMBER = "BranchNumber"
START_DATE = "StartDate"
END_DATE = "EndDate"
FILE_CATEGORY = "FileCategory"
PR_DI_INF_CLASSIFICATION = "PrDiInfClassification"
MEDICAL_TREATMENT_FLAG = "MedicalTreatmentFlag"

# --- medication response [R][M] -------------------------------------------------------
RESULT_CODE = "ResultCode"  # 1 = success [R]
MESSAGE_CONTENTS = "MessageContents"  # the reason otherwise [R]
QUA_INF = "QuaInf"  # the person the answer is about, in the header [R]
QUA_NAME = "Name"
QUA_KANA_NAME = "KanaName"
QUA_BIRTH = "Birth"
QUA_GENDER = "AdmGendCode"


class MedicationSource(StrEnum):
    """Where a month of medication comes from [M]."""

    CLAIMS = "claims"  # レセプト (MeTr…)
    DISPENSING = "dispensing"  # 調剤結果 (Cz…)
    PRESCRIPTION = "prescription"  # 電子処方箋 (Sh…)


class MedicationNames(StrEnum):
    """Role of an element; each source spells it differently (see MEDICATION_NAMES)."""

    CONTAINER = "container"  # the grouping element under MessageBody, None for claims
    MONTH_INF = "month_inf"
    MONTH = "month"  # yyyyMM
    DISPENSER_NAME = "dispenser_name"  # the pharmacy or institution that dispensed
    PRESCRIBER_NAME = "prescriber_name"  # the prescribing institution
    DATE_INFS = "date_infs"
    DATE_INF = "date_inf"
    DISPENSED_ON = "dispensed_on"
    PRESCRIBED_ON = "prescribed_on"
    DRUG_INFS = "drug_infs"
    DRUG_INF = "drug_inf"
    DRUG_CODE = "drug_code"  # レセプト電算コード
    DRUG_NAME = "drug_name"
    QUANTITY = "quantity"
    UNIT = "unit"
    USAGE = "usage"
    TIMES = "times"  # days (内服) or times (頓服)
    INGREDIENT = "ingredient"


_N = MedicationNames
# [M] names per source: claims (MeTr), dispensing results (Cz), e-prescriptions (Sh)
MEDICATION_NAMES: dict[MedicationSource, dict[MedicationNames, str]] = {
    MedicationSource.CLAIMS: {
        _N.CONTAINER: "",
        _N.MONTH_INF: "MeTrMonthInf",
        _N.MONTH: "MeTrMonth",
        _N.DISPENSER_NAME: "MeTrDiHNm",
        _N.PRESCRIBER_NAME: "PrlsHNm",
        _N.DATE_INFS: "DiDateInfs",
        _N.DATE_INF: "DiDateInf",
        _N.DISPENSED_ON: "DiDate",
        _N.PRESCRIBED_ON: "PrDate",
        _N.DRUG_INFS: "DrugInfs",
        _N.DRUG_INF: "DrugInf",
        _N.DRUG_CODE: "DrugC",
        _N.DRUG_NAME: "DrugN",
        _N.QUANTITY: "Qua1",
        _N.UNIT: "Unit",
        _N.USAGE: "UsageN",
        _N.TIMES: "Times",
        _N.INGREDIENT: "IngreN",
    },
    MedicationSource.DISPENSING: {
        _N.CONTAINER: "CzDiInf",
        _N.MONTH_INF: "CzDiMonthInf",
        _N.MONTH: "CzDiMonth",
        _N.DISPENSER_NAME: "CzMeTrDiHNm",
        _N.PRESCRIBER_NAME: "CzPrlsHNm",
        _N.DATE_INFS: "CzDiDateInfs",
        _N.DATE_INF: "CzDiDateInf",
        _N.DISPENSED_ON: "CzDiDate",
        _N.PRESCRIBED_ON: "CzPrDate",
        _N.DRUG_INFS: "CzDrugInfs",
        _N.DRUG_INF: "CzDrugInf",
        _N.DRUG_CODE: "CzDrugC",
        _N.DRUG_NAME: "CzDrugN",
        _N.QUANTITY: "CzQua1",
        _N.UNIT: "CzUnit",
        _N.USAGE: "CzUsageN",
        _N.TIMES: "CzTimes",
        _N.INGREDIENT: "CzIngreN",
    },
    MedicationSource.PRESCRIPTION: {
        _N.CONTAINER: "ShPrInf",
        _N.MONTH_INF: "ShPrMonthInf",
        _N.MONTH: "ShPrMonth",
        _N.DISPENSER_NAME: "ShMeTrDiHNm",
        _N.PRESCRIBER_NAME: "ShPrHNm",
        _N.DATE_INFS: "ShPrDateInfs",
        _N.DATE_INF: "ShPrDateInf",
        _N.DISPENSED_ON: "ShPrDate",
        _N.PRESCRIBED_ON: "ShPrDate",
        _N.DRUG_INFS: "ShDrugInfs",
        _N.DRUG_INF: "ShDrugInf",
        _N.DRUG_CODE: "ShDrugC",
        _N.DRUG_NAME: "ShDrugN",
        _N.QUANTITY: "ShQua1",
        _N.UNIT: "ShUnit",
        _N.USAGE: "ShUsageN",
        _N.TIMES: "ShTimes",
        _N.INGREDIENT: "ShIngreN",
    },
}

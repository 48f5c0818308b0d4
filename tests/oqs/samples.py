"""Hand-written answers in the shape the terminal sends (values are test data)."""

from __future__ import annotations

RESULT = """
<ResultOfQualificationConfirmation>
  <InsuredCardClassification>01</InsuredCardClassification>
  <InsurerNumber>  138149</InsurerNumber>
  <InsurerName>横浜市</InsurerName>
  <InsuredCardSymbol>12-34</InsuredCardSymbol>
  <InsuredIdentificationNumber>0042</InsuredIdentificationNumber>
  <InsuredBranchNumber>01</InsuredBranchNumber>
  <PersonalFamilyClassification>{relationship}</PersonalFamilyClassification>
  <InsuredName>診療　太郎</InsuredName>
  <Name>診療　太郎</Name>
  <NameKana>ｼﾝﾘｮｳ ﾀﾛｳ</NameKana>
  <Sex1>1</Sex1>
  <Birthdate>19500105</Birthdate>
  <QualificationDate>20200401</QualificationDate>
  <InsuredPartialContributionRatio>{ratio}</InsuredPartialContributionRatio>
  <ElderlyRecipientCertificateInfo>
    <ElderlyRecipientValidStartDate>20250101</ElderlyRecipientValidStartDate>
    <ElderlyRecipientContributionRatio>020</ElderlyRecipientContributionRatio>
  </ElderlyRecipientCertificateInfo>
  <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>
  <LimitApplicationCertificateRelatedConsTime>20260401093000</LimitApplicationCertificateRelatedConsTime>
  <LimitApplicationCertificateRelatedInfo>
    <LimitApplicationCertificateClassification>01</LimitApplicationCertificateClassification>
    <LimitApplicationCertificateClassificationFlag>{category}</LimitApplicationCertificateClassificationFlag>
    <LimitApplicationCertificateValidStartDate>20260401</LimitApplicationCertificateValidStartDate>
  </LimitApplicationCertificateRelatedInfo>
  <SpecificDiseasesCertificateRelatedConsFlg>1</SpecificDiseasesCertificateRelatedConsFlg>
  <SpecificDiseasesCertificateList>
    <SpecificDiseasesCertificateInfo>
      <SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>
      <SpecificDiseasesSelfPay>10000</SpecificDiseasesSelfPay>
    </SpecificDiseasesCertificateInfo>
    <SpecificDiseasesCertificateInfo>
      <SpecificDiseasesDiseaseCategory>7</SpecificDiseasesDiseaseCategory>
    </SpecificDiseasesCertificateInfo>
  </SpecificDiseasesCertificateList>
  <PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>
  <PharmacistsInfoConsTime>20260401093000</PharmacistsInfoConsTime>
  <DiagnosisInfoConsFlg>0</DiagnosisInfoConsFlg>
</ResultOfQualificationConfirmation>"""


def qualification(
    *,
    file_id: str = "desk0001",
    validity: str = "1",
    segment: str = "1",
    results: int = 1,
    relationship: str = "1",
    ratio: str = "030",
    category: str = "A03",
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
    character_code: str = "0",
    status: str = "1",
) -> str:
    result = RESULT.format(relationship=relationship, ratio=ratio, category=category)
    return f"""{declaration}
<XmlMsg>
  <MessageHeader>
    <ProcessExecutionTime>20230221174835</ProcessExecutionTime>
    <CharacterCodeIdentifier>{character_code}</CharacterCodeIdentifier>
    <SegmentOfResult>{segment}</SegmentOfResult>
    <QualificationConfirmationDate>20230221</QualificationConfirmationDate>
    <ReferenceClassification>2</ReferenceClassification>
    <ArbitraryFileIdentifier>{file_id}</ArbitraryFileIdentifier>
    <MedicalInstitutionCode>1311111111</MedicalInstitutionCode>
  </MessageHeader>
  <MessageBody>
    <ProcessingResultStatus>{status}</ProcessingResultStatus>
    <QualificationValidity>{validity}</QualificationValidity>
    <ResultList>{result * results}</ResultList>
  </MessageBody>
</XmlMsg>
"""


MEDICATION = """<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg>
  <MessageHeader>
    <MedicalInstitutionCode>1311111111</MedicalInstitutionCode>
    <ArbitraryFileIdentifier>desk0002</ArbitraryFileIdentifier>
    <QuaInf><Name>診療　花子</Name><KanaName>ｼﾝﾘｮｳ ﾊﾅｺ</KanaName><Birth>19700303</Birth>
      <AdmGendCode>2</AdmGendCode></QuaInf>
  </MessageHeader>
  <MessageBody>
    <ResultCode>{result}</ResultCode>
    <MessageContents>{message}</MessageContents>
    <MeTrMonthInf>
      <MeTrMonth>202604</MeTrMonth><MeTrDiHNm>丸の内薬局</MeTrDiHNm><PrlsHNm>千代田内科</PrlsHNm>
      <DiDateInfs><DiDateInf><DiDate>20260410</DiDate>
        <DrugInfs><DrugInf><DrugC>620000001</DrugC><DrugN>アムロジピン錠5mg</DrugN>
          <Qua1>1</Qua1><Unit>錠</Unit><UsageN>1日1回朝食後</UsageN><Times>28</Times></DrugInf>
        </DrugInfs></DiDateInf></DiDateInfs>
    </MeTrMonthInf>
    <CzDiInf><CzDiMonthInf>
      <CzDiMonth>202605</CzDiMonth><CzMeTrDiHNm>駅前薬局</CzMeTrDiHNm>
      <CzDiDateInfs><CzDiDateInf><CzDiDate>20260502</CzDiDate>
        <CzDrugInfs><CzDrugInf><CzDrugN>ロキソプロフェン錠60mg</CzDrugN><CzQua1>3</CzQua1>
          <CzTimes>頓用</CzTimes></CzDrugInf></CzDrugInfs></CzDiDateInf></CzDiDateInfs>
    </CzDiMonthInf></CzDiInf>
    <ShPrInf><ShPrMonthInf>
      <ShPrMonth>202606</ShPrMonth><ShPrHNm>港クリニック</ShPrHNm>
      <ShPrDateInfs><ShPrDateInf><ShPrDate>20260601</ShPrDate>
        <ShDrugInfs><ShDrugInf><ShDrugN>レバミピド錠100mg</ShDrugN></ShDrugInf></ShDrugInfs>
      </ShPrDateInf></ShPrDateInfs>
    </ShPrMonthInf></ShPrInf>
  </MessageBody>
</XmlMsg>
"""


def medication(result: str = "1", message: str = "") -> str:
    return MEDICATION.format(result=result, message=message)

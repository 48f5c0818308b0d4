"""The full exchange over real HTTP on loopback, one card profile after another."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import pytest

from clinic_desk.domain.coverage import CoverageStatus, Relationship, ValidityState
from clinic_desk.eligibility import EligibilityClient, GatewayRejected
from clinic_desk.gateway.server import GatewayServer
from tests.gateway.conftest import KeySigner, settings_for


async def test_yamada_full_exchange_with_paged_history(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    signer = signer_for("yamada-taro")
    session = await client.open_session(signer)
    assert session.patient_ref == "Patient/p-yamada-taro"
    assert session.certificate_sha256 == hashlib.sha256(signer.certificate_der()).hexdigest()

    patient = await client.fetch_patient(session)
    assert (patient.name, patient.kana_name) == ("山田　太郎", "ヤマダ　タロウ")
    assert patient.birthdate == date(1980, 4, 1)

    eligibility = await client.fetch_eligibility(session)
    assert eligibility.state is ValidityState.VALID
    current = eligibility.current
    assert current is not None
    assert (current.insurer_number, current.symbol, current.number, current.branch) == (
        "01130012",
        "1234",
        "567",
        "00",
    )
    assert current.insurer_name == "全国健康保険協会東京支部"
    assert current.relationship is Relationship.INSURED
    assert current.copay_ratio == 30
    assert current.status is CoverageStatus.ACTIVE
    assert current.ceiling_category == "区分ウ"
    assert not current.elderly_recipient

    history = await client.fetch_medications(session)
    assert history.pages == 3  # 25 dispensings, 10 a page
    assert len(history.dispenses) == 25
    dates = [d.dispensed_on for d in history.dispenses]
    assert dates == sorted(dates, reverse=True)
    assert history.dispenses[0].days_supply in (14, 28)
    assert client.requests_sent == 4 + 3


async def test_requests_per_checkin_before_paging(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(settings_for(gateway, page_size=50)) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
        await desk.fetch_patient(session)
        await desk.fetch_eligibility(session)
        history = await desk.fetch_medications(session)
    assert history.pages == 1 and len(history.dispenses) == 25
    assert desk.requests_sent == 5


@pytest.mark.parametrize(
    ("profile_id", "record_name", "birthdate"),
    [
        ("takahashi-ichiro", "高橋　一郎", date(1975, 11, 23)),  # the card says 髙橋
        ("watanabe-hanako", "渡●　花子", date(1968, 2, 29)),  # ● = cannot be spelled
    ],
)
async def test_record_names_as_the_national_system_writes_them(
    client: EligibilityClient,
    signer_for: Callable[[str], KeySigner],
    profile_id: str,
    record_name: str,
    birthdate: date,
) -> None:
    session = await client.open_session(signer_for(profile_id))
    patient = await client.fetch_patient(session)
    assert patient.name == record_name
    assert patient.birthdate == birthdate
    assert (await client.fetch_eligibility(session)).state is ValidityState.VALID


async def test_mislinked_card_gets_a_strangers_record(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("sato-ken"))  # card: 佐藤　健 1990-07-07
    patient = await client.fetch_patient(session)
    assert (patient.name, patient.birthdate) == ("鈴木　一郎", date(1962, 5, 14))
    eligibility = await client.fetch_eligibility(session)
    assert eligibility.current is not None
    assert eligibility.current.insurer_number == "06400021"
    history = await client.fetch_medications(session)
    assert history.dispenses and all(d.prescriber == "博多循環器内科" for d in history.dispenses)


async def test_lost_coverage_is_invalid(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("kobayashi-sachiko"))
    eligibility = await client.fetch_eligibility(session)
    assert eligibility.state is ValidityState.INVALID
    assert eligibility.current is None
    (coverage,) = eligibility.coverages
    assert coverage.status is CoverageStatus.CANCELLED
    assert coverage.period_end == date(2026, 3, 31)
    assert coverage.copay_ratio == 20
    assert coverage.elderly_recipient


async def test_several_qualifications_match(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("kato-yuki"))
    eligibility = await client.fetch_eligibility(session)
    assert eligibility.state is ValidityState.SEVERAL_MATCH
    assert eligibility.current is None  # the desk never picks one
    assert len(eligibility.coverages) == 2


async def test_no_medication_history(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("nakamura-akemi"))
    eligibility = await client.fetch_eligibility(session)
    assert eligibility.current is not None
    assert eligibility.current.relationship is Relationship.DEPENDENT
    history = await client.fetch_medications(session)
    assert history.dispenses == ()
    assert history.pages == 1


async def test_revoked_certificate_is_rejected(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(signer_for("ito-makoto"))
    assert caught.value.reason == "certificate-revoked"
    assert caught.value.outcome_text == "The card's certificate has been revoked."
    assert "municipal office" in caught.value.desk_action
    assert caught.value.request_id and caught.value.request_id in caught.value.support_hint

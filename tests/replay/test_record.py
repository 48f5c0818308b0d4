"""Recording a check-in: the fixture replays to the same outcome and holds no PIN
and none of the original personal data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clinic_desk.cli import main
from clinic_desk.identity import verdict
from clinic_desk.scenarios.pseudonyms import Pseudonymiser
from clinic_desk.scenarios.record import CheckInRecorder
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Scenario
from tests.replay.conftest import library
from tests.support.leaks import leaked

PIN = "4821"
CARD_NAME = "德永　絵里香"
RECORD_NAME = "徳永　絵里香"  # the record writes the variant 徳 for the card's 德
BIRTHDATE = "1987-06-15"
ADDRESS = "沖縄県那覇市泉崎１－２－２"
PATIENT_ID = "p-tokunaga-erika"
INSURER = "47013309"
INSURED_NUMBER = "9921"
SYMBOL = "那覇"
DRUGS = ("テルミサルタン錠40mg", "エゼチミブ錠10mg")

SECRETS = (
    PIN,
    CARD_NAME,
    RECORD_NAME,
    "德永",
    "徳永",
    "絵里香",
    BIRTHDATE,
    "19870615",
    ADDRESS,
    PATIENT_ID,
    INSURER,
    INSURED_NUMBER,
    SYMBOL,
    "沖縄",
    *DRUGS,
    "那覇中央クリニック",
)


def _scenario() -> dict[str, object]:
    medications = [
        {
            "id": f"md-tokunaga-{i}",
            "dispensed_on": f"2026-0{i + 1}-10",
            "drug_name": drug,
            "quantity": 28.0,
            "quantity_unit": "錠",
            "days_supply": 28,
            "prescriber": "那覇中央クリニック",
        }
        for i, drug in enumerate(DRUGS)
    ]
    return {
        "title": "a patient of this test only",
        "card": {
            "profile_id": "tokunaga-erika",
            "seed": "tokunaga-erika-test",
            "name": CARD_NAME,
            "birthdate": BIRTHDATE,
            "sex": "2",
            "address": ADDRESS,
            "pins": {"text_pin": PIN, "auth_pin": PIN},
        },
        "gateway": {
            "patients": [
                {
                    "record": {"id": PATIENT_ID, "name": RECORD_NAME, "birthdate": BIRTHDATE},
                    "coverages": [
                        {
                            "id": "cov-tokunaga-1",
                            "insurer_number": INSURER,
                            "insurer_name": "沖縄県那覇市",
                            "symbol": SYMBOL,
                            "number": INSURED_NUMBER,
                            "branch": "01",
                            "relationship": "insured",
                            "copay_ratio": 30,
                            "period_start": "2015-04-01",
                            "status": "active",
                            "validity": 1,
                        }
                    ],
                    "medications": medications,
                }
            ],
            "links": [{"patient_id": PATIENT_ID}],
        },
        "steps": [
            {"do": "pin", "correct": False},
            {"do": "pin"},
            {"do": "answer_name"},
            {"do": "type_birthdate", "birthdate": "1987-05-16"},
            {"do": "type_birthdate"},
            {"do": "staff_decision", "accept": True},
            {"do": "consent", "consent": True},
        ],
        "expected": {"outcome": "shown", "medications": 2},
    }


async def _record(source: Path, target: Path) -> None:
    recorder = CheckInRecorder()
    async with Replayer(recorder=recorder) as replayer:
        result = await replayer.replay(source)
        assert result.matched, result.mismatch
        assert replayer.last_runner is not None
        recorder.scenario(replayer.last_runner.machine).save(target)


async def test_record_then_replay_gives_the_same_outcome(tmp_path: Path) -> None:
    source = tmp_path / "source.json"
    source.write_text(json.dumps(_scenario(), ensure_ascii=False), encoding="utf-8")
    recorded = tmp_path / "recorded.json"
    await _record(source, recorded)

    scenario = Scenario.load(recorded)
    assert [s.do for s in scenario.steps] == [
        "pin",
        "pin",
        "answer_name",
        "type_birthdate",
        "type_birthdate",
        "staff_decision",
        "consent",
    ]
    assert scenario.expected.outcome == "shown" and scenario.expected.medications == 2
    assert scenario.expected.states is not None
    exchanges = scenario.recorded["card_exchanges"] if scenario.recorded else []
    assert isinstance(exchanges, list) and exchanges
    assert all({"header", "sw", "ms"} <= set(e) for e in exchanges)

    async with Replayer() as replayer:
        original = await replayer.replay(source)
        again = await replayer.replay(recorded)
    assert again.matched, again.mismatch
    assert (again.outcome, again.states, again.medications) == (
        original.outcome,
        original.states,
        original.medications,
    )


async def test_recorded_fixture_holds_no_pin_and_no_personal_data(tmp_path: Path) -> None:
    source = tmp_path / "source.json"
    source.write_text(json.dumps(_scenario(), ensure_ascii=False), encoding="utf-8")
    recorded = tmp_path / "recorded.json"
    await _record(source, recorded)
    text = recorded.read_text(encoding="utf-8")
    assert not leaked(text, SECRETS), "in the recording"
    scenario = Scenario.load(recorded)
    card = scenario.card
    assert not isinstance(card, str)
    # fake names of the same length and script, still a variant of each other
    record = scenario.gateway.patients[0].record
    assert len(card.name) == len(CARD_NAME) and card.name[2] == "\u3000"
    assert verdict(card.name, card.birthdate, record.name, record.birthdate).outcome == "variant"
    assert card.birthdate != date.fromisoformat(BIRTHDATE)


@pytest.mark.parametrize(
    "name",
    [
        "mislinked-card",
        "gateway-down-offline-medications",
        "several-qualifications",
        "revoked-certificate",
        "pin-blocked",
        "card-removed-mid-read",
        "card-removed-at-pin",
        "cancel-at-consent",
        "medications-unavailable",
        "katakana-name-half-width-record",
        "black-circle-rejected",
        "card-not-linked",
        "certificate-expired",
    ],
)
def test_recording_library_check_ins_replays_them(tmp_path: Path, name: str) -> None:
    source = next(p for p in library() if p.stem == name)
    recorded = tmp_path / "recorded.json"
    assert main(["replay", str(source), "--record", str(recorded), "--json"]) == 0
    assert main(["replay", str(recorded), "--json"]) == 0
    original = Scenario.load(source).expected
    again = Scenario.load(recorded).expected
    assert (again.outcome, again.reason or None) == (original.outcome, original.reason)
    text = recorded.read_text(encoding="utf-8")
    # the mislinked card's stranger, and the cached patient: none of them in the recording
    for value in (
        *("鈴木", "佐藤", "山田", "渡邊", "花子", "スミス", "ｽﾐｽ", "ジョン", "ｼﾞｮﾝ"),
        *("1962-05-14", "1990-07-07", "1980-04-01", "1968-02-29", "1979-05-30", "06400021"),
    ):
        assert value not in text


def test_recording_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "exists.json"
    existing.write_text("{}")
    assert main(["replay", str(library()[0]), "--record", str(existing)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert existing.read_text() == "{}"


def test_pseudonyms_are_consistent_and_keep_shape() -> None:
    p = Pseudonymiser()
    assert p.name("山田　太郎") == p.name("山田　太郎")
    assert p.name("山田　太郎") != "山田　太郎"
    assert len(p.name("やまだ　タロウ")) == len("やまだ　タロウ")
    assert p.name("渡●　花子")[1] == "●"
    assert p.name("山田")[0] == p.name("山口")[0]
    assert p.day(date(2000, 2, 29)) - p.day(date(2000, 2, 28)) == date(2000, 2, 29) - date(
        2000, 2, 28
    )
    assert p.digits("01130012") == p.digits("01130012") != "01130012"
    other = Pseudonymiser()
    names = {Pseudonymiser().name("山田　太郎") for _ in range(5)} | {other.name("山田　太郎")}
    assert len(names) > 1, "a new recording uses new pseudonyms"


@pytest.mark.parametrize(
    ("card", "record"),
    [
        ("スミス　ジョン", "ｽﾐｽ　ｼﾞｮﾝ"),  # width: a match
        ("サトウ　キョウコ", "サトウ　キヨウコ"),  # small kana: a variant
        ("すずき　はなこ", "スズキ　ハナコ"),  # hiragana and katakana: a match
        ("髙橋　一郎", "高橋　一郎"),  # variant kanji
        ("齋藤　𪗒子", "斎藤　齋子"),  # forms of the largest variant class
        ("渡𫟪　花子", "渡邉　花子"),  # a registry form of 辺
        ("渡邊　花子", "渡●　花子"),  # an unknown character
        ("山田　太郎", "鈴木　一郎"),  # a stranger
    ],
)
def test_pseudonyms_keep_the_identity_gates_verdict(card: str, record: str) -> None:
    born = date(1970, 1, 1)
    for _ in range(20):  # every new key
        p = Pseudonymiser()
        fake_card, fake_record = p.name(card), p.name(record)
        assert (len(fake_card), len(fake_record)) == (len(card), len(record))
        assert fake_card != card and fake_record != record
        expected = verdict(card, born, record, born).outcome
        assert verdict(fake_card, born, fake_record, born).outcome == expected


CLINICAL = (
    *("5mg", "2.5mg", "250mg", "60mg"),  # strengths
    *("1日1回朝食後", "1日2回朝夕食後", "1日3回毎食後"),  # dosages
    "区分",  # the ceiling category (区分ア–オ) tells the income band
    *('"strength"', '"quantity"', '"quantity_unit"', '"dosage"', '"days_supply"'),
    '"ceiling_category"',
    '"ceiling"',
)


def test_a_recording_keeps_no_clinical_value_and_is_owner_only(tmp_path: Path) -> None:
    source = next(p for p in library() if p.stem == "ordinary-consent")
    recorded = tmp_path / "recorded.json"
    assert main(["replay", str(source), "--record", str(recorded), "--json"]) == 0
    text = recorded.read_text(encoding="utf-8")
    assert not [value for value in CLINICAL if value in text]
    assert recorded.stat().st_mode & 0o777 == 0o600
    scenario = Scenario.load(recorded)
    [patient] = scenario.gateway.patients
    assert len(patient.medications) == 25
    exchanges = scenario.recorded["card_exchanges"] if scenario.recorded else []
    assert isinstance(exchanges, list) and exchanges
    assert main(["replay", str(recorded), "--json"]) == 0  # still the same check-in


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("cost-share-public-expense", ("54136015", "1234566", "2026-04-01", "2027-03-31")),
        ("cost-share-elderly-ceiling", ("138008", "300412", "2026-07-15", "2026-08-01")),
        ("validity-3-newer-qualification", ("01270016", "大阪支部", "2026-10-01", "06270011")),
    ],
)
def test_recording_hides_the_cost_share_and_newer_qualification(
    tmp_path: Path, name: str, hidden: tuple[str, ...]
) -> None:
    source = next(p for p in library() if p.stem == name)
    recorded = tmp_path / "recorded.json"
    assert main(["replay", str(source), "--record", str(recorded), "--json"]) == 0
    assert main(["replay", str(recorded), "--json"]) == 0
    text = recorded.read_text(encoding="utf-8")
    for value in hidden:
        assert value not in text, value
    original = Scenario.load(source).gateway.patients  # the source names a dataset instead
    assert original == []
    coverage = Scenario.load(recorded).gateway.patients[0].coverages[0]
    share = coverage.cost_share
    # what decides the amount survives: kinds, ratios, self-pay; never the ceiling
    # category, which is the patient's income band
    if name == "cost-share-public-expense":
        assert share.public_expenses[0].self_pay_yen == 5000
        assert len(share.public_expenses[0].payer_number) == 8
    if name == "cost-share-elderly-ceiling":
        assert share.elderly is not None and share.elderly.ratio == 20
        assert share.ceiling is None and "B05" not in text
    if name == "validity-3-newer-qualification":
        assert coverage.newer_qualification is not None

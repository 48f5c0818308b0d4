"""The gate's rules one by one: birthdates, empty names, the unknown mark, inputs, the verdict."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from clinic_desk.identity import (
    REASON_TEXTS,
    UNKNOWN_MARK,
    UNKNOWN_MARKS,
    IdentityInputError,
    IdentityOutcome,
    IdentityVerdict,
    ReasonCode,
    Verdict,
    normalise_name,
    verdict,
)

BIRTH = date(1990, 12, 31)


def test_outcome_values_are_the_plain_strings() -> None:
    assert [o.value for o in IdentityOutcome] == ["match", "variant", "mismatch"]
    assert verdict("山田", BIRTH, "山田", BIRTH).outcome == "match"


def test_identity_verdict_is_the_same_model() -> None:
    assert IdentityVerdict is Verdict


def test_different_birthdate_is_a_mismatch_without_printing_either_date() -> None:
    card, record = date(1971, 5, 9), date(1971, 9, 5)
    result = verdict("山田　太郎", card, "山田　太郎", record)
    assert result.outcome is IdentityOutcome.MISMATCH
    assert result.codes == (ReasonCode.BIRTHDATE_DIFFERS, ReasonCode.NAME_SAME)
    dumped = result.model_dump_json() + repr(result) + str(result)
    for day in (card, record):
        for shown in (day.isoformat(), str(day.year), day.strftime("%Y/%m/%d")):
            assert shown not in dumped


def test_names_never_appear_in_a_verdict() -> None:
    for card, record in [
        ("髙橋　一郎", "高橋　一郎"),
        ("渡邊　花子", "渡●　花子"),
        ("山田", "佐藤"),
    ]:
        result = verdict(card, BIRTH, record, BIRTH)
        text = result.model_dump_json() + repr(result)
        for ch in set(card + record) - {"　", "●"}:
            assert ch not in text


@pytest.mark.parametrize(
    ("card", "record", "codes"),
    [
        ("", "山田", (ReasonCode.CARD_NAME_EMPTY,)),
        ("山田", "", (ReasonCode.RECORD_NAME_EMPTY,)),
        ("", "", (ReasonCode.CARD_NAME_EMPTY, ReasonCode.RECORD_NAME_EMPTY)),
        ("\u3000 \t", "山田", (ReasonCode.CARD_NAME_EMPTY,)),
        ("山田", "\u200b\u00a0\ufeff", (ReasonCode.RECORD_NAME_EMPTY,)),
        ("・", "・", (ReasonCode.CARD_NAME_EMPTY, ReasonCode.RECORD_NAME_EMPTY)),
    ],
)
def test_empty_names_are_a_mismatch(card: str, record: str, codes: tuple[ReasonCode]) -> None:
    result = verdict(card, BIRTH, record, BIRTH)
    assert result.outcome is IdentityOutcome.MISMATCH
    assert result.codes == (ReasonCode.BIRTHDATE_SAME, *codes)


@pytest.mark.parametrize("mark", sorted(UNKNOWN_MARKS))
def test_unknown_mark_on_the_card_is_never_a_match(mark: str) -> None:
    result = verdict(f"渡{mark}　花子", BIRTH, f"渡{mark}　花子", BIRTH)
    assert result.outcome is IdentityOutcome.MISMATCH
    assert ReasonCode.CARD_NAME_UNKNOWN_MARK in result.codes


@pytest.mark.parametrize("mark", sorted(UNKNOWN_MARKS))
def test_every_unknown_mark_in_the_record_stands_for_one_character(mark: str) -> None:
    assert verdict("渡邊　花子", BIRTH, f"渡{mark}　花子", BIRTH).is_variant
    assert verdict("渡邊　花子", BIRTH, f"渡{mark}{mark}　花子", BIRTH).is_mismatch


def test_unknown_mark_is_never_a_match_even_where_the_card_spells_a_common_kanji() -> None:
    result = verdict("山田　太郎", BIRTH, "山●　太郎", BIRTH)
    assert result.outcome is IdentityOutcome.VARIANT


def test_record_of_only_unknown_marks_is_a_mismatch() -> None:
    result = verdict("髙", BIRTH, "●", BIRTH)
    assert result.codes == (ReasonCode.BIRTHDATE_SAME, ReasonCode.RECORD_NAME_UNREADABLE)


def test_unknown_mark_survives_normalisation() -> None:
    for mark in UNKNOWN_MARKS:
        assert unicodedata.normalize("NFKC", UNKNOWN_MARK) == UNKNOWN_MARK
        assert normalise_name(f"渡{mark}\u3099 花子") == "渡●花子"  # a stray mark after ● goes


def test_white_circle_and_other_look_alikes_are_ordinary_characters() -> None:
    for look_alike in "○◯◎■":
        assert verdict("山田　太郎", BIRTH, f"山{look_alike}　太郎", BIRTH).is_mismatch
        assert verdict(f"山{look_alike}", BIRTH, f"山{look_alike}", BIRTH).is_match


def test_compatibility_ideograph_is_handled_either_way() -> None:
    # 塚 U+FA10 is canonically 塚 U+585A: NFKC folds it, so it is the same spelling.
    assert normalise_name("\ufa10本") == normalise_name("塚本")
    assert verdict("\ufa10本", BIRTH, "塚本", BIRTH).is_match
    # 﨑 U+FA11 has no decomposition: it reaches the variant table instead.
    assert normalise_name("山\ufa11") != normalise_name("山崎")
    assert verdict("山\ufa11", BIRTH, "山崎", BIRTH).is_variant


def test_half_width_voiced_marks_combine() -> None:
    assert normalise_name("ｶﾞｷﾞｸﾞｹﾞｺﾞ") == "ガギグゲゴ"
    assert normalise_name("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ") == "パピプペポ"
    assert normalise_name("ｳﾞ") == "ヴ"
    assert normalise_name("ﾜﾞ") == normalise_name("わ\u3099") == "ヷ"
    assert normalise_name("か゛") == "ガ"


@pytest.mark.parametrize(
    ("card", "record"),
    [(b"\xe5\xb1\xb1", "山"), ("山", None), (42, "山")],
)
def test_names_must_be_text(card: object, record: object) -> None:
    with pytest.raises(IdentityInputError, match="must be text"):
        verdict(card, BIRTH, record, BIRTH)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["1990-12-31", datetime(1990, 12, 31), None, 19901231])
def test_birthdates_must_be_calendar_dates(value: object) -> None:
    with pytest.raises(IdentityInputError, match="must be a calendar date"):
        verdict("山田", BIRTH, "山田", value)  # type: ignore[arg-type]
    with pytest.raises(IdentityInputError, match="card birthdate"):
        verdict("山田", value, "山田", BIRTH)  # type: ignore[arg-type]


def test_verdict_is_frozen_and_its_reasons_follow_its_codes() -> None:
    result = verdict("髙橋", BIRTH, "高橋", BIRTH)
    with pytest.raises(ValidationError):
        result.outcome = IdentityOutcome.MATCH  # type: ignore[misc]
    assert result.reasons == tuple(REASON_TEXTS[code] for code in result.codes)
    with pytest.raises(ValidationError):
        Verdict(outcome=IdentityOutcome.MATCH, reasons=("fine",), codes=(ReasonCode.NAME_SAME,))
    with pytest.raises(ValidationError):
        Verdict(outcome=IdentityOutcome.MATCH, reasons=(), codes=())


def test_every_reason_has_plain_wording_without_digits() -> None:
    assert set(REASON_TEXTS) == set(ReasonCode)
    for text in REASON_TEXTS.values():
        assert text and text[0].islower() and not any(ch.isdigit() for ch in text)


def test_verdict_round_trips_through_json() -> None:
    result = verdict("渡邊　花子", BIRTH, "渡●　花子", BIRTH)
    assert Verdict.model_validate_json(result.model_dump_json()) == result

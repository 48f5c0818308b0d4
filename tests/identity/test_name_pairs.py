"""Real-looking name pairs: the same person written differently, and different people."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_desk.identity import IdentityOutcome, ReasonCode, verdict

BIRTH = date(1968, 3, 14)

SAME_PERSON_MATCH = [
    # (card from the chip, record from the gateway)
    ("山田　太郎", "山田　太郎"),
    ("山田　太郎", "山田 太郎"),  # ideographic vs ASCII space
    ("山田　太郎", "山田太郎"),  # no space at all
    ("山田　太郎", " 山田\u00a0\u00a0太郎\t"),  # NBSP, tab, padding
    ("山田　太郎", "山田\u200b太郎"),  # zero-width space from a copy and paste
    ("伊藤　誠", "伊藤\u2003誠"),  # em space
    ("小林　幸子", "小林\u3000\u3000幸子"),
    ("佐藤　ケン", "佐藤　ｹﾝ"),  # half-width katakana
    ("中村　ガク", "中村　ｶﾞｸ"),  # half-width kana with a separate voiced mark
    ("中村　パンダ", "中村　ﾊﾟﾝﾀﾞ"),  # half-width semi-voiced mark
    ("木下　さくら", "木下　サクラ"),  # hiragana vs katakana
    ("木下　さくら", "木下　ｻｸﾗ"),  # hiragana vs half-width katakana
    ("鈴木　ゆうが", "鈴木　ゆうか゛"),  # spacing voiced mark (゛) instead of が
    ("鈴木　ゆうが", "鈴木　ゆうか\u3099"),  # combining voiced mark
    ("前田　ヴィクトル", "前田　ｳﾞｨｸﾄﾙ"),
    ("田中　ジョン", "田中・ジョン"),  # middle dot as the separator
    ("SMITH JOHN", "Smith John"),  # Latin names: letter case
    ("SMITH JOHN", "ＳＭＩＴＨ　ＪＯＨＮ"),  # full-width Latin
    ("GARCIA MARIA", "garcia　maria"),
    ("塚本　健", "\ufa10本　健"),  # compatibility ideograph U+FA10 folds by NFKC
    ("神田　祐介", "\ufa19田　\ufa4f介"),  # 神 U+FA19, 祐 U+FA4F
    ("高田　隆", "高田　\uf9dc"),  # 隆 U+F9DC
    ("佐々木　希", "佐々木　希"),
    ("ｲﾄｳ ﾏｺﾄ", "いとう　まこと"),
]

SAME_PERSON_VARIANT = [
    ("髙橋　一郎", "高橋　一郎"),  # はしご高
    ("高橋　一郎", "髙橋　一郎"),
    ("山﨑　大輔", "山崎　大輔"),  # たつさき U+FA11
    ("山嵜　大輔", "山崎　大輔"),
    ("山﨑　大輔", "山嵜　大輔"),
    ("齋藤　浩", "斎藤　浩"),
    ("齊藤　浩", "斉藤　浩"),
    ("斎藤　浩", "斉藤　浩"),  # 斎藤 and 斉藤 interchanged in registrations
    ("齋藤　浩", "齊藤　浩"),
    ("渡邊　花子", "渡辺　花子"),
    ("渡邉　花子", "渡辺　花子"),
    ("渡邊　花子", "渡邉　花子"),
    ("澤田　真一", "沢田　真一"),
    ("濱田　優", "浜田　優"),
    ("濵田　優", "浜田　優"),
    ("櫻井　翔子", "桜井　翔子"),
    ("廣瀬　すず", "広瀬　すず"),
    ("國分　太一", "国分　太一"),
    ("德川　家康", "徳川　家康"),
    ("龍田　和也", "竜田　和也"),
    ("眞鍋　かおり", "真鍋　かおり"),
    ("惠　俊彰", "恵　俊彰"),
    ("嶋田　久作", "島田　久作"),
    ("嶌田　久作", "嶋田　久作"),
    ("籠池　泰典", "篭池　泰典"),
    ("槇原　敬之", "槙原　敬之"),
    ("藪内　佐斗司", "薮内　佐斗司"),
    ("冨田　勲", "富田　勲"),
    ("岩渕　麻里子", "岩淵　麻里子"),
    ("𠮷田　茂", "吉田　茂"),  # つちよし U+20BB7
    ("峯岸　みなみ", "峰岸　みなみ"),
    ("埜口　誠", "野口　誠"),
    ("瀧本　美織", "滝本　美織"),
    ("北條　司", "北条　司"),
    ("舘　ひろし", "館　ひろし"),
    ("曾根　英樹", "曽根　英樹"),
    ("檜山　修之", "桧山　修之"),
    ("佐々木　希", "佐佐木　希"),  # iteration mark written out
    ("野々村　真", "野野村　真"),
    ("いすゞ　花", "いすず　花"),  # kana voiced iteration mark
    ("キョウコ", "キヨウコ"),  # legacy systems could not store small kana
    ("ジョー　サトウ", "ジヨー　サトウ"),
    ("葛\U000e0100城　明", "葛城　明"),  # ideographic variation selector
    ("辻\U000e0101　仁成", "辻　仁成"),
    ("JOSÉ GARCIA", "JOSE GARCIA"),  # accents dropped by a legacy system
    ("髙橋　龍之介", "高橋　竜之介"),  # two variant kanji
    ("髙橋　いちろう", "高橋　ｲﾁﾛｳ"),  # variant kanji and half-width kana
]

SAME_PERSON_UNKNOWN_MARK = [
    # ● in the record's name stands for exactly one character it cannot spell.
    ("髙橋　一郎", "●橋　一郎"),
    ("渡邊　花子", "渡●　花子"),
    ("渡邉　花子", "渡●　花子"),
    ("山﨑　大輔", "山●　大輔"),
    ("𠮷田　茂", "●田　茂"),
    ("髙橋　一郎", "●橋　一郎"),
    ("髙﨑　一郎", "●●　一郎"),  # two unknown characters, two ●
    ("髙﨑　一郎", "高●　一郎"),  # variant and ● together
    ("渡邊　花子", "渡〓　花子"),  # geta mark from a legacy system
    ("渡邊　花子", "渡\ufffd　花子"),  # a character lost in decoding
    ("渡邊　花子", "渡⚫　花子"),  # ● after a font round trip
    ("渡邊　花子", "渡 ● 花子"),  # spacing around the mark
    ("佐々木　希", "佐●木　希"),
]

DIFFERENT_PERSON = [
    ("山田　太郎", "山田　次郎"),  # one kanji differs
    ("山田　太郎", "山口　太郎"),
    ("佐藤　健", "加藤　健"),
    ("斎藤　浩", "斎藤　治"),
    ("高橋　一郎", "高梨　一郎"),
    ("山田　太郎", "太郎　山田"),  # family and given name swapped
    ("小林　幸子", "小林　幸"),  # record shorter
    ("小林　幸子", "小林　幸子子"),  # record with an extra character
    ("中村　明美", "中村　明美一"),
    ("伊藤　誠", "伊東　誠"),
    ("伊藤　まこと", "伊藤　まさと"),
    ("木下　さくら", "木下　さくま"),
    ("崎山　蒼志", "埼山　蒼志"),  # 崎 and 埼 are distinct characters
    ("髙橋　一郎", "高橋　二郎"),  # a variant kanji does not excuse another difference
    ("渡邊　花子", "渡●　華子"),  # ● where the rest differs
    ("渡邊　花子", "●田　花子"),  # ● stands for 渡, but 田 is not 邊
    ("渡邊　花子", "渡●　花美"),  # ● accounts for 邊, but 子 is not 美
    ("渡邊　花子", "渡●●　花子"),  # ● count does not match
    ("渡邊　花子", "渡　花子"),  # the unknown character left out entirely
    ("渡邊　花子", "●●●●"),  # nothing readable
    ("山田　太郎", "山田　太郎○"),  # ○ is an ordinary character, not the mark
    ("山田　太郎", "山田　○郎"),
    ("SMITH JOHN", "SMYTH JOHN"),
    ("キョウコ", "キヨコ"),
    ("佐々木　希", "佐木　希"),
]


@pytest.mark.parametrize(("card", "record"), SAME_PERSON_MATCH)
def test_same_person_same_spelling_is_a_match(card: str, record: str) -> None:
    result = verdict(card, BIRTH, record, BIRTH)
    assert result.outcome is IdentityOutcome.MATCH, result.codes


@pytest.mark.parametrize(("card", "record"), SAME_PERSON_VARIANT)
def test_same_person_other_notation_is_a_variant(card: str, record: str) -> None:
    result = verdict(card, BIRTH, record, BIRTH)
    assert result.outcome is IdentityOutcome.VARIANT, result.codes
    assert ReasonCode.RECORD_NAME_UNKNOWN_CHARACTERS not in result.codes


@pytest.mark.parametrize(("card", "record"), SAME_PERSON_UNKNOWN_MARK)
def test_record_with_unknown_characters_is_a_variant(card: str, record: str) -> None:
    result = verdict(card, BIRTH, record, BIRTH)
    assert result.outcome is IdentityOutcome.VARIANT, result.codes
    assert ReasonCode.RECORD_NAME_UNKNOWN_CHARACTERS in result.codes


@pytest.mark.parametrize(("card", "record"), DIFFERENT_PERSON)
def test_different_person_is_a_mismatch(card: str, record: str) -> None:
    result = verdict(card, BIRTH, record, BIRTH)
    assert result.outcome is IdentityOutcome.MISMATCH, result.codes


@pytest.mark.parametrize(
    ("card", "record"), SAME_PERSON_MATCH + SAME_PERSON_VARIANT + SAME_PERSON_UNKNOWN_MARK
)
def test_same_name_with_another_birthdate_is_a_mismatch(card: str, record: str) -> None:
    result = verdict(card, BIRTH, record, date(1968, 3, 15))
    assert result.outcome is IdentityOutcome.MISMATCH
    assert result.codes[0] is ReasonCode.BIRTHDATE_DIFFERS


@pytest.mark.parametrize(("card", "record"), SAME_PERSON_MATCH + SAME_PERSON_VARIANT)
def test_judgement_does_not_depend_on_which_side_is_the_card(card: str, record: str) -> None:
    forward = verdict(card, BIRTH, record, BIRTH)
    backward = verdict(record, BIRTH, card, BIRTH)
    assert forward.outcome is backward.outcome


def test_reason_names_every_kind_of_notation_difference() -> None:
    cases = {
        ("髙橋", "高橋"): ReasonCode.NAME_KANJI_VARIANT,
        ("キョウコ", "キヨウコ"): ReasonCode.NAME_SMALL_KANA,
        ("佐々木", "佐佐木"): ReasonCode.NAME_ITERATION_MARK,
        ("葛\U000e0100城", "葛城"): ReasonCode.NAME_VARIATION_SELECTOR,
        ("JOSÉ", "JOSE"): ReasonCode.NAME_LATIN_ACCENT,
    }
    for (card, record), code in cases.items():
        assert verdict(card, BIRTH, record, BIRTH).codes == (ReasonCode.BIRTHDATE_SAME, code)


def test_match_reason_tells_an_identical_spelling_from_a_normalised_one() -> None:
    assert verdict("山田　太郎", BIRTH, "山田　太郎", BIRTH).codes[1] is ReasonCode.NAME_SAME
    normalised = verdict("山田　太郎", BIRTH, "ﾔﾏﾀﾞ太郎", BIRTH)
    assert normalised.outcome is IdentityOutcome.MISMATCH  # kana is not kanji
    spaced = verdict("山田　太郎", BIRTH, "山田 太郎", BIRTH)
    assert spaced.codes[1] is ReasonCode.NAME_SAME_NORMALISED


def test_fixture_card_names_against_registry_spellings() -> None:
    # The demo's name-variant patients: the chip spells the variant kanji,
    # the national record writes the standard form or ●.
    assert verdict("髙橋　一郎", BIRTH, "高橋　一郎", BIRTH).is_variant
    assert verdict("渡邊　花子", BIRTH, "渡辺　花子", BIRTH).is_variant
    assert verdict("渡邊　花子", BIRTH, "渡●　花子", BIRTH).is_variant
    assert verdict("山田　太郎", BIRTH, "山田　太郎", BIRTH).is_match

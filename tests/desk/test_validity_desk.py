"""At the desk, in both languages: a lost coverage is never "confirmed", validity 5 says
what to do, and a mislinked card mistyped twice shows (and flags) both reasons."""

from __future__ import annotations

from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin import FlagReason, Stage
from tests.desk.conftest import Desk

KOBAYASHI_BIRTHDATE = "19551205"


async def _coverage_lost(desk: Desk) -> str:
    await desk.tap("kobayashi-sachiko")
    await desk.type_pin()
    await desk.confirm_identity(KOBAYASHI_BIRTHDATE)
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    return desk.capture()


async def test_a_lost_coverage_is_never_confirmed_in_english(desk: Desk) -> None:
    text = await _coverage_lost(desk)
    assert "Eligibility confirmed" not in text and "[CONFIRMED]" not in text
    assert "[INSURANCE ENDED] This insurance has ended (invalid)." in text
    assert "Eligibility is NOT" in text
    assert "Next: ask for the patient's current insurance" in text
    assert "Status: 2 · invalid" in text and "(cancelled)" in text
    assert desk.app.screen.has_class("-outcome-coverage-ended")


async def test_a_lost_coverage_is_never_confirmed_in_japanese(desk_ja: Desk) -> None:
    text = await _coverage_lost(desk_ja)
    assert "確認が完了" not in text and "確認済み" not in text
    assert "【資格喪失】" in text and "この保険の資格は終了しています（無効）。" in text
    assert "次の対応：現在加入している保険の資格確認書" in text
    assert "資格: 2 · 無効" in text and "（喪失）" in text
    assert "valid" not in text and "cancelled" not in text


async def test_several_qualifications_say_what_to_do(desk: Desk) -> None:
    await desk.tap("kato-yuki")
    await desk.type_pin()
    await desk.wait_for(Stage.WITHHELD)
    text = desk.capture()
    assert "[WITHHELD] Several qualifications match" in text
    assert "[WITHHELD] Next: check the patient in with the eligibility" in text
    assert desk.app.screen.has_class("-outcome-several-match")


async def test_a_mislinked_card_mistyped_twice_keeps_both_reasons(desk_ja: Desk) -> None:
    await desk_ja.tap("sato-ken")
    await desk_ja.type_pin()
    await desk_ja.wait_for(Stage.CONFIRMING_NAME)
    await desk_ja.press("y")
    await desk_ja.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk_ja.press(*"19900717", "enter")
    await desk_ja.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk_ja.press(*"19910707", "enter")
    await desk_ja.wait_for(Stage.WITHHELD)
    text = desk_ja.capture()
    detail = desk_ja.app.screen.query_one("#detail", Prose).text
    assert (
        "理由：資格情報の生年月日がカードと一致しません、入力された生年月日がカードと一致しません"
        in detail
    )
    view = desk_ja.services.runner.view()
    assert view.flag_reasons == (
        FlagReason.BIRTHDATE_MISMATCH,
        FlagReason.TYPED_BIRTHDATE_DIFFERS,
    )
    (flag,) = desk_ja.store().cache.flags.find()
    assert flag.reason == "birthdate_mismatch/typed_birthdate_differs"
    assert "鈴木" not in text and "1962" not in text


async def test_a_lost_coverage_from_the_cache_is_not_called_confirmed(desk: Desk) -> None:
    await _coverage_lost(desk)
    await desk.press("d")
    assert desk.services.demo is not None
    assert await desk.services.demo.toggle_gateway() is True
    await desk.tap("kobayashi-sachiko")
    await desk.type_pin()
    await desk.confirm_identity(KOBAYASHI_BIRTHDATE)
    await desk.wait_for(Stage.OFFLINE_SHOWN)
    text = desk.capture()
    assert "OFFLINE — the result saved on" in text and "confirmed on" not in text
    assert "[INSURANCE ENDED] Next: ask for the patient's current insurance" in text
    assert "Status: 2 · invalid" in text

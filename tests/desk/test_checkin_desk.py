"""The reception desk end to end in Pilot: the real state machine, the virtual card
(in-process), the embedded gateway over loopback HTTP and a real SQLCipher cache."""

from __future__ import annotations

import asyncio
import logging

import pytest

from clinic_desk import paths
from clinic_desk.checkin import Stage
from clinic_desk.logs import LOG_FILE, configure_logging
from clinic_desk.services.desk import DeskServices
from tests.desk.conftest import Desk
from tests.support.leaks import leaked

YAMADA_BIRTHDATE = "19800401"


async def test_idle_screen_shows_status_in_words(desk: Desk) -> None:
    text = desk.capture()
    assert "Place the My Number card on the reader." in text
    assert "Gateway: online" in text
    assert "Cache: unlocked" in text
    assert "in-process" in text


async def test_ordinary_patient_sees_nothing_before_confirming(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    assert "3 tries left" in desk.capture()
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    text = desk.capture()
    assert "山田　太郎" in text and "is this your name?" in text
    assert "01130012" not in text and "アムロジピン" not in text
    await desk.press("y")
    await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk.press(*YAMADA_BIRTHDATE, "enter")
    await desk.wait_for(Stage.CONSENT)
    assert "01130012" not in desk.capture()
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    text = desk.capture()
    assert "Eligibility confirmed." in text
    assert "01130012" in text and "全国健康保険協会東京支部" in text
    assert "1234 · 567 · 00" in text and "30%" in text
    assert "アムロジピンOD錠5mg「トーワ」" in text
    # newest first
    assert text.index("2026-11-10") < text.index("2026-10-11")
    # confirmed results are cached for outages
    cert = desk.services.runner.machine.certificate_fingerprint()
    assert desk.store().cache.snapshots.get(cert) is not None
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    text = desk.capture()
    assert "01130012" not in text and "山田" not in text


async def test_refused_consent_shows_eligibility_without_medications(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity(YAMADA_BIRTHDATE)
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    text = desk.capture()
    assert "01130012" in text
    assert "No consent to share medication history." in text
    assert "アムロジピン" not in text


async def test_name_variant_goes_to_staff_with_both_spellings(desk: Desk) -> None:
    await desk.tap("takahashi-ichiro")
    await desk.type_pin()
    await desk.confirm_identity("19751123")
    await desk.wait_for(Stage.STAFF_DECISION)
    text = desk.capture()
    assert "[Staff only]" in text
    assert "髙橋　一郎" in text and "高橋　一郎" in text
    assert "06271234" not in text
    await desk.press("a")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    assert "06271234" in desk.capture()


async def test_black_circle_in_record_name_is_a_variant_staff_can_reject(desk: Desk) -> None:
    await desk.tap("watanabe-hanako")
    await desk.type_pin()
    await desk.confirm_identity("19680229")
    await desk.wait_for(Stage.STAFF_DECISION)
    assert "渡●　花子" in desk.capture()
    await desk.press("r")
    await desk.wait_for(Stage.WITHHELD)
    text = desk.capture()
    assert "We could not confirm this record" in text
    assert "138149" not in text
    flags = desk.store().cache.flags.find()
    assert [f.reason for f in flags] == ["variant_rejected_by_staff"]


async def test_mislinked_card_leaks_nothing_anywhere(desk: Desk) -> None:
    handler = configure_logging("DEBUG")
    try:
        await _check_in_mislinked(desk)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert "withheld" in log_text  # the log is written, with stages
    # the stranger's record: name, kana, birthdate, insurer ids, medications
    stranger = (
        *("鈴木", "スズキ", "1962-05-14", "19620514", "06400021", "3301", "md-suzuki"),
        *("アムロジピン", "ロスバスタチン", "メトホルミン", "ロキソプロフェン"),
    )
    dump = desk.cache_dump()
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, stranger), f"on screen {i}"
    assert not leaked(log_text, stranger), "in the log"
    assert not leaked(dump, stranger), "in the cache"
    assert (
        desk.store().cache.snapshots.get(desk.services.runner.machine.certificate_fingerprint())
        is None
    )


async def _check_in_mislinked(desk: Desk) -> None:
    await desk.tap("sato-ken")
    await desk.type_pin()
    await desk.confirm_identity("19900707")
    await desk.wait_for(Stage.WITHHELD)
    text = desk.capture()
    assert "We could not confirm this record. Please use the paper form." in text
    assert "birthdate differs" in " ".join(text.split())  # the reason, in words, for staff
    flags = desk.store().cache.flags.find()
    assert len(flags) == 1 and flags[0].reason == "birthdate_mismatch"
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)


async def test_several_qualifications_are_withheld_at_once(desk: Desk) -> None:
    await desk.tap("kato-yuki")
    await desk.type_pin()
    await desk.wait_for(Stage.WITHHELD)
    text = desk.capture()
    assert "several qualifications match" in text
    assert "加藤" not in text and "01130012" not in text


async def test_lost_coverage_is_shown_as_invalid_after_confirmation(desk: Desk) -> None:
    await desk.tap("kobayashi-sachiko")
    await desk.type_pin()
    await desk.confirm_identity("19551205")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    text = desk.capture()
    assert "2 · invalid" in text and "cancelled" in text
    assert "Patient: 小林" in text  # the confirmed patient's name


async def test_revoked_certificate_is_withheld_and_flagged(desk: Desk) -> None:
    await desk.tap("ito-makoto")
    await desk.type_pin()
    await desk.wait_for(Stage.WITHHELD)
    assert "the card's certificate is revoked" in desk.capture()
    assert [f.reason for f in desk.store().cache.flags.find()] == ["revoked_certificate"]


async def test_last_pin_try_needs_the_receptionist(desk: Desk) -> None:
    await desk.tap("nakamura-akemi")
    await desk.wait_for(Stage.PIN_ENTRY)
    text = desk.capture()
    assert "1 try left" in text
    assert "one more wrong PIN locks the card" in text
    await desk.press("1", "2", "3", "4", "enter")
    assert desk.stage is Stage.PIN_ENTRY  # not sent before the receptionist's C
    text = " ".join(desk.capture().split())
    assert "Your digits are kept" in text
    await desk.press("c")
    text = " ".join(desk.capture().split())
    assert "one more wrong PIN locks the card" in text  # the warning stays
    assert "The receptionist allowed the last try" in text
    await desk.press("enter")  # the digits typed before C are sent
    await desk.wait_for(Stage.CONFIRMING_NAME)


async def test_wrong_pin_shows_tries_left_and_three_lock_the_card(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin("0000")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.until_shown("2 tries left", "That PIN was not right.")
    await desk.type_pin("0000")
    await desk.wait_for(Stage.PIN_ENTRY)
    text = desk.capture()
    assert "one more wrong PIN locks the card" in " ".join(text.split())
    await desk.press("c")
    await desk.type_pin("0000")
    await desk.wait_for(Stage.PIN_BLOCKED)
    assert "The PIN is locked" in desk.capture()


async def test_gateway_down_uses_the_cache_with_its_date(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity(YAMADA_BIRTHDATE)
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await desk.press("d")
    assert desk.services.demo is not None
    assert await desk.services.demo.toggle_gateway() is True
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    assert "Gateway: OFFLINE" in desk.capture()
    await desk.press("y")
    await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk.press(*YAMADA_BIRTHDATE, "enter")
    await desk.wait_for(Stage.OFFLINE_SHOWN)
    text = desk.capture()
    assert "OFFLINE — confirmed on" in text and "01130012" in text
    visits = desk.store().cache.visits.pending()
    assert len(visits) == 1


async def test_gateway_down_without_cache_gives_the_paper_form(desk: Desk) -> None:
    assert desk.services.demo is not None
    await desk.services.demo.toggle_gateway()
    await desk.tap("nakamura-akemi")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("c")
    await desk.type_pin()
    await desk.wait_for(Stage.PAPER_FORM)
    assert "Please use the paper form" in desk.capture()


@pytest.mark.parametrize("at", [Stage.PIN_ENTRY, Stage.CONFIRMING_NAME, Stage.SHOWN])
async def test_card_removed_clears_the_screen(desk: Desk, at: Stage) -> None:
    await desk.tap("yamada-taro")
    if at is not Stage.PIN_ENTRY:
        await desk.type_pin()
    if at is Stage.SHOWN:
        await desk.confirm_identity(YAMADA_BIRTHDATE)
        await desk.wait_for(Stage.CONSENT)
        await desk.press("y")
    await desk.wait_for(at)
    assert desk.services.demo is not None
    await desk.services.demo.remove()
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    text = desk.capture()
    assert "Place the My Number card on the reader." in text
    for value in ("山田", "01130012", "アムロジピン"):
        assert value not in text


async def test_escape_cancels_and_forgets(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    await desk.press("escape")
    await desk.wait_for(Stage.CANCELLED)
    assert "山田" not in desk.capture()


async def test_mistyped_birthdate_gets_one_more_chance(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity("19800104")
    await desk.until_shown("does not match the card")
    await desk.press(*"1980", "enter")
    assert "8 digits" in desk.capture()
    await desk.press(*YAMADA_BIRTHDATE, "enter")
    await desk.wait_for(Stage.CONSENT)


async def test_patient_says_not_me(desk: Desk) -> None:
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    await desk.press("n")
    await desk.wait_for(Stage.WITHHELD)
    assert [f.reason for f in desk.store().cache.flags.find()] == ["patient_said_not_me"]


async def test_f1_help(desk: Desk) -> None:
    await desk.press("f1")
    text = desk.capture()
    assert "Receptionist:" in text and "Esc or F1 closes this help." in text
    assert "M or F2" in text and "PgUp/PgDn" in text
    # the help's own key bar: only what works under it
    keys = text.splitlines()[-1]
    assert "Close" in keys and "Help" not in keys and "Manager review" not in keys
    await desk.press("escape")
    assert "Receptionist:" not in desk.capture()


async def test_japanese_desk(desk_ja: Desk) -> None:
    text = desk_ja.capture()
    assert "マイナンバーカードをカードリーダーに置いてください。" in text
    assert "ヘルプ" in text and "Help" not in text  # the footer speaks Japanese too
    await desk_ja.tap("yamada-taro")
    await desk_ja.wait_for(Stage.PIN_ENTRY)
    assert "暗証番号（数字4桁）を入力してください。" in desk_ja.capture()


async def test_desk_draws_at_once_and_builds_its_services_in_a_worker() -> None:
    from clinic_desk.app.app import DeskApp
    from clinic_desk.services.demo import build_demo_services
    from tests.desk.conftest import SIZE, screen_text

    release = asyncio.Event()

    async def slow_build() -> DeskServices:
        await release.wait()
        return await build_demo_services(card_source="in_process")

    app = DeskApp(slow_build, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Starting…" in screen_text(app)
        release.set()
        for _ in range(500):
            if app.services is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert "Place the My Number card on the reader." in screen_text(app)
    assert app.services is not None
    await app.services.stop()


async def test_desk_that_cannot_start_says_why() -> None:
    from clinic_desk.app.app import DeskApp
    from tests.desk.conftest import SIZE, screen_text

    async def broken() -> DeskServices:
        raise RuntimeError("the gateway cannot listen on 127.0.0.1:1")

    app = DeskApp(broken, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "The desk cannot start: the gateway cannot listen on 127.0.0.1:1" in text

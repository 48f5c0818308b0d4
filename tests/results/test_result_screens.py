"""The result side at the counter, through the real desk (Pilot) at 80 columns in both
languages: each fixture's card, its embedded gateway on 127.0.0.1 and a real
SQLCipher cache. The card's certificate states, what the patient pays and the
newer insurance of validity 3."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin import Stage
from clinic_desk.paths import fixtures_dir
from clinic_desk.scenarios.desk import FixtureDesk, build_fixture_desk, prepare_fixture
from clinic_desk.texts import Lang
from tests.desk.conftest import screen_lines

SIZE = (80, 50)
SCENARIOS = fixtures_dir() / "scenarios"


@asynccontextmanager
async def desk_for(
    name: str, lang: Lang
) -> AsyncIterator[tuple[DeskApp, FixtureDesk, Pilot[None]]]:
    desk = await build_fixture_desk(prepare_fixture(SCENARIOS / f"{name}.json"))
    app = DeskApp(desk.services, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield app, desk, pilot
    finally:
        await desk.services.stop()


async def _until(pilot: Pilot[None], done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the desk did not get there in time"
        await pilot.pause(0.02)
    await pilot.pause()


async def ended(name: str, lang: Lang, stage: Stage) -> tuple[str, str]:
    """Play fixture ``name`` in the desk until ``stage``; the screen (one line per
    terminal line, joined by spaces) and the detail block's text."""
    async with desk_for(name, lang) as (app, desk, pilot):
        await _until(pilot, lambda: desk.services.runner.machine.stage is stage)
        assert desk.driver is not None
        await desk.driver.done.wait()
        await pilot.pause()
        lines = screen_lines(app)
        assert all(len(line) <= SIZE[0] for line in lines)
        detail = app.screen.query_one("#detail", Prose).text
        return " ".join(" ".join(lines).split()), detail


def _flat(text: str) -> str:
    return "".join(text.split())


# --- the card's certificate ------------------------------------------------------------


async def test_expired_two_months_is_eligibility_only_and_says_renew() -> None:
    text, detail = await ended("certificate-expired-2-months", "en", Stage.SHOWN)
    assert "expired on 2026-09-27." in detail
    assert "Until 2026-12-27 it can be used for eligibility only." in detail
    assert "municipal office" in detail
    assert "The card's certificate has expired: eligibility only, no medication" in text
    assert "[CONFIRMED]" in text  # the eligibility itself is confirmed


async def test_expired_two_months_in_japanese() -> None:
    text, detail = await ended("certificate-expired-2-months", "ja", Stage.SHOWN)
    assert "有効期限が切れています（2026-09-27）" in _flat(detail)
    assert "2026-12-27までは資格確認のみできます。" in _flat(detail)
    assert "市区町村窓口で更新してください" in _flat(detail)
    assert "薬剤情報は取得していません" in _flat(text)


async def test_expired_four_months_is_refused_with_the_renewal_message() -> None:
    _, detail = await ended("certificate-expired-4-months", "en", Stage.ERROR)
    assert "expired on 2026-07-27, more than three months ago" in " ".join(detail.split())
    _, detail_ja = await ended("certificate-expired-4-months", "ja", Stage.ERROR)
    assert "有効期限（2026-07-27）から3か月を過ぎた" in _flat(detail_ja)


async def test_a_revoked_card_tells_the_patient_why() -> None:
    _, detail = await ended("revoked-certificate", "en", Stage.WITHHELD)
    assert "This card's certificate has been revoked." in " ".join(detail.split())
    _, detail_ja = await ended("revoked-certificate", "ja", Stage.WITHHELD)
    assert "このカードの電子証明書は失効しています。" in _flat(detail_ja)


async def test_a_card_about_to_expire_is_said_to_staff() -> None:
    _, detail = await ended("certificate-expires-soon", "en", Stage.SHOWN)
    assert "This card's certificate expires on 2027-01-15 (49 days left)." in " ".join(
        detail.split()
    )
    _, detail_ja = await ended("certificate-expires-soon", "ja", Stage.SHOWN)
    assert "2027-01-15に有効期限を迎えます（あと49日）" in _flat(detail_ja)


# --- what the patient pays ----------------------------------------------------------------

PAYS = {
    "cost-share-ceiling-consented": (
        ["Copay to charge today: 30%", "High-cost ceiling:"],
        ["本日の負担割合：3割", "限度額適用："],
    ),
    "cost-share-ceiling-not-consented": (
        ["High-cost ceiling: not shown, the patient did not consent"],
        ["限度額適用区分：情報提供の同意がないため表示できません"],
    ),
    "cost-share-elderly-ceiling": (
        ["Elderly recipient (70–74): pays", "High-cost ceiling:"],
        ["高齢受給者：一部負担", "限度額適用："],
    ),
    "cost-share-specific-disease": (["Specific disease:"], ["特定疾病："]),
    "cost-share-preschool": (
        ["Copay to charge today: 20%", "Child before school age"],
        ["本日の負担割合：2割", "未就学児"],
    ),
    "cost-share-public-expense": (["Public expense: payer"], ["公費：負担者番号"]),
    "cost-share-public-expense-no-charge": (["(no self-pay)"], ["（自己負担なし）"]),
    "cost-share-ceiling-and-public-expense": (
        ["Copay to charge today: 30%", "High-cost ceiling:", "Public expense: payer"],
        ["本日の負担割合：3割", "限度額適用：", "公費：負担者番号"],
    ),
}


@pytest.mark.parametrize("name", sorted(PAYS))
@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_result_says_what_the_patient_pays(name: str, lang: Lang) -> None:
    text, _ = await ended(name, lang, Stage.SHOWN)
    english, japanese = PAYS[name]
    for wanted in english if lang == "en" else japanese:
        assert _flat(wanted) in _flat(text), wanted
    if lang == "ja":
        assert "Copay" not in text and "High-cost" not in text


# --- validity 3 ------------------------------------------------------------------------


async def test_validity_3_names_the_newer_insurance_and_what_to_ask() -> None:
    text, _ = await ended("validity-3-newer-qualification", "en", Stage.SHOWN)
    assert "This insurance is invalid: a newer one exists" in text
    assert "Newer insurance:" in text and "ask for the new insurance" in text
    assert "Copay to charge today" not in text  # not confirmed: no share to apply
    assert "Share today: not settled" in text
    assert text.count("ask for the new insurance") == 1  # one next step
    text_ja, _ = await ended("validity-3-newer-qualification", "ja", Stage.SHOWN)
    assert "新しい資格：" in _flat(text_ja) and "をお尋ねください" in _flat(text_ja)


def test_the_fixtures_named_here_exist() -> None:
    names = [*PAYS, "certificate-expired-2-months", "certificate-expired-4-months"]
    for name in names:
        assert Path(SCENARIOS / f"{name}.json").is_file(), name

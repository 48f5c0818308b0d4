"""The demo panel's result-side cards, through the demo desk (Pilot, embedded gateway on
127.0.0.1, real SQLCipher cache): a certificate expired two months ago whatever the
day, and a patient whose share a ceiling and a public expense change."""

from __future__ import annotations

from clinic_desk.app.widgets.demo_panel import card_label
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin import Stage
from clinic_desk.services.demo_counter import CEILING_AND_PUBLIC, EXPIRED_CARD
from tests.desk.conftest import Desk


async def test_the_expired_card_is_eligibility_only(desk: Desk) -> None:
    assert desk.services.demo is not None
    cards = desk.services.demo.cards()
    assert EXPIRED_CARD in cards and CEILING_AND_PUBLIC in cards
    assert card_label(EXPIRED_CARD, None, "en") == "Expired certificate"
    assert card_label(CEILING_AND_PUBLIC, None, "ja") == "限度額と公費"
    await desk.tap(EXPIRED_CARD)
    await desk.type_pin()
    await desk.confirm_identity("19800401")
    await desk.wait_for(Stage.SHOWN)  # no medication history to consent to: not asked
    assert Stage.CONSENT not in desk.services.runner.machine.history
    text = " ".join(desk.capture().split())
    assert "Please renew it at your municipal office." in text
    said = "eligibility only, no medication history"
    assert text.count(said) == 1  # said once, where the medications would be
    assert said not in desk.app.screen.query_one("#detail", Prose).text
    view = desk.services.runner.view()
    assert view.result is not None and view.result.medications is None


async def test_the_ceiling_and_public_expense_patient_in_japanese(desk_ja: Desk) -> None:
    await desk_ja.tap(CEILING_AND_PUBLIC)
    await desk_ja.type_pin()
    await desk_ja.confirm_identity("19750914")
    await desk_ja.wait_for(Stage.CONSENT)
    await desk_ja.press("n")
    await desk_ja.wait_for(Stage.SHOWN)
    text = "".join(desk_ja.capture().split())
    assert "本日の負担割合：3割" in text
    assert "限度額適用：" in text and "公費：負担者番号" in text

"""Every screen and stage of the desk in Japanese has no English outside codes and
data, and in English no Japanese outside data (Pilot, text captures)."""

from __future__ import annotations

from datetime import UTC, datetime

from clinic_desk.checkin import Stage
from clinic_desk.domain.reverification import VisitAttention
from tests.desk.conftest import Desk
from tests.desk.language import english_words, japanese_runs


async def walk(desk: Desk) -> list[tuple[str, str]]:
    """Through every stage the demo cards reach, and the screens over the desk."""
    shots: list[tuple[str, str]] = [("idle", desk.capture())]

    async def shot(label: str) -> None:
        await desk.pilot.pause()
        shots.append((label, desk.capture()))

    async def next_patient() -> None:
        await desk.press("d")
        await desk.wait_for(Stage.WAITING_FOR_CARD)

    await desk.press("f1")
    await shot("help")
    await desk.press("escape")
    # the ordinary patient, with every question, a wrong PIN and a mistyped birthdate
    await desk.tap("yamada-taro")
    await desk.wait_for(Stage.PIN_ENTRY)
    await shot("pin")
    await desk.press(*"12", "enter")
    await shot("pin too short")
    await desk.press("backspace", "backspace")
    await desk.type_pin("0000")
    await desk.wait_for(Stage.PIN_ENTRY)
    await shot("wrong pin")
    await desk.press("m")
    await shot("review not now")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME)
    await shot("is this you")
    await desk.press("y")
    await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
    await desk.press(*"1980", "enter")
    await shot("birthdate invalid")
    await desk.press(*"19800402", "enter")
    await shot("birthdate retry")
    await desk.press(*"19800401", "enter")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("y")
    await desk.wait_for(Stage.SHOWN)
    await shot("shown")
    desk.services.update_status(
        attention=(
            VisitAttention(
                visit_id="v1",
                checked_in_at=datetime(2026, 4, 1, 1, 0, tzinfo=UTC),
                status="changed",
                changed=("copay_ratio", "period_end"),
            ),
            VisitAttention(
                visit_id="v2",
                checked_in_at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC),
                status="rejected",
            ),
            VisitAttention(
                visit_id="v3",
                checked_in_at=datetime(2026, 4, 1, 3, 0, tzinfo=UTC),
                status="rejected",
                flagged=True,
            ),
        )
    )
    await next_patient()
    await shot("notices")
    await desk.press("k")
    # a variant for staff, then a rejected one
    for card, birthdate, key in (("takahashi-ichiro", "19751123", "a"),
                                 ("watanabe-hanako", "19680229", "r")):  # fmt: skip
        await desk.tap(card)
        await desk.type_pin()
        await desk.confirm_identity(birthdate)
        await desk.wait_for(Stage.STAFF_DECISION)
        await shot(f"staff decision {card}")
        await desk.press(key)
        stage = await desk.wait_for(Stage.CONSENT, Stage.WITHHELD)
        if stage is Stage.CONSENT:
            await desk.press("n")
            await desk.wait_for(Stage.SHOWN)
        await shot(f"after staff {card}")
        await next_patient()
    # withheld: a mislink, several qualifications, a revoked certificate
    await desk.tap("sato-ken")
    await desk.type_pin()
    await desk.confirm_identity("19900707")
    await desk.wait_for(Stage.WITHHELD)
    await desk.press("enter")  # Enter does not tap a card here
    await shot("withheld, enter refused")
    await next_patient()
    for card in ("kato-yuki", "ito-makoto"):
        await desk.tap(card)
        await desk.type_pin()
        await desk.wait_for(Stage.WITHHELD)
        await shot(f"withheld {card}")
        await next_patient()
    # coverage lost, confirmed
    await desk.tap("kobayashi-sachiko")
    await desk.type_pin()
    await desk.confirm_identity("19551205")
    await desk.wait_for(Stage.CONSENT)
    await desk.press("n")
    await desk.wait_for(Stage.SHOWN)
    await shot("coverage lost")
    await next_patient()
    # the last PIN try, kept digits, then cancel
    await desk.tap("nakamura-akemi")
    await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press(*"1234", "enter")
    await shot("last try kept")
    await desk.press("c")
    await shot("last try allowed")
    await desk.press("escape")
    await desk.wait_for(Stage.CANCELLED)
    await shot("cancelled")
    await next_patient()
    # offline from the cache, then paper for a card with nothing cached
    assert desk.services.demo is not None
    await desk.services.demo.toggle_gateway()
    await desk.tap("yamada-taro")
    await desk.type_pin()
    await desk.confirm_identity("19800401")
    if await desk.wait_for(Stage.CONSENT, Stage.OFFLINE_SHOWN) is Stage.CONSENT:
        await desk.press("y")  # a medication history cached inside its consent window
    await desk.wait_for(Stage.OFFLINE_SHOWN)
    await shot("offline shown")
    await next_patient()
    await desk.tap("kobayashi-sachiko")
    await desk.type_pin()
    await desk.wait_for(Stage.CONFIRMING_NAME, Stage.PAPER_FORM)
    await shot("offline second")
    await desk.press("escape")
    await desk.pilot.pause()
    await desk.services.demo.remove()
    await desk.wait_for(Stage.WAITING_FOR_CARD)
    await desk.tap("watanabe-hanako")
    await desk.type_pin()
    await desk.wait_for(Stage.PAPER_FORM)
    await shot("paper form")
    await next_patient()
    # three wrong PINs lock the card
    await desk.services.demo.toggle_gateway()
    await desk.tap("kato-yuki")
    for _ in range(2):
        await desk.type_pin("0000")
        await desk.wait_for(Stage.PIN_ENTRY)
    await desk.press("c")
    await desk.type_pin("0000")
    await desk.wait_for(Stage.PIN_BLOCKED)
    await shot("pin blocked")
    await next_patient()
    await shot("idle with a locked demo card")
    from clinic_desk.app.widgets.demo_panel import DemoPanel

    shots.append(("demo label", desk.app.screen.query_one(DemoPanel).label("kato-yuki")))
    await desk.pilot.press("ctrl+c")
    await shot("quit hint")
    return shots


async def test_japanese_desk_has_no_english(desk_ja: Desk) -> None:
    shots = await walk(desk_ja)
    leaks = {label: words for label, text in shots if (words := english_words(text))}
    assert not leaks, sorted(set().union(*leaks.values()))
    joined = "\n".join(text for _, text in shots)
    for seen in ("要確認のオフライン受付", "暗証番号が違います", "暗証番号ロック中", "Ctrl+Q"):
        assert seen in joined, seen


async def test_english_desk_has_no_japanese(desk: Desk) -> None:
    shots = await walk(desk)
    leaks = {label: runs for label, text in shots if (runs := japanese_runs(text))}
    assert not leaks, sorted(set().union(*leaks.values()))
    joined = " ".join(" ".join(text for _, text in shots).split())
    for seen in ("offline visits need attention", "That PIN was not right", "PIN locked"):
        assert seen in joined, seen

"""The desk app with a PIN-pad reader (the byte-level test reader in place of pcscd):
the patient types the PIN on the reader, nobody types it at the desk, and the desk
never shows a PIN field; a pad that times out ends in the desk's own words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.widgets import Input

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.stages import Stage
from clinic_desk.services.assembly import DeskOptions, TemporaryCache, assemble_desk
from clinic_desk.services.demo import demo_cards
from clinic_desk.services.embedded_gateway import EmbeddedGateway
from clinic_desk.services.sources import CardParts
from clinic_desk.texts import Lang
from reader.virtual_card.pin_pad import TIMEOUT, VirtualPinPadReader
from tests.desk.conftest import Desk

READER = "virtual PIN-pad reader"


class PadReaderCards:
    """A card source: one demo card in a reader with a PIN pad."""

    def __init__(self, keypad: list[str]) -> None:
        self.reader = VirtualPinPadReader(demo_cards().card("yamada-taro"), keypad)

    async def open(self) -> CardParts:
        return CardParts(transport=self.reader, reader=READER)


@asynccontextmanager
async def pad_desk(cards: PadReaderCards, lang: Lang = "en") -> AsyncIterator[Desk]:
    services = await assemble_desk(
        cards,
        EmbeddedGateway(),
        TemporaryCache("desk-1", word="unlocked"),
        DeskOptions(kind="demo", desk_id="desk-1"),
    )
    app = DeskApp(services, lang=lang)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


async def test_the_pin_is_typed_on_the_reader_and_never_at_the_desk() -> None:
    cards = PadReaderCards(["1234", "1234"])
    async with pad_desk(cards) as desk:
        desk.services.card_event(ev.CardInserted(reader=READER))
        await desk.wait_for(Stage.CONFIRMING_NAME)  # no key pressed at the desk
        assert not desk.app.screen.query_one("#pin", Input).display
        await desk.press("y")
        await desk.wait_for(Stage.CONFIRMING_BIRTHDATE)
        await desk.press(*"19800401", "enter")
        await desk.wait_for(Stage.CONSENT)
        await desk.press("y")
        await desk.wait_for(Stage.SHOWN)
        # both PINs (card info, authentication) were typed on the pad, none went to the card
        assert len(cards.reader.requests) == 2 and not cards.reader.keypad
        assert b"1234" not in b"".join(cards.reader.apdus_to_card)


async def test_a_pad_that_times_out_says_so_in_japanese() -> None:
    async with pad_desk(PadReaderCards([TIMEOUT]), "ja") as desk:
        desk.services.card_event(ev.CardInserted(reader=READER))
        await desk.wait_for(Stage.ERROR)
        text = desk.capture()
        assert "時間内に暗証番号が入力されませんでした" in " ".join(text.split()).replace(" ", "")
        assert desk.services.runner.view().error_code == "card_pin_pad_timeout"

"""The demo's side panel: the fixture cards to tap, remove the card, cut the gateway.

The labels follow the cards: a card's PIN tries left are read from the card itself
each time the panel is refreshed, so "PIN: 1 try left" becomes "PIN: 3 tries left"
once the right PIN was typed, and "PIN locked" when it is blocked.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from clinic_desk.app.widgets.prose import PhraseText, Prose
from clinic_desk.services.desk import CardPanel
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

GATEWAY_TOGGLE = "__gateway__"
REMOVE_CARD = "__remove__"
FULL_TRIES = 3

# what each demo card shows; a card without an entry is named by its PIN tries
CARD_LABELS: dict[str, TextKey] = {
    "yamada-taro": "demo.card.yamada-taro",
    "takahashi-ichiro": "demo.card.takahashi-ichiro",
    "watanabe-hanako": "demo.card.watanabe-hanako",
    "sato-ken": "demo.card.sato-ken",
    "kato-yuki": "demo.card.kato-yuki",
    "kobayashi-sachiko": "demo.card.kobayashi-sachiko",
    "ito-makoto": "demo.card.ito-makoto",
    "mori-haruka": "demo.card.mori-haruka",
    "expired-certificate": "demo.card.expired-certificate",
    "ceiling-and-public-expense": "demo.card.ceiling-and-public-expense",
}


def tries_words(tries: int, lang: Lang) -> str:
    if tries <= 0:
        return t("demo.pin_locked", lang)
    if tries == 1:
        return t("demo.one_try_left", lang)
    return t("demo.tries_left", lang, tries=tries)


def card_label(card_id: str, tries: int | None, lang: Lang) -> str:
    key = CARD_LABELS.get(card_id)
    if key is None:
        return tries_words(tries, lang) if tries is not None else card_id
    label = t(key, lang)
    if tries is not None and tries < FULL_TRIES:
        label += (
            f"（{tries_words(tries, lang)}）" if lang == "ja" else f" ({tries_words(tries, lang)})"
        )
    return label


class CardList(OptionList):
    """The cards to tap. Keys typed in the instant after Enter taps a card, before the
    PIN field has the focus, are caught here for the PIN field instead of being lost."""

    class TypedAhead(Message):
        """Digits or Enter were caught for the PIN field (``CardList.feed``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catching = False
        self._caught: list[str] = []

    def action_select(self) -> None:
        option = self.highlighted_option
        if option is None or option.id in (REMOVE_CARD, GATEWAY_TOGGLE):
            self.catching = False  # no card is tapped: nothing to catch for
            self._caught.clear()
        super().action_select()

    def on_blur(self) -> None:
        self.catching = False

    def on_key(self, event: events.Key) -> None:
        # Enter's binding (select) runs after the keys queued behind it have reached
        # this list: start catching now, in the order the keys were typed
        if event.key == "enter" and not self.catching:
            self.catching = True
            self._caught.clear()
            return
        character = event.character or ""
        digit = len(character) == 1 and character.isdigit()
        if self.catching and (event.key == "enter" or digit):
            event.stop()
            event.prevent_default()
            self._caught.append("enter" if event.key == "enter" else character)
            self.post_message(self.TypedAhead())

    def feed(self, pin: Input) -> bool:
        """Put the digits caught so far in the PIN field (up to its 4), each once; True
        when an Enter was caught after them."""
        caught, self._caught = self._caught, []
        for key in caught:
            if key == "enter":
                return True
            if len(pin.value) < 4:
                pin.value += key
                pin.cursor_position = len(pin.value)
        return False


class DemoPanel(Vertical):
    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang
        self._deck: CardPanel | None = None
        self._labels: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Prose(t("demo.title", self._lang), id="demo-title")
        yield CardList(id="demo-cards")

    @property
    def options(self) -> CardList:
        return self.query_one(CardList)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._fit_cards)

    def _fit_cards(self) -> None:
        """The cards take at most what the title leaves, and scroll there: the last
        card stays reachable at 80x24 (the list's own 100% counts the title too)."""
        title = self.query_one("#demo-title")
        self.options.styles.max_height = max(3, self.content_size.height - title.outer_size.height)

    def attach(self, deck: CardPanel) -> None:
        self._deck = deck
        options = self.options
        lang = self._lang
        for card_id in deck.cards():
            label = card_label(card_id, deck.pin_tries(card_id), lang)
            self._labels[card_id] = label
            options.add_option(Option(PhraseText(label), id=card_id))
        options.add_option(Option(PhraseText(t("key.remove_card", lang)), id=REMOVE_CARD))
        options.add_option(Option(PhraseText(t("demo.gateway_down", lang)), id=GATEWAY_TOGGLE))
        options.highlighted = 0

    def refresh_labels(self) -> None:
        """Read each card's tries again and relabel the cards that changed."""
        deck = self._deck
        if deck is None:
            return
        for card_id, shown in self._labels.items():
            label = card_label(card_id, deck.pin_tries(card_id), self._lang)
            if label != shown:
                self._labels[card_id] = label
                self.options.replace_option_prompt(card_id, PhraseText(label))

    def label(self, card_id: str) -> str:
        return self._labels.get(card_id, card_id)

    def gateway_toggled(self, down: bool) -> None:
        label = t("demo.gateway_up" if down else "demo.gateway_down", self._lang)
        self.options.replace_option_prompt(GATEWAY_TOGGLE, PhraseText(label))

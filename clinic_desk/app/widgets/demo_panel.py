"""The demo's side panel: the fixture cards to tap, remove the card, cut the gateway.

The labels follow the cards: a card's PIN tries left are read from the card itself
each time the panel is refreshed, so "PIN: 1 try left" becomes "PIN: 3 tries left"
once the right PIN was typed, and "PIN locked" when it is blocked.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
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


class DemoPanel(Vertical):
    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang
        self._deck: CardPanel | None = None
        self._labels: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Prose(t("demo.title", self._lang), id="demo-title")
        yield OptionList(id="demo-cards")

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

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

"""F1: what each key does, in the desk's language, and how to close it (a fixed line at
the top, seen on the smallest screen without scrolling)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.texts import Lang, t


class HelpScreen(ModalScreen[None]):
    """Over the desk; its own key bar covers the desk's, whose keys do nothing here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("f1", "dismiss", "Close", id="help.close_f1", show=False),
    ]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang
        localise_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(t("help.title", self.lang), id="help-title", markup=False)
            yield Prose(t("help.close", self.lang), id="help-close")
            with VerticalScroll(id="help-body"):
                text = f"{t('help.text', self.lang)}\n\n{t('help.paths', self.lang)}"
                yield Prose(text, id="help-text")
        yield KeyBar(id="help-keys")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_for(self)

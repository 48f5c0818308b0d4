"""What the desk and the review apps share: the language, Ctrl+Q, Textual's own words."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.texts import Lang, t


class LocalisedApp(App[None]):
    """An app whose every word is in ``lang``, Textual's own prompts included."""

    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, key_display="Ctrl+Q")
    ]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang: Lang = lang
        self.animation_level = "none"
        localise_bindings(self, lang)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as printed on a keyboard: "Esc", "F1", "Y" (Textual writes "esc", "f1")."""
        shown = super().get_key_display(binding)
        if binding.key_display:
            return shown
        if len(shown) == 1 or shown.lower().startswith("f"):
            return shown.upper()
        return shown[:1].upper() + shown[1:]

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's "Press ctrl+q to quit", in the desk's language."""
        self.notify(t("quit.hint", self.lang))

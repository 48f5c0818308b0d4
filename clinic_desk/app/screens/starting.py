"""The desk's first frame while its screen and services load.

Only Textual and the text catalogue are imported here: the desk's own screen pulls in
the check-in, the domain models and their validators (pydantic), which take longer
to import than Textual itself. This screen is drawn at once; the desk's screen
replaces it as soon as it is imported (in a thread).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from clinic_desk.texts import Lang, t


class StartingScreen(Screen[None]):
    """The title and "Starting…", in the desk's language."""

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("starting", self.lang), id="starting")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("title", self.lang)

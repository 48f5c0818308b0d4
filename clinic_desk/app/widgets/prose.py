"""A ``Static`` for sentences: lines break between words and Japanese phrases only."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import Static

from clinic_desk.app.linebreak import wrap


class PhraseText:
    """Plain text that Rich lays out with ``linebreak.wrap`` at the width it is given."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap(self.text, options.max_width) if self.text else []
        yield Text("\n".join(lines), no_wrap=True, overflow="crop")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((Text(line).cell_len for line in self.text.split("\n")), default=0)
        return Measurement(min(longest, 1), longest)


class Prose(Static):
    """Text shown as sentences, wrapped by phrase. ``show`` takes plain text."""

    def __init__(
        self,
        text: str = "",
        *,
        id: str | None = None,
        classes: str | None = None,
        collapse: bool = False,
    ) -> None:
        super().__init__(PhraseText(text), id=id, classes=classes, markup=False)
        self.text = text
        self.collapse = collapse  # take no room (nor margin) while there is nothing to say
        if collapse:
            self.display = bool(text)

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.update(PhraseText(text))
        if self.collapse:
            self.display = bool(text)

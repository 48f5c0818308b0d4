"""The medication history, readable at 80 columns: two lines per dispensing.

Line one: the date, the drug and its strength. Line two, indented: how much, for
how many days, who prescribed and who dispensed. Both break between words and
Japanese phrases only, so nothing is hidden off to the right and nothing scrolls
sideways. The screen scrolls the list with the arrow and page keys without the
list needing focus.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from clinic_desk.app.linebreak import wrap
from clinic_desk.domain.medication import MedicationDispense
from clinic_desk.texts import Lang, t

INDENT = "    "


def dispense_lines(d: MedicationDispense, lang: Lang) -> tuple[str, str]:
    """The two lines of one dispensing (before they are fitted to a width)."""
    first = "  ".join(x for x in (d.dispensed_on.isoformat(), d.drug_name, d.strength) if x)
    details: list[str] = []
    if d.quantity is not None:
        details.append(f"{d.quantity:g}{d.quantity_unit or ''}")
    if d.days_supply is not None:
        details.append(
            t("med.one_day", lang)
            if d.days_supply == 1
            else t("med.days", lang, days=d.days_supply)
        )
    if d.prescriber:
        details.append(t("med.prescriber", lang, name=d.prescriber))
    if d.pharmacy:
        details.append(t("med.pharmacy", lang, name=d.pharmacy))
    return first, " · ".join(details)


class MedicationRows:
    """Rich renderable: every dispensing as its lines at the width it is drawn at,
    every other dispensing on a shaded background."""

    def __init__(self, dispenses: Sequence[MedicationDispense], lang: Lang) -> None:
        self.rows = [dispense_lines(d, lang) for d in dispenses]

    def lines(self, width: int) -> list[tuple[str, bool, int]]:
        """(text, is the first line of a dispensing, dispensing number) per screen line."""
        out: list[tuple[str, bool, int]] = []
        for number, (first, second) in enumerate(self.rows):
            out += [(line, True, number) for line in wrap(first, width)]
            if second:
                out += [
                    (INDENT + line, False, number) for line in wrap(second, width - len(INDENT))
                ]
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        shades = (Style(), Style(bgcolor="grey19"))
        bold = Style(bold=True)
        for text, first, number in self.lines(width):
            style = shades[number % 2] + (bold if first else Style())
            yield Segment(set_cell_size(text, width), style)
            yield Segment.line()


class MedicationList(VerticalScroll, can_focus=False):
    """The dispensings, newest first; scrolled by the screen's keys."""

    DEFAULT_CSS = """
    MedicationList {
        overflow-x: hidden;
        height: 1fr;
    }
    MedicationList > Static {
        width: 1fr;
    }
    """

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lang = lang
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("", markup=False)

    def show(self, dispenses: Sequence[MedicationDispense]) -> None:
        self.count = len(dispenses)
        self.query_one(Static).update(MedicationRows(dispenses, self._lang))
        self.scroll_home(animate=False, immediate=True)

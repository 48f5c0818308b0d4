"""The review queue's list: draws only the lines on screen, so 10,000 flags cost the
same as 30 (a DataTable builds every row up front)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.cells import set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = TypeVar("Row")


def fit(text: str, cells: int) -> str:
    """``text`` cut or padded to exactly ``cells`` terminal cells (wide kana count 2)."""
    return set_cell_size(text, cells)


class FlagList(ScrollView, Generic[Row], can_focus=True):
    """A keyboard-driven list of rows, each drawn by ``formatter`` when it is visible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous", id="review.cursor_up", show=False),
        Binding("down", "move(1)", "Next", id="review.cursor_down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="review.page_up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="review.page_down", show=False),
        Binding("home", "edge(False)", "First", id="review.first", show=False),
        Binding("end", "edge(True)", "Last", id="review.last", show=False),
        Binding("enter", "select", "Detail", id="review.detail"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"flag-list--cursor"}
    DEFAULT_CSS = """
    FlagList {
        overflow-x: hidden;
    }
    FlagList > .flag-list--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    FlagList:focus > .flag-list--cursor {
        background: $accent;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        formatter: Callable[[Row, int], str],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._formatter = formatter
        self._rows: Sequence[Row] = ()

    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    def set_rows(self, rows: Sequence[Row], *, cursor: int = 0) -> None:
        """Show ``rows`` with the cursor on ``cursor`` (kept inside the list)."""
        self._rows = rows
        self.virtual_size = Size(1, len(rows))
        self.cursor = max(0, min(cursor, len(rows) - 1))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._rows) or width <= 0:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("flag-list--cursor")
        text = fit(self._formatter(self._rows[index], width), width)
        return Strip([Segment(text, style)], width)

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()
        if self._rows:
            self.post_message(self.Highlighted(new))

    def action_move(self, step: int) -> None:
        if self._rows:
            self.cursor = max(0, min(len(self._rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, last: bool) -> None:
        if self._rows:
            self.cursor = len(self._rows) - 1 if last else 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self._rows) if action == "select" else True

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

"""The bottom line of keys that apply now.

A plain ``Static`` redrawn from the screen's active bindings: Textual's Footer
rebuilds one widget per key on every change, which cost the desk tens of
milliseconds at each step of a check-in.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyLine:
    """Rich renderable: the keys that fit the width they are drawn at, each whole (a key
    and its description are never cut; those that do not fit are left out)."""

    def __init__(self, keys: list[tuple[str, str]], key_style: Style) -> None:
        self.keys = keys
        self.key_style = key_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text(no_wrap=True)
        for key, description in self.keys:
            if cell_len(text.plain) + cell_len(f" {key} {description} ") > options.max_width:
                break
            text.append(f" {key} ", style=self.key_style)
            text.append(f"{description} ")
        yield text


class KeyBar(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: list[tuple[str, str]] = []

    def show_for(self, screen: Screen[Any], hidden: Collection[str] = ()) -> None:
        """Show the keys of ``screen``'s bindings that are enabled and meant to be seen,
        leaving out the actions in ``hidden`` (keys that only explain why not now)."""
        by_id: dict[str, tuple[list[str], str]] = {}  # one entry per binding: "M/F2"
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action.split("(", 1)[0] in hidden:
                continue
            if binding.show and active.enabled and binding.description:
                shown, _ = by_id.setdefault(binding.id or binding.key, ([], binding.description))
                shown.append(self.app.get_key_display(binding))
        keys = [("/".join(shown), description) for shown, description in by_id.values()]
        if keys == self._shown:
            return
        self._shown = keys
        self.update(KeyLine(keys, self.get_component_rich_style("key-bar--key")))

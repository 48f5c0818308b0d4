"""Waiting on what a Textual app shows, instead of fixed pauses."""

from __future__ import annotations

import html
import re
import time
from typing import Any

from textual.app import App
from textual.pilot import Pilot

_TEXT = re.compile(r">([^<>]*)</text>")


def shown_text(app: App[Any]) -> str:
    """What the terminal shows now, as one plain string (runs of spaces kept)."""
    svg = app.export_screenshot()
    return html.unescape("".join(_TEXT.findall(svg))).replace("\xa0", " ")


def _flat(text: str) -> str:
    return " ".join(text.split())


async def until_shown(pilot: Pilot[Any], *wanted: str, timeout: float = 30.0) -> str:
    """Wait (bounded) until every one of ``wanted`` is on screen; spaces and line ends
    count as one space, so a text wrapped over lines is found too. Returns the screen."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        text = shown_text(pilot.app)
        flat = _flat(text)
        if all(_flat(w) in flat for w in wanted):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{wanted!r} never shown; the screen shows:\n{text}")
        await pilot.pause(0.02)

"""Snapshots of a screen with a text field: its cursor drawn, whatever the clock."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input


async def steady_cursors(pilot: Pilot[Any]) -> None:
    """Stop every field's cursor from blinking (the cursor stays drawn).

    A blink toggles every half second, so a picture taken after a slow step would
    catch the cursor on or off depending on the machine's load.
    """
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()

"""The queue's columns: when, desk, reason and status, in terminal cells.

The reason takes what the others leave; a reason longer than its column is cut between
words (``linebreak.wrap``) and ends with "…", and a cell of space always separates it
from the status, so a long reason never runs into the status at 80 columns.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

from clinic_desk.app.linebreak import wrap
from clinic_desk.app.widgets.flag_list import fit

WHEN, DESK = 19, 10
MIN_REASON, MAX_REASON = 12, 48  # the status stays within reach of the eye at 160


def status_width(words: Iterable[str]) -> int:
    """The status column: its widest word."""
    return max((cell_len(word) for word in words), default=0)


def reason_width(width: int, status: int) -> int:
    """The reason column: the width less the other columns, up to ``MAX_REASON``."""
    return max(MIN_REASON, min(MAX_REASON, width - WHEN - DESK - status))


def clip(text: str, cells: int) -> str:
    """``text`` in ``cells`` with at least one cell of space after it; cut between words
    with "…" when it is longer."""
    if cell_len(text) < cells:
        return fit(text, cells)
    head = wrap(text, max(1, cells - 2))[0].rstrip("、，,;； ")
    return fit(head + "…", cells)


def line(when: str, desk: str, reason: str, status: str, *, reason_cells: int) -> str:
    """One line of the queue (or its header)."""
    return fit(when, WHEN) + clip(desk, DESK) + clip(reason, reason_cells) + status

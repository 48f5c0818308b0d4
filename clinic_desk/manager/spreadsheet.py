"""CSV that a spreadsheet program opens as text, never as formulas.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (CSV or formula injection). Names on the
report come from the card's chip, contacts from a manager's typing: a hostile card whose
name is ``=HYPERLINK(…)`` would plant a formula in the insurer report. Every cell goes
through ``neutralise_cell`` (the OWASP rule: such a cell gets a leading ``'``, which the
spreadsheet takes as "this is text" and does not show).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: ``'`` before a formula's first sign."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class SpreadsheetWriter:
    """``csv.writer`` over ``handle`` with every cell of every row neutralised."""

    def __init__(self, handle: Any) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[str]) -> None:
        self._writer.writerow([neutralise_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        for row in rows:
            self.writerow(row)

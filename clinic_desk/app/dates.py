"""Dates as people type them at the desk."""

from __future__ import annotations

from datetime import date


def parse_typed_date(text: str) -> date | None:
    """``19800401``, ``1980-04-01`` or ``1980/04/01`` → a date; anything else → None."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None

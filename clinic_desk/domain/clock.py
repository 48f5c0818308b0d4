"""The time, in one place for the whole application: aware, in UTC.

Everything that needs "now" takes a ``Clock`` (tests hand in one they move) whose
default is ``utc_now``. The offline cache, a package of its own, keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)

"""When the desk was last used, and whether it has been idle long enough to clear.

A desk left alone must not keep a patient's record on screen, nor a half-done
check-in waiting for whoever comes next. Key presses and every change of the
check-in's stage count as use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the check-in is imported after the desk's first frame
    from clinic_desk.checkin import Stage
    from clinic_desk.checkin import events as ev


class IdleClock:
    """Idle for ``seconds`` since the last ``touch()`` (on a monotonic ``clock``)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last = clock()

    def touch(self) -> None:
        self._last = self._clock()

    def expired(self) -> bool:
        return self._clock() - self._last >= self.seconds


def events_to_clear(stage: Stage) -> list[ev.Event]:
    """What takes a desk in ``stage`` back to waiting for a card: cancel a check-in
    that is under way (forgetting its record), then clear the screen."""
    from clinic_desk.checkin import ENDINGS, Stage
    from clinic_desk.checkin import events as ev

    if stage is Stage.WAITING_FOR_CARD:
        return []
    if stage in ENDINGS:
        return [ev.Done()]
    return [ev.Cancelled(), ev.Done()]

"""The time one check-in may spend waiting on the gateway, shared by all its calls."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Budget:
    """Seconds of gateway time, spent by every call that shares this budget.

    Only the time inside the client's calls counts (challenge, card authentication,
    Patient, Coverage, medications, with their retries, polls and a re-authentication):
    the card's own time and the minutes a patient spends answering at the desk do not.
    So a slow gateway cannot hold a patient for ``checkin_budget`` × the number of calls,
    and a patient who takes time to consent still gets the medications.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._spent = 0.0
        self._started: float | None = None
        self._depth = 0

    def remaining(self) -> float:
        """Seconds left (0 or less: spent)."""
        running = 0.0 if self._started is None else self._clock() - self._started
        return self.seconds - self._spent - running

    @property
    def spent(self) -> float:
        return self.seconds - self.remaining()

    @contextmanager
    def running(self) -> Iterator[Budget]:
        """Count the time of the block (nested blocks count once)."""
        if self._depth == 0:
            self._started = self._clock()
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            if self._depth == 0 and self._started is not None:
                self._spent += self._clock() - self._started
                self._started = None

"""`clinic-desk review`: the review screens on their own, around an opened cache."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType

from clinic_desk.app.base import LocalisedApp
from clinic_desk.app.screens.review import ReviewScreen
from clinic_desk.config import ManagerConfig
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.texts import Lang
from offline_cache import OfflineCache


class ReviewApp(LocalisedApp):
    """Only the manager's review; closing the review ends the program."""

    TITLE = "clinic-desk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="review_app.quit", priority=True, key_display="Ctrl+Q")
    ]

    def __init__(
        self,
        cache: OfflineCache,
        settings: ManagerConfig,
        *,
        lang: Lang = "en",
        now: Clock = utc_now,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(lang)
        self.cache = cache
        self.settings = settings
        self._now = now
        self._idle_clock = idle_clock

    def on_mount(self) -> None:
        screen = ReviewScreen(
            self.cache, self.settings, lang=self.lang, now=self._now, idle_clock=self._idle_clock
        )
        self.push_screen(screen, callback=lambda _: self.exit())

    @property
    def review(self) -> ReviewScreen:
        """The review's owner (the PIN screen), whichever of its screens is on top."""
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                return screen
        raise LookupError("the review is closed")

"""The review's first screen: the manager PIN. It owns the review from open to close.

The PIN check (scrypt) runs in a thread worker. A right PIN opens the queue over
this screen; locking (L, or ``manager.idle_lock_seconds`` without a key) forgets
the unsealing key and comes back here; closing leaves the review.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.screens.review.context import Activity, ReviewContext
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.config import ManagerConfig
from clinic_desk.manager.errors import ManagerError
from clinic_desk.manager.pin import ManagerPin, PinCheck, Verdict
from clinic_desk.manager.review import ReviewSession, UnlockResult, unlock_review
from clinic_desk.texts import Lang, plural, t
from offline_cache import CacheError, Clock, OfflineCache, utc_now

if TYPE_CHECKING:
    from clinic_desk.app.screens.review.queue import QueueScreen

IDLE_CHECK_SECONDS = 1.0


class PinChecked(Message):
    def __init__(self, result: UnlockResult | None, error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error


class PinStatus(Message):
    def __init__(self, check: PinCheck | None, error: str | None = None) -> None:
        super().__init__()
        self.check = check
        self.error = error


class ReviewScreen(Activity, Screen[None]):
    """PIN first, then the queue. Closing (Esc) forgets the unsealing key."""

    CSS_PATH = "../../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="review.close"),
    ]

    def __init__(
        self,
        cache: OfflineCache,
        settings: ManagerConfig,
        *,
        lang: Lang = "en",
        now: Clock = utc_now,
        idle_clock: Callable[[], float] = time.monotonic,
        key_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.context = ReviewContext(
            cache, settings, lang=lang, now=now, idle_clock=idle_clock, key_path=key_path
        )
        self.context.touch()
        self.lang = lang
        localise_bindings(self, lang)

    @property
    def session(self) -> ReviewSession | None:
        return self.context.session

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header()
        with Vertical(id="review-pin-box"):
            yield Prose(t("review.pin.prompt", lang), id="review-pin-prompt")
            yield Input(
                placeholder=t("review.pin.placeholder", lang),
                password=True,
                max_length=32,
                restrict=r"[0-9A-Za-z]*",
                id="review-pin",
            )
            yield Prose(id="review-pin-message")
        yield KeyBar(id="review-keys")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("review.title", self.lang)
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle, name="review-idle")
        self.query_one(KeyBar).show_for(self)
        if self.context.settings.pin_hash is None:
            self._pin_message(t("review.pin.not_set", self.lang))
            self.query_one("#review-pin", Input).disabled = True
        else:
            self.query_one("#review-pin", Input).focus()
            self._pin_status()

    def on_screen_resume(self) -> None:
        self.query_one(KeyBar).show_for(self)

    # -- idle lock ------------------------------------------------------------
    def check_idle(self) -> None:
        """Lock when unlocked and idle for ``idle_lock_seconds`` (called every second)."""
        if self.context.session is None:
            return
        seconds = self.context.settings.idle_lock_seconds
        if self.context.idle_for() >= seconds:
            self.lock_review("idle")
            self._pin_message(t("review.pin.idle", self.lang, seconds=seconds))

    def lock_review(self, reason: str, *, wait: bool = False) -> None:
        """Forget the session and the flags on screen; back to the PIN."""
        session, self.context.session = self.context.session, None
        while self.app.screen is not self and self in self.app.screen_stack:
            self.app.pop_screen()
        pin = self.query_one("#review-pin", Input)
        pin.disabled = self.context.settings.pin_hash is None
        pin.value = ""
        pin.focus()
        if session is not None:
            if wait:  # leaving the review: one short audit row, written before we go
                session.close(reason)
            else:
                self._close_session(session, reason)

    def close_review(self) -> None:
        self.lock_review("close", wait=True)
        self.dismiss(None)

    def action_close(self) -> None:
        self.close_review()

    @work(thread=True, group="review-close", exit_on_error=False, description="review close")
    def _close_session(self, session: ReviewSession, reason: str) -> None:
        session.close(reason)

    # -- PIN ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review-pin", exit_on_error=False)
    def _pin_status(self) -> None:
        ctx = self.context
        try:
            check = ManagerPin(ctx.cache, ctx.settings, now=ctx.now).status()
        except CacheError as exc:
            self.post_message(PinStatus(None, str(exc)))
            return
        self.post_message(PinStatus(check))

    def on_pin_status(self, message: PinStatus) -> None:
        if message.error is not None:
            self._pin_message(message.error)
        elif message.check is not None:
            self._show_check(message.check, first_look=True)

    def _show_check(self, check: PinCheck, *, first_look: bool = False) -> None:
        pin = self.query_one("#review-pin", Input)
        tries = check.tries_left
        if check.verdict is Verdict.LOCKED and check.locked_until is not None:
            until = check.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")
            self._pin_message(t("review.pin.locked", self.lang, until=until))
        elif first_look:
            key = plural(tries, "review.pin.one_try_left", "review.pin.tries_left")
            self._pin_message(t(key, self.lang, tries=tries))
        else:
            key = plural(tries, "review.pin.wrong_one", "review.pin.wrong")
            self._pin_message(t(key, self.lang, tries=tries))
        pin.disabled = False
        pin.focus()

    def _pin_message(self, text: str) -> None:
        self.query_one("#review-pin-message", Prose).show(text)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        pin = message.value
        message.input.value = ""
        if not pin:
            return
        message.input.disabled = True
        self._pin_message(t("review.pin.checking", self.lang))
        self._check_pin(pin)

    @work(thread=True, exclusive=True, group="review-pin", exit_on_error=False)
    def _check_pin(self, pin: str) -> None:
        ctx = self.context
        try:
            result = unlock_review(ctx.cache, ctx.settings, pin, key_path=ctx.key_path, now=ctx.now)
        except (ManagerError, CacheError) as exc:
            self.post_message(PinChecked(None, str(exc)))
            return
        self.post_message(PinChecked(result))

    def on_pin_checked(self, message: PinChecked) -> None:
        from clinic_desk.app.screens.review.queue import QueueScreen

        pin = self.query_one("#review-pin", Input)
        pin.disabled = False
        if message.result is None:
            self._pin_message(message.error or "")
            pin.focus()
            return
        session = message.result.session
        if session is None:
            self._show_check(message.result.check)
            return
        self.context.session = session
        self.context.touch()
        self._pin_message("")
        self.app.clear_notifications()  # the demo's PIN note would cover the detail
        self.app.push_screen(QueueScreen(self))

    @property
    def queue(self) -> QueueScreen:
        """The queue over this screen (only while the review is unlocked)."""
        from clinic_desk.app.screens.review.queue import QueueScreen as Queue

        for screen in self.app.screen_stack:
            if isinstance(screen, Queue):
                return screen
        raise LookupError("the review is locked")

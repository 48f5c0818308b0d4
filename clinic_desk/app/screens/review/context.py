"""What the review's screens share: the cache, the open session, the idle clock.

The review is four screens over one ``ReviewContext``: the PIN (which owns the
review from opening to closing), the queue, the flag form and the export. Any key
on any of them counts as the manager's activity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.message import Message
from textual.widgets import Input

from clinic_desk import paths
from clinic_desk.config import ManagerConfig
from clinic_desk.manager.error_words import error_words
from clinic_desk.manager.errors import ManagerError
from clinic_desk.manager.review import FlagDetail, ReviewSession
from clinic_desk.texts import Lang
from offline_cache import CacheError, Clock, FlagSummary, OfflineCache, utc_now


def problem_words(exc: ManagerError | CacheError, lang: Lang) -> str:
    """A failed review action in the screen's language."""
    return error_words(exc, lang) or str(exc)


def default_export_path(now: datetime) -> Path:
    """Under the data folder: ``exports/flags-YYYYMMDD-HHMMSS.csv``."""
    folder = paths.ensure_dir(paths.data_dir() / "exports")
    return folder / f"flags-{now.astimezone(UTC):%Y%m%d-%H%M%S}.csv"


@dataclass
class ReviewContext:
    cache: OfflineCache
    settings: ManagerConfig
    lang: Lang = "en"
    now: Clock = utc_now
    idle_clock: Callable[[], float] = time.monotonic
    key_path: Path | None = None
    session: ReviewSession | None = None
    last_activity: float = field(default=0.0)

    def touch(self) -> None:
        self.last_activity = self.idle_clock()

    def idle_for(self) -> float:
        return self.idle_clock() - self.last_activity


class Activity:
    """Mixin for the review's screens: typing and keys taken by bindings count as use.

    Keys that an ``Input`` or a binding takes do not reach ``on_key`` of the screen
    in every case, so a changed input counts too.
    """

    context: ReviewContext

    def on_key(self, event: events.Key) -> None:
        self.context.touch()

    def on_input_changed(self, message: Input.Changed) -> None:
        self.context.touch()


# -- messages from the thread workers ------------------------------------------------
class FlagsLoaded(Message):
    def __init__(self, flags: list[FlagSummary], note: str = "") -> None:
        super().__init__()
        self.flags = flags
        self.note = note


class DetailLoaded(Message):
    def __init__(self, detail: FlagDetail) -> None:
        super().__init__()
        self.detail = detail


class SearchDone(Message):
    def __init__(self, text: str, ids: frozenset[str]) -> None:
        super().__init__()
        self.text = text
        self.ids = ids


class ReviewFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

"""The review's queue: which flags it shows, in what order, and their codes in words."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from clinic_desk.checkin.stages import split_reasons
from clinic_desk.texts import Lang, t
from clinic_desk.texts.codes import FLAG_REASONS, FLAG_STATUSES, words
from offline_cache import FlagStatus

SortKey = Literal["date", "reason", "status"]
_STATUS_ORDER = {FlagStatus.OPEN: 0, FlagStatus.REPORTED: 1, FlagStatus.RESOLVED: 2}


class QueueRow(Protocol):
    """What filtering and sorting look at: a ``FlagSummary`` or a whole ``MismatchFlag``."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def reason(self) -> str: ...
    @property
    def status(self) -> FlagStatus: ...


R = TypeVar("R", bound=QueueRow)


class FlagFilter(BaseModel):
    """What the queue shows: one status and/or one reason, or everything."""

    model_config = ConfigDict(frozen=True)

    status: FlagStatus | None = None
    reason: str | None = None

    def admits(self, flag: QueueRow) -> bool:
        return (self.status is None or flag.status is self.status) and (
            self.reason is None or flag.reason == self.reason
        )


def filter_and_sort(flags: Iterable[R], flt: FlagFilter, sort: SortKey = "date") -> list[R]:
    """The queue's rows: newest first within the chosen order."""
    chosen = [f for f in flags if flt.admits(f)]
    chosen.sort(key=lambda f: (f.created_at, f.id), reverse=True)
    if sort == "reason":
        chosen.sort(key=lambda f: f.reason)
    elif sort == "status":
        chosen.sort(key=lambda f: _STATUS_ORDER[f.status])
    return chosen


def reason_words(reason: str, lang: Lang) -> str:
    """Every reason of a flag in words from the catalogue (a code itself if it has none)."""
    return t("reasons.separator", lang).join(
        words(FLAG_REASONS, code, lang) for code in split_reasons(reason) or (reason,)
    )


def status_words(status: FlagStatus, lang: Lang) -> str:
    return words(FLAG_STATUSES, status.value, lang)

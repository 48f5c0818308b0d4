"""The desk's log: JSON lines, rotated, under the log folder.

Records carry ids, stages, timings and codes; the code never logs names,
birthdates, insurer ids, medications, certificates or PINs. Libraries that
would log URLs (which can hold a Patient id) are kept at WARNING.

As a second line of defence a message holding any non-ASCII character is written
as a placeholder: the desk's personal data (names, kana, addresses, drug names)
is Japanese text, while everything the desk means to log is ASCII.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desk import paths

if TYPE_CHECKING:
    from clinic_desk.config import DeskSettings

LOG_FILE = "desk.jsonl"
DROPPED = "(message dropped: it held non-ASCII text)"
# These log request URLs and headers at INFO/DEBUG.
QUIET_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error", "hpack")


class JsonLines(logging.Formatter):
    """One JSON object per record: at, level, logger, message, then the context."""

    def __init__(self, context: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.context = dict(context or {})

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not message.isascii():
            message = DROPPED
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": message,
            **self.context,
        }
        if record.exc_info and record.exc_info[0] is not None:
            # the type only: exception texts can quote data
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=True)


def configure_logging(
    level: str = "INFO",
    *,
    log_dir: Path | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    backups: int = 5,
    context: Mapping[str, str] | None = None,
) -> logging.Handler:
    """Send the desk's logs to ``desk.jsonl``; returns the handler (remove it to stop).

    ``context`` (e.g. the clinic and desk ids) is added to every record.
    """
    folder = paths.ensure_dir(log_dir or paths.log_dir())
    handler = RotatingFileHandler(
        folder / LOG_FILE, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(JsonLines(context))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def configure_from_settings(settings: DeskSettings) -> logging.Handler:
    """``configure_logging`` with the desk's logging section and its clinic/desk ids.

    A log folder that cannot be written does not stop the desk (its start-up check
    shows "log folder" as not ready); records then go nowhere.
    """
    try:
        return configure_logging(
            settings.logging.level,
            max_bytes=settings.logging.max_bytes,
            backups=settings.logging.backups,
            context={
                "clinic": settings.desk.clinic_id,
                "desk": settings.desk.desk_id,
                "mode": settings.mode,
            },
        )
    except OSError:
        handler = logging.NullHandler()
        logging.getLogger().addHandler(handler)
        return handler


def log_files(log_dir: Path | None = None) -> list[Path]:
    """The current log file and its rotated predecessors."""
    folder = log_dir or paths.log_dir()
    return sorted(folder.glob(LOG_FILE + "*"))

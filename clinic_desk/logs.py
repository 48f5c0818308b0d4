"""The desk's log: JSON lines, rotated, under the log folder.

Records carry ids, stages, timings and codes; the code never logs names,
birthdates, insurer ids, medications, certificates or PINs. Libraries that
would log URLs (which can hold a Patient id) are kept at WARNING.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from clinic_desk import paths

LOG_FILE = "desk.jsonl"
# These log request URLs and headers at INFO/DEBUG.
QUIET_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.access", "uvicorn.error", "hpack")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            # the type only: exception texts can quote data
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str = "INFO",
    *,
    log_dir: Path | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    backups: int = 5,
) -> logging.Handler:
    """Send the desk's logs to ``desk.jsonl``; returns the handler (remove it to stop)."""
    folder = paths.ensure_dir(log_dir or paths.log_dir())
    handler = RotatingFileHandler(
        folder / LOG_FILE, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler

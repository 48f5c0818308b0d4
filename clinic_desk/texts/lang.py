"""The desk's two languages, and which one a desk starts in."""

from __future__ import annotations

import locale
import os
from typing import Literal

Lang = Literal["ja", "en"]


def default_lang() -> Lang:
    """Japanese when the locale says so, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    loc = locale.getlocale()[0] or ""
    return "ja" if loc.lower().startswith("ja") else "en"

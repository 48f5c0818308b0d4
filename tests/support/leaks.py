"""Searching screens, logs and cache rows for personal values."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Characters of ids, hashes, base64 and timings: a number inside them is chance.
_TOKEN = r"0-9A-Za-z.+/"


def leaked(text: str, values: Iterable[str]) -> list[str]:
    """The ``values`` that appear in ``text``.

    A value of digits only (an insurer number, a PIN) counts as a whole token, not
    inside a random hex request id or hash (``ab4501cd``) or a timing (``12.4501``),
    where it would be chance; next to words, punctuation or Japanese text it counts.
    Any other value counts wherever it appears.
    """
    found = []
    for value in sorted(set(values)):
        if value.isdigit():
            if re.search(rf"(?<![{_TOKEN}]){re.escape(value)}(?![{_TOKEN}])", text):
                found.append(value)
        elif value in text:
            found.append(value)
    return found

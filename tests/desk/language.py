"""Finding words of the other language on a screen capture.

Japanese screens may show English only as codes (ids, hex, key names, formats) and
as data (names and drugs as the fixtures spell them); English screens may show
Japanese only as data.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# key names, formats and codes that stay as they are in a Japanese screen
CODES = frozenset(
    {
        "Esc", "Enter", "Ctrl", "Tab", "PgUp", "PgDn", "Home", "End",
        "CSV", "UTF", "BOM", "SHA", "ID", "IC",
    }
)  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z0-9_\-./:@]+")
_ALPHA = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@cache
def data_strings() -> tuple[str, ...]:
    """Every string of the demo's fixture data (cards and the gateway's dataset)."""
    found: list[str] = []
    for path in [FIXTURES / "gateway" / "dataset.json", *(FIXTURES / "cards").glob("*.json")]:
        found += _strings(json.loads(path.read_text(encoding="utf-8")))
    return tuple(found)


def english_words(capture: str) -> set[str]:
    """Words of English in a capture of a Japanese screen (codes and data excepted)."""
    # Latin letters inside Japanese data (a drug's "OD錠"); not the data's plain codes
    data_words = {w for s in data_strings() if CJK.search(s) for w in _ALPHA.findall(s)}
    found: set[str] = set()
    for token in _TOKEN.findall(capture):
        if not token.isalpha() or len(token) < 2:
            continue  # ids, dates, hex, paths and single key letters are codes
        if token not in CODES and token not in data_words:
            found.add(token)
    return found


def japanese_runs(capture: str, allowed: tuple[str, ...] = ("髙/高",)) -> set[str]:
    """Runs of Japanese in a capture of an English screen that are not data."""
    data = (*data_strings(), *allowed)
    return {run for run in CJK.findall(capture) if not any(run in s for s in data)}

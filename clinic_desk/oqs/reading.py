"""Small readers over a parsed element: one child's text, a date, a code.

A scalar element that appears twice is an error (which one would be true?); an
absent or empty one is None. Text is returned exactly as written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from clinic_desk.oqs.codes import Coded, E, decode
from clinic_desk.oqs.errors import OqsFormatError

MAX_TEXT = 4096  # no single item of a qualification is longer; a longer one is refused


def child(parent: ET.Element, name: str) -> ET.Element | None:
    found = parent.findall(name)
    if len(found) > 1:
        raise OqsFormatError(f"The file has {name} more than once where it may appear once.")
    return found[0] if found else None


def text(parent: ET.Element, name: str) -> str | None:
    """The text of the one child ``name`` as written, None when absent or empty."""
    element = child(parent, name)
    if element is None:
        return None
    if len(element):
        raise OqsFormatError(f"The file's {name} holds elements where text was expected.")
    value = element.text
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise OqsFormatError(f"The file's {name} is longer than {MAX_TEXT} characters.")
    return value


def required(parent: ET.Element, name: str) -> str:
    value = text(parent, name)
    if value is None or not value.strip():
        raise OqsFormatError(f"The file has no {name}.")
    return value


def yyyymmdd(parent: ET.Element, name: str) -> date | None:
    """A ``yyyyMMdd`` date (surrounding spaces ignored)."""
    value = text(parent, name)
    if value is None or not value.strip():
        return None
    return parse_yyyymmdd(value.strip(), name)


def parse_yyyymmdd(value: str, name: str) -> date:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise OqsFormatError(f"The file's {name} is not a date (yyyyMMdd).")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise OqsFormatError(f"The file's {name} is not a date (yyyyMMdd).") from None


def timestamp(parent: ET.Element, name: str) -> datetime | None:
    """A ``yyyyMMddHHmmss`` time (local time of the terminal, no zone)."""
    value = text(parent, name)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise OqsFormatError(f"The file's {name} is not a time (yyyyMMddHHmmss).")
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        raise OqsFormatError(f"The file's {name} is not a time (yyyyMMddHHmmss).") from None


def code(parent: ET.Element, name: str, code_list: type[E]) -> Coded[E] | None:
    value = text(parent, name)
    if value is None or not value.strip():
        return None
    return decode(code_list, value)

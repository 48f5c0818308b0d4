"""Reading the terminal's XML as hostile input: one function, one error.

- defusedxml refuses DTDs, entity declarations and external references (no
  billion laughs, no file or network reads);
- the byte size, the element count and the nesting depth are capped while
  parsing, before a tree is built past them;
- the declared encoding is honoured (UTF-8, Shift_JIS as CP932, UTF-16 by its BOM);
  without a declaration the setting's encoding is used;
- text is kept exactly as written: leading spaces and zeros survive.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from clinic_desk.oqs.errors import OqsFormatError

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_DEPTH = 24
DEFAULT_MAX_ELEMENTS = 200_000

# every spelling of Shift_JIS seen in the wild decodes as CP932 (Windows-31J), its
# superset: the terminal is a Windows PC and writes ①, ～ and NEC/IBM kanji
_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "us-ascii": "ascii",
    "ascii": "ascii",
}
_DECLARATION = re.compile(rb"^<\?xml[^>]{0,200}?\?>", re.ASCII)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._\-]{1,40})["']""", re.ASCII)


def codec_for(name: str) -> str:
    """The Python codec for an encoding name the terminal may use; OqsFormatError if
    the name is not one of them."""
    found = _ENCODINGS.get(name.strip().lower())
    if found is None:
        raise OqsFormatError(f"The file declares an encoding the desk does not read ({name[:40]}).")
    return found


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_elements: int = DEFAULT_MAX_ELEMENTS


@dataclass(frozen=True)
class Document:
    """A parsed file: its root element and the codec its bytes were decoded with."""

    root: ET.Element
    codec: str
    declared: bool  # True when the file named its encoding (declaration or BOM)


class _Bounded(ET.TreeBuilder):
    """A tree builder that stops at the depth and element limits."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self._limits = limits
        self._depth = 0
        self._count = 0

    def start(self, tag: str, attrs: dict[str, str], /) -> ET.Element:
        self._depth += 1
        self._count += 1
        if self._depth > self._limits.max_depth:
            raise OqsFormatError(f"The file nests elements deeper than {self._limits.max_depth}.")
        if self._count > self._limits.max_elements:
            raise OqsFormatError(f"The file has more than {self._limits.max_elements} elements.")
        return super().start(tag, attrs)

    def end(self, tag: str, /) -> ET.Element:
        self._depth -= 1
        return super().end(tag)


def _decode(data: bytes, fallback_codec: str) -> tuple[str, str, bool]:
    """The text of ``data`` without its XML declaration, the codec used, and whether
    the file named its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        codec, declared, data = "utf-8", True, data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise OqsFormatError("The file is not valid UTF-16 text.") from None
        return _strip_declaration_text(text), "utf-16", True
    else:
        codec, declared = fallback_codec, False
    match = _DECLARATION.match(data)
    if match:
        named = _DECLARED_ENCODING.search(match.group(0))
        if named:
            codec, declared = codec_for(named.group(1).decode("ascii")), True
        data = data[match.end() :]
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise OqsFormatError(f"The file is not valid {codec} text.") from None
    return text, codec, declared


def _strip_declaration_text(text: str) -> str:
    text = text.lstrip("\ufeff")
    if text.startswith("<?xml"):
        end = text.find("?>", 0, 240)
        if end < 0:
            raise OqsFormatError("The file's XML declaration is not closed.")
        return text[end + 2 :]
    return text


def parse_xml(
    data: bytes, *, fallback_codec: str = "utf-8", limits: Limits | None = None
) -> Document:
    """Parse ``data`` into an element tree; raises OqsFormatError for anything else."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise OqsFormatError(f"The file is larger than {limits.max_bytes} bytes.")
    if not data.strip():
        raise OqsFormatError("The file is empty.")
    text, codec, declared = _decode(data, codec_for(fallback_codec))
    builder = _Bounded(limits)
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(text)
        root = parser.close()
    except OqsFormatError:
        raise
    except DefusedXmlException as exc:
        raise OqsFormatError(
            f"The file uses XML features the desk refuses ({type(exc).__name__})."
        ) from None
    except ET.ParseError as exc:
        raise OqsFormatError(f"The file is not well-formed XML ({exc}).") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise OqsFormatError(f"The file cannot be parsed ({type(exc).__name__}).") from None
    if not isinstance(root, ET.Element):
        raise OqsFormatError("The file has no root element.")
    return Document(root=root, codec=codec, declared=declared)

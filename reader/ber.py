"""A strict BER-TLV reader (tags and both length forms) over untrusted card bytes.

Every failure is a ``MalformedCardData``: a parser fed arbitrary bytes returns a
result or that one typed error, never another exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import MalformedCardData


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    start: int  # offset of the tag in the parsed buffer
    end: int  # offset just past the value


def read_tag(data: bytes, offset: int) -> tuple[int, int]:
    """The tag at ``offset`` (as an integer of its bytes) and the offset after it."""
    if offset >= len(data):
        raise MalformedCardData("a tag is missing")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        for count in range(3):
            if offset >= len(data):
                raise MalformedCardData("a tag is cut short")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                break
            if count == 2:
                raise MalformedCardData("a tag is too long")
    return tag, offset


def read_length(data: bytes, offset: int) -> tuple[int, int]:
    """A definite BER length at ``offset`` (short form or 81/82/83) and the offset after it."""
    if offset >= len(data):
        raise MalformedCardData("a length is missing")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise MalformedCardData("an indefinite length is not allowed here")
    if count > 3:
        raise MalformedCardData("a length field is too long")
    if offset + count > len(data):
        raise MalformedCardData("a length field is cut short")
    return int.from_bytes(data[offset : offset + count], "big"), offset + count


def read_tlv(data: bytes, offset: int = 0) -> Tlv:
    """One TLV starting at ``offset``; its value must lie wholly inside ``data``."""
    tag, after_tag = read_tag(data, offset)
    length, value_start = read_length(data, after_tag)
    end = value_start + length
    if end > len(data):
        raise MalformedCardData(f"the value of tag {tag:X} runs past the end of the data")
    return Tlv(tag=tag, value=bytes(data[value_start:end]), start=offset, end=end)


def iter_tlvs(data: bytes) -> list[Tlv]:
    """All TLVs laid end to end in ``data`` (no padding allowed between them)."""
    items: list[Tlv] = []
    offset = 0
    while offset < len(data):
        tlv = read_tlv(data, offset)
        items.append(tlv)
        offset = tlv.end
    return items


def encode_length(length: int) -> bytes:
    """The shortest definite BER length encoding."""
    if length < 0x80:
        return bytes([length])
    if length <= 0xFF:
        return bytes([0x81, length])
    if length <= 0xFFFF:
        return bytes([0x82, length >> 8, length & 0xFF])
    raise ValueError("length too large")


def encode_tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    return tag_bytes + encode_length(len(value)) + value

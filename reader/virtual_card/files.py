"""The contents of a virtual card's files, built from its profile."""

from __future__ import annotations

import hashlib
from datetime import date

from reader.ber import encode_length, encode_tlv

TOKEN_INFO_LABEL = b"JPKIAPICCTOKEN2"
TOKEN_INFO_SIZE = 32
FOUR_ITEMS_PAD_TO = 32


def encode_four_items(name: str, address: str, birthdate: date, sex: str) -> bytes:
    """The basic-four-items object (FF 20 …) exactly as a card lays it out.

    DF 21 holds four 16-bit offsets, from the start of the file, to the name,
    address, birthdate and sex objects.
    """
    parts = [
        encode_tlv(0xDF22, name.encode("utf-8")),
        encode_tlv(0xDF23, address.encode("utf-8")),
        encode_tlv(0xDF24, birthdate.strftime("%Y%m%d").encode("ascii")),
        encode_tlv(0xDF25, sex.encode("ascii")),
    ]
    offsets_size = 3 + 8  # DF 21 08 + four offsets
    inner_length = offsets_size + sum(len(p) for p in parts)
    header_size = 2 + len(encode_length(inner_length))
    offsets = b""
    position = header_size + offsets_size
    for part in parts:
        offsets += position.to_bytes(2, "big")
        position += len(part)
    inner = encode_tlv(0xDF21, offsets) + b"".join(parts)
    return encode_tlv(0xFF20, inner)


def four_items_file(obj: bytes) -> bytes:
    """The file holding ``obj``: padded with FF as real cards pad it."""
    padding = -len(obj) % FOUR_ITEMS_PAD_TO or FOUR_ITEMS_PAD_TO
    return obj + b"\xff" * padding


def malformed_four_items(obj: bytes) -> bytes:
    """``obj`` with the name's length claiming more than the object holds."""
    broken = bytearray(obj)
    at = broken.find(b"\xdf\x22")
    broken[at + 2] = 0x7F
    return bytes(broken)


def token_info() -> bytes:
    return TOKEN_INFO_LABEL.ljust(TOKEN_INFO_SIZE, b" ")


def individual_number(seed: str) -> str:
    """A 12-digit number with a valid check digit, for the virtual card only."""
    digest = hashlib.sha256(f"individual-number:{seed}".encode()).digest()
    body = str(int.from_bytes(digest[:8], "big") % 10**11).zfill(11)
    total = 0
    for n, ch in enumerate(reversed(body), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(ch) * weight
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return body + str(check)


def text_ap_signature(seed: str, four_items: bytes) -> bytes:
    """Stand-in for EF 0003 (hashes and a signature over 0001/0002)."""
    number = individual_number(seed).encode("ascii")
    body = hashlib.sha256(number).digest() + hashlib.sha256(four_items).digest()
    return encode_tlv(0xFF40, body + hashlib.sha512(body).digest() * 4)


def encode_tlv_number(number: str) -> bytes:
    """EF 0001 of the text AP: the individual number in a tagged object."""
    return encode_tlv(0xFF10, encode_tlv(0xDF11, number.encode("ascii")))

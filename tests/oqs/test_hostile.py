"""Hostile files from the terminal's folders: each is one OqsFormatError, nothing else."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic_desk.oqs.errors import OqsFormatError
from clinic_desk.oqs.files import read_bounded
from clinic_desk.oqs.medication import parse_medication
from clinic_desk.oqs.qualification import parse_qualification
from clinic_desk.oqs.simulator.answers import entity_bomb
from clinic_desk.oqs.xmlsafe import Limits
from tests.oqs import samples

SECRET = "the-contents-of-a-local-file"
QUALIFICATION_ITEMS = {"bad date", "elements in a text item"}  # items medication never reads


def hostile_files(tmp_path: Path) -> dict[str, bytes]:
    local = tmp_path / "local.txt"
    local.write_text(SECRET)
    valid = samples.qualification().encode()
    return {
        "billion laughs": entity_bomb(),
        "external entity": (
            f'<?xml version="1.0"?><!DOCTYPE XmlMsg [<!ENTITY x SYSTEM "file://{local}">]>'
            "<XmlMsg><MessageHeader><ErrorMessage>&x;</ErrorMessage></MessageHeader></XmlMsg>"
        ).encode(),
        "parameter entity": (
            f'<!DOCTYPE XmlMsg [<!ENTITY % p SYSTEM "file://{local}"> %p;]><XmlMsg/>'
        ).encode(),
        "external DTD": f'<!DOCTYPE XmlMsg SYSTEM "file://{local}"><XmlMsg/>'.encode(),
        "deep nesting": b"<XmlMsg>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</XmlMsg>",
        "huge file": b"<XmlMsg><MessageHeader><ErrorMessage>"
        + b"x" * (9 * 1024 * 1024)
        + b"</ErrorMessage></MessageHeader></XmlMsg>",
        "many elements": b"<XmlMsg>" + b"<a/>" * 300_000 + b"</XmlMsg>",
        "cut off": valid[: len(valid) // 2],
        "not xml": b"\x00\x01\x02 PDF-1.4",
        "wrong root": b"<Other><MessageHeader/></Other>",
        "twice the identifier": valid.replace(
            b"<ArbitraryFileIdentifier>",
            b"<ArbitraryFileIdentifier>a</ArbitraryFileIdentifier><ArbitraryFileIdentifier>",
            1,
        ),
        "bad date": valid.replace(b"19500105", b"19501305"),
        "undeclared encoding": b'<?xml version="1.0" encoding="EBCDIC-XX"?><XmlMsg/>',
        "invalid utf-8": valid.replace("診療".encode(), b"\xff\xfe"),
        "elements in a text item": valid.replace(b"<Name>", b"<Name><b/>", 1),
    }


@pytest.mark.parametrize(
    "name",
    [
        "billion laughs",
        "external entity",
        "parameter entity",
        "external DTD",
        "deep nesting",
        "huge file",
        "many elements",
        "cut off",
        "not xml",
        "wrong root",
        "twice the identifier",
        "bad date",
        "undeclared encoding",
        "invalid utf-8",
        "elements in a text item",
    ],
)
def test_a_hostile_answer_is_one_clear_error(tmp_path: Path, name: str) -> None:
    data = hostile_files(tmp_path)[name]
    with pytest.raises(OqsFormatError) as caught:
        parse_qualification(data)
    assert SECRET not in str(caught.value)
    if name not in QUALIFICATION_ITEMS:
        with pytest.raises(OqsFormatError):
            parse_medication(data, "desk0001", datetime.now(UTC))


def test_limits_are_settings() -> None:
    data = samples.qualification().encode()
    with pytest.raises(OqsFormatError, match="larger than"):
        parse_qualification(data, limits=Limits(max_bytes=100))
    with pytest.raises(OqsFormatError, match="deeper than 3"):
        parse_qualification(data, limits=Limits(max_depth=3))


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    target = tmp_path / "secret.xml"
    target.write_bytes(samples.qualification().encode())
    link = tmp_path / "OQSsiquc01res_x.xml"
    link.symlink_to(target)
    with pytest.raises(OqsFormatError, match="not a regular file"):
        read_bounded(link, 1024 * 1024)
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    with pytest.raises(OqsFormatError, match="not a regular file"):
        read_bounded(fifo, 1024)
    with pytest.raises(OqsFormatError, match="larger than"):
        read_bounded(target, 100)

"""The basic-four-items parser and the BER reader under it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.ber import encode_tlv, read_length
from reader.errors import MalformedCardData
from reader.mynumber.four_items import BasicFourItems, four_items_length, parse_four_items
from reader.virtual_card.files import encode_four_items, four_items_file


def test_round_trip_short_lengths() -> None:
    obj = encode_four_items("山田　太郎", "東京都千代田区", date(1980, 4, 1), "1")
    assert obj[2] < 0x80  # short-form outer length
    items = parse_four_items(obj)
    assert items == BasicFourItems(
        name="山田　太郎", address="東京都千代田区", birthdate=date(1980, 4, 1), sex="1"
    )
    assert items.family_name == "山田"
    assert items.given_name == "太郎"
    assert items.sex_label == "male"


def test_long_form_lengths_and_padding() -> None:
    address = "北海道札幌市中央区" * 12  # 324 bytes of UTF-8: an 82 HH LL length
    obj = encode_four_items("髙橋　一郎", address, date(1955, 12, 31), "9")
    assert obj[2] == 0x82
    parsed = parse_four_items(four_items_file(obj))  # FF padding after the object
    assert parsed.address == address
    assert parsed.sex_label == "not applicable"
    assert four_items_length(obj[:16]) == len(obj)


def test_81_length_form() -> None:
    address = "あ" * 50  # 150 bytes: 81 96
    obj = encode_four_items("渡邊　花子", address, date(1990, 1, 2), "2")
    assert b"\xdf\x23\x81\x96" in obj
    assert parse_four_items(obj + b"\x00" * 40).address == address


def test_unknown_sex_digit_is_kept_and_labelled_plainly() -> None:
    items = parse_four_items(encode_four_items("A　B", "", date(2000, 2, 29), "7"))
    assert items.sex == "7"
    assert items.sex_label == "code 7"


@pytest.mark.parametrize(
    "broken",
    [
        b"",
        b"\xff",
        b"\xff\x20",
        b"\xff\x20\x05\xdf\x22",  # value runs past the data
        b"\x30\x03\x01\x01\x00",  # not the four-items tag
        encode_tlv(0xFF20, encode_tlv(0xDF22, b"A")),  # items missing
        encode_tlv(
            0xFF20,
            encode_tlv(0xDF22, b"\xff\xfe")
            + encode_tlv(0xDF23, b"")
            + encode_tlv(0xDF24, b"19800101")
            + encode_tlv(0xDF25, b"1"),
        ),  # name not UTF-8
        encode_tlv(
            0xFF20,
            encode_tlv(0xDF22, b"A")
            + encode_tlv(0xDF23, b"")
            + encode_tlv(0xDF24, b"19800231")
            + encode_tlv(0xDF25, b"1"),
        ),  # 31 February
        encode_tlv(
            0xFF20,
            encode_tlv(0xDF22, b"A")
            + encode_tlv(0xDF23, b"")
            + encode_tlv(0xDF24, b"19800101")
            + encode_tlv(0xDF25, b"M"),
        ),  # sex not a digit
        encode_tlv(
            0xFF20,
            encode_tlv(0xDF22, b"A")
            + encode_tlv(0xDF22, b"B")
            + encode_tlv(0xDF23, b"")
            + encode_tlv(0xDF24, b"19800101")
            + encode_tlv(0xDF25, b"1"),
        ),  # duplicated name
        b"\xff\x20\x80\x00\x00",  # indefinite length
        b"\xff\x20\x84\x00\x00\x00\x01",  # length field too long
    ],
)
def test_malformed_input_is_a_typed_error(broken: bytes) -> None:
    with pytest.raises(MalformedCardData) as caught:
        parse_four_items(broken)
    assert caught.value.message.startswith("The card's data could not be read")


def test_length_forms() -> None:
    assert read_length(b"\x7f", 0) == (0x7F, 1)
    assert read_length(b"\x81\x80", 0) == (0x80, 2)
    assert read_length(b"\x82\x01\x00", 0) == (0x100, 3)
    with pytest.raises(MalformedCardData):
        read_length(b"\x82\x01", 0)


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_a_typed_error(data: bytes) -> None:
    try:
        result = parse_four_items(data)
    except MalformedCardData:
        return
    assert isinstance(result, BasicFourItems)


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=60),
    st.sampled_from([0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25, 0xFF20]),
    st.binary(max_size=200),
)
def test_structured_garbage_gives_a_result_or_a_typed_error(
    prefix: bytes, tag: int, value: bytes
) -> None:
    data = encode_tlv(0xFF20, prefix + encode_tlv(tag, value))
    try:
        result = parse_four_items(data)
    except MalformedCardData as exc:
        assert exc.message
        return
    assert isinstance(result, BasicFourItems)


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != ""),
    address=st.text(max_size=120),
    birthdate=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    sex=st.sampled_from("0123456789"),
    padding=st.binary(max_size=40),
)
def test_what_a_card_encodes_parses_back(
    name: str, address: str, birthdate: date, sex: str, padding: bytes
) -> None:
    obj = encode_four_items(name, address, birthdate, sex)
    items = parse_four_items(obj + padding)
    assert (items.name, items.address, items.birthdate, items.sex) == (
        name,
        address,
        birthdate,
        sex,
    )

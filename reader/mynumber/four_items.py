"""The basic four items (基本4情報) of text AP EF 0002: parsing untrusted card bytes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError

from reader.ber import iter_tlvs, read_length, read_tag, read_tlv
from reader.errors import MalformedCardData

TAG_FOUR_ITEMS = 0xFF20
TAG_OFFSETS = 0xDF21
TAG_NAME = 0xDF22
TAG_ADDRESS = 0xDF23
TAG_BIRTHDATE = 0xDF24
TAG_SEX = 0xDF25

NAME_SEPARATOR = "\u3000"

SEX_LABELS = {"1": "male", "2": "female", "9": "not applicable", "3": "other"}


class BasicFourItems(BaseModel):
    """Name, address, birthdate and sex as the chip holds them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    address: str
    birthdate: date
    sex: str  # one digit, JIS X 0303: 1 male, 2 female, 9 not applicable

    @property
    def sex_label(self) -> str:
        """A plain word for the sex digit; an unknown digit is shown as itself."""
        return SEX_LABELS.get(self.sex, f"code {self.sex}")

    @property
    def family_name(self) -> str:
        return self.name.split(NAME_SEPARATOR, 1)[0]

    @property
    def given_name(self) -> str:
        parts = self.name.split(NAME_SEPARATOR, 1)
        return parts[1] if len(parts) > 1 else ""


def four_items_length(head: bytes) -> int:
    """Bytes from the file start to the end of the FF 20 object, from its first bytes."""
    tag, offset = read_tag(head, 0)
    if tag != TAG_FOUR_ITEMS:
        raise MalformedCardData("the basic-four-items file does not start with its tag")
    length, offset = read_length(head, offset)
    return offset + length


def parse_four_items(data: bytes) -> BasicFourItems:
    """Parse EF 0002. Short and long BER lengths are accepted, padding after the
    object is ignored; anything else wrong raises ``MalformedCardData``."""
    outer = read_tlv(data, 0)
    if outer.tag != TAG_FOUR_ITEMS:
        raise MalformedCardData("the basic-four-items file does not start with its tag")
    values: dict[int, bytes] = {}
    for item in iter_tlvs(outer.value):
        if item.tag in values:
            raise MalformedCardData(f"tag {item.tag:X} appears twice")
        values[item.tag] = item.value
    offsets = values.get(TAG_OFFSETS)
    if offsets is not None and len(offsets) != 8:
        raise MalformedCardData("the offsets object has the wrong size")
    for tag in (TAG_NAME, TAG_ADDRESS, TAG_BIRTHDATE, TAG_SEX):
        if tag not in values:
            raise MalformedCardData(f"tag {tag:X} is missing")
    try:
        name = values[TAG_NAME].decode("utf-8")
        address = values[TAG_ADDRESS].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedCardData("the name or address is not valid UTF-8") from None
    if not name.strip():
        raise MalformedCardData("the name is empty")
    birthdate = _birthdate(values[TAG_BIRTHDATE])
    sex = values[TAG_SEX]
    if len(sex) != 1 or not 0x30 <= sex[0] <= 0x39:
        raise MalformedCardData("the sex code is not one digit")
    try:
        return BasicFourItems(name=name, address=address, birthdate=birthdate, sex=chr(sex[0]))
    except ValidationError:
        raise MalformedCardData("the basic four items are inconsistent") from None


def _birthdate(raw: bytes) -> date:
    if len(raw) != 8 or not all(0x30 <= b <= 0x39 for b in raw):
        raise MalformedCardData("the birthdate is not 8 digits")
    text = raw.decode("ascii")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise MalformedCardData("the birthdate is not a calendar date") from None

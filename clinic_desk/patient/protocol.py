"""The messages between the desk and the patient display.

One JSON object per line (UTF-8, ``\\n``-terminated), at most ``MAX_LINE`` bytes, each
a pydantic model with ``extra="forbid"`` and strict types. The display speaks first
(``Hello``); the desk answers ``Welcome`` and then sends a ``Show`` for every new
screen, or ``Refused`` and closes. The display answers the patient's questions with
the ``seq`` of the ``Show`` they answer: an answer to an older screen is dropped.

Both sides treat what they read as hostile. ``decode`` turns anything that is not a
well-formed message into one ``ProtocolError`` whose text never repeats the input (an
answer may carry a PIN).
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from clinic_desk.patient.view import PatientView

PROTOCOL_VERSION = 1
MAX_LINE = 8192
MAX_SEQ = 2**53 - 1

Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


# --- from the display ----------------------------------------------------------------
class Hello(_Message):
    type: Literal["hello"] = "hello"
    protocol: Annotated[int, Field(ge=0, le=1000)] = PROTOCOL_VERSION


class PinAnswer(_Message):
    """The PIN typed on the display. It goes to the desk's check-in and nowhere else."""

    type: Literal["pin"] = "pin"
    seq: Seq
    pin: SecretStr

    @field_validator("pin")
    @classmethod
    def _four_digits(cls, value: SecretStr) -> SecretStr:
        digits = value.get_secret_value()
        if len(digits) != 4 or not (digits.isascii() and digits.isdigit()):
            raise ValueError("a PIN is four digits")
        return value


class NameAnswer(_Message):
    type: Literal["name"] = "name"
    seq: Seq
    is_me: bool


class BirthdateAnswer(_Message):
    type: Literal["birthdate"] = "birthdate"
    seq: Seq
    birthdate: date


class ConsentAnswer(_Message):
    type: Literal["consent"] = "consent"
    seq: Seq
    consent: bool


class Goodbye(_Message):
    """The display is closing: unpair now rather than on end of file."""

    type: Literal["bye"] = "bye"


Answer = PinAnswer | NameAnswer | BirthdateAnswer | ConsentAnswer
FromDisplay = Hello | PinAnswer | NameAnswer | BirthdateAnswer | ConsentAnswer | Goodbye


# --- from the desk -------------------------------------------------------------------
class RefusalCode(StrEnum):
    ALREADY_PAIRED = "already_paired"  # another display is paired with this desk
    NOT_ALLOWED = "not_allowed"  # the display runs as another user
    BAD_MESSAGE = "bad_message"  # what the display sent is not a message
    UNSUPPORTED = "unsupported"  # another protocol version
    DESK_CLOSING = "desk_closing"


class Welcome(_Message):
    type: Literal["welcome"] = "welcome"
    protocol: Annotated[int, Field(ge=0, le=1000)] = PROTOCOL_VERSION


class Show(_Message):
    type: Literal["show"] = "show"
    seq: Seq
    view: PatientView


class Refused(_Message):
    type: Literal["refused"] = "refused"
    code: RefusalCode


FromDesk = Welcome | Show | Refused

_FROM_DISPLAY: TypeAdapter[FromDisplay] = TypeAdapter(
    Annotated[FromDisplay, Field(discriminator="type")]
)
_FROM_DESK: TypeAdapter[FromDesk] = TypeAdapter(Annotated[FromDesk, Field(discriminator="type")])


class ProtocolError(Exception):
    """What was read is not a message. ``code`` names the problem; the text is one
    sentence that never repeats what was read."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def encode(message: FromDisplay | FromDesk) -> bytes:
    """One line: the message as compact JSON and a newline. The PIN is written out
    here and only here (``SecretStr`` hides it everywhere else)."""
    data = message.model_dump(mode="json")
    if isinstance(message, PinAnswer):
        data["pin"] = message.pin.get_secret_value()
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    if len(line) > MAX_LINE:
        raise ProtocolError("too_long", "The message is longer than the protocol allows.")
    return line


def decode_from_display(line: bytes) -> FromDisplay:
    """A message the display sent, or ``ProtocolError``."""
    return _decode(line, _FROM_DISPLAY)


def decode_from_desk(line: bytes) -> FromDesk:
    """A message the desk sent, or ``ProtocolError``."""
    return _decode(line, _FROM_DESK)


T = TypeVar("T")


def _decode(line: bytes, adapter: TypeAdapter[T]) -> T:
    if len(line) > MAX_LINE:
        raise ProtocolError("too_long", "The message is longer than the protocol allows.")
    if not line.endswith(b"\n"):
        raise ProtocolError("incomplete", "The message ended before its end of line.")
    body = line[:-1]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("not_utf8", "The message is not UTF-8 text.") from None
    if "\n" in text or "\r" in text:
        raise ProtocolError("not_one_line", "The message is not one line.")
    kinds: set[str] = set()
    try:
        return adapter.validate_json(text)
    except ValidationError as exc:
        # the error's own text repeats the input (perhaps a PIN): only its kind is kept,
        # and the error is raised outside this block so it does not hang on to it
        kinds = {error["type"] for error in exc.errors(include_input=False, include_url=False)}
    if "json_invalid" in kinds:
        raise ProtocolError("not_json", "The message is not JSON.")
    raise ProtocolError("not_a_message", "The message is not one the protocol knows.")

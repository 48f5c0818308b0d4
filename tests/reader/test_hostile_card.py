"""Whatever a card answers, the reader returns a result or a typed CardError.

A hostile or broken card is simulated by a transport that answers every APDU with
bytes drawn by hypothesis (plus, often, a plausible status word).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.errors import CardError
from reader.mynumber import BasicFourItems, MyNumberCard
from reader.mynumber.certificate import der_total_length
from reader.transcript import Transcript
from tests.reader.conftest import assert_transcript_clean

STATUS_WORDS = [b"\x90\x00", b"\x62\x82", b"\x63\xc3", b"\x63\xc1", b"\x63\xc0", b"\x69\x84"]
STATUS_WORDS += [b"\x69\x82", b"\x6a\x82", b"\x6b\x00", b"\x6c\x10", b"\x61\x10", b"\x67\x00"]


class ScriptedCard:
    """A transport whose card answers from a script, then with 6F 00 forever."""

    reader_name = "scripted"

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = list(answers)
        self.sent = 0

    def connect(self) -> bytes:
        return b"\x3b\x00"

    def disconnect(self) -> None:
        pass

    def transmit(self, apdu: bytes) -> bytes:
        self.sent += 1
        if self.sent > 400:
            raise AssertionError("the reader keeps sending: it must give up on its own")
        return self.answers.pop(0) if self.answers else b"\x6f\x00"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield


answer = st.one_of(
    st.binary(max_size=300),
    st.tuples(st.binary(max_size=300), st.sampled_from(STATUS_WORDS)).map(lambda t: t[0] + t[1]),
    st.sampled_from(STATUS_WORDS),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answer, max_size=30), st.sampled_from(["items", "cert", "sign", "full", "tries"]))
def test_any_answers_give_a_result_or_a_typed_error(answers: list[bytes], operation: str) -> None:
    transcript = Transcript()
    card = MyNumberCard(ScriptedCard(answers), transcript)
    try:
        if operation == "items":
            assert isinstance(card.read_basic_four_items("1234"), BasicFourItems)
        elif operation == "cert":
            assert card.read_auth_certificate()[0] == 0x30
        elif operation == "sign":
            assert len(card.sign_challenge(b"n", "1234")) == 256
        elif operation == "full":
            card.full_read("1234", b"n")
        else:
            assert 0 <= card.text_pin_tries_left() <= 15
    except CardError as exc:
        assert exc.message
    if len(transcript):
        assert_transcript_clean(transcript)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=12))
def test_certificate_length_from_any_header(head: bytes) -> None:
    try:
        total = der_total_length(head)
    except CardError:
        return
    assert 2 <= total <= 0x7FFF

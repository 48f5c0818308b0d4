"""The whole reader through the REAL pcscd and vsmartcard's vpcd, with the virtual card."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from reader.errors import (
    AmbiguousReader,
    CardFileMissing,
    CardRemoved,
    LastTryNeedsConfirmation,
    MalformedCardData,
    NoCard,
    NoReader,
    NotAMyNumberCard,
    PinBlocked,
    VirtualReaderRefused,
    WrongPin,
)
from reader.mynumber import MyNumberCard
from reader.transcript import Transcript
from reader.transport import (
    CardMonitor,
    PcscTransport,
    list_readers,
    reader_states,
    wait_for_card_state,
)
from reader.virtual_card import VirtualCard, VpcdCardServer
from tests.reader.conftest import VPCD_READER, assert_transcript_clean, make_card

pytestmark = pytest.mark.pcscd

InsertCard = Callable[[VirtualCard], VpcdCardServer]


def open_card(transcript: Transcript | None = None) -> MyNumberCard:
    return MyNumberCard(PcscTransport(VPCD_READER, allow_virtual=True), transcript)


def test_full_read_and_signature_verified_with_the_certificate(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card())
    transcript = Transcript()
    with open_card(transcript) as card:
        assert card.text_pin_tries_left() == 3
        assert card.atr == bytes.fromhex("3BE000FF8131FE4514")
        result = card.full_read("1234", b"nonce from the gateway")
    assert result.four_items.name == "山田　太郎"
    assert result.four_items.birthdate == date(1980, 4, 1)
    public_key = result.certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(
        result.signature, b"nonce from the gateway", padding.PKCS1v15(), hashes.SHA256()
    )
    assert result.certificate_der == server.card.credentials.certificate_der
    assert server.apdus_served == len(transcript)
    assert_transcript_clean(transcript)


def test_wrong_pin_decrements_and_lockout_after_three(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card())
    with open_card() as card, pytest.raises(WrongPin) as caught:
        card.read_basic_four_items("9999")
    assert caught.value.tries_left == 2
    # A new connection sees the same counter: it lives on the card.
    with open_card() as card:
        assert card.text_pin_tries_left() == 2
        with pytest.raises(WrongPin):
            card.read_basic_four_items("9998")
        with pytest.raises(LastTryNeedsConfirmation):
            card.read_basic_four_items("9997")
        with pytest.raises(PinBlocked):
            card.read_basic_four_items("9997", confirm_last_try=True)
    with open_card() as card:
        assert card.text_pin_tries_left() == 0
        with pytest.raises(PinBlocked):
            card.read_basic_four_items("1234", confirm_last_try=True)
        assert card.auth_pin_tries_left() == 3
    assert server.card.tries_left(b"\xd3\x92\x10\x00\x31\x00\x01\x01\x04\x08", 0x0011) == 0


def test_last_try_is_refused_without_confirmation(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card("nakamura-akemi"))
    transcript = Transcript()
    with open_card(transcript) as card:
        with pytest.raises(LastTryNeedsConfirmation):
            card.sign_challenge(b"n", "1234")
        assert not any(e.redacted for e in transcript)
        signature = card.sign_challenge(b"n", "1234", confirm_last_try=True)
    assert len(signature) == 256
    assert server.card.tries_left(b"\xd3\x92\xf0\x00\x26\x01\x00\x00\x00\x01", 0x0018) == 3


def test_card_removed_mid_read_then_reinserted(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card("removed-mid-read"))
    card = open_card()
    result = None
    with pytest.raises(CardRemoved):
        result = card.full_read("1234", b"n")
    assert result is None
    card.close()
    assert wait_for_card_state(VPCD_READER, present=False)
    with pytest.raises(NoCard):
        open_card().read_auth_certificate()
    server.reinsert()
    assert wait_for_card_state(VPCD_READER, present=True)
    with open_card() as card:
        assert card.full_read("1234", b"n").four_items.name == "山田　太郎"


@pytest.mark.parametrize(
    ("profile", "operation", "error"),
    [
        ("malformed-four-items", "four_items", MalformedCardData),
        ("truncated-certificate", "certificate", MalformedCardData),
        ("missing-certificate", "certificate", CardFileMissing),
        ("not-a-mynumber-card", "four_items", NotAMyNumberCard),
        ("not-a-mynumber-card", "certificate", NotAMyNumberCard),
    ],
)
def test_faulty_cards_give_typed_errors(
    vpcd_card: InsertCard, profile: str, operation: str, error: type[Exception]
) -> None:
    vpcd_card(make_card(profile))
    transcript = Transcript()
    with open_card(transcript) as card, pytest.raises(error):
        if operation == "four_items":
            card.read_basic_four_items("1234")
        else:
            card.read_auth_certificate()
    if any(e.redacted for e in transcript) or len(transcript):
        assert_transcript_clean(transcript)


def test_slow_card_is_read_without_timing_out(vpcd_card: InsertCard) -> None:
    vpcd_card(make_card("slow-card"))
    with open_card() as card:
        assert card.read_basic_four_items("1234").sex == "1"


def test_long_address_chained_signature_through_pcscd(vpcd_card: InsertCard) -> None:
    vpcd_card(make_card("long-address"))
    transcript = Transcript()
    with open_card(transcript) as card:
        result = card.full_read("1234", b"n")
    assert len(result.four_items.address.encode()) > 127  # a long-form BER length
    assert_transcript_clean(transcript)


def test_reader_choice_through_pcscd(pcscd: object) -> None:
    names = list_readers()
    assert {"Virtual PCD 00 00", "Virtual PCD 00 01"} <= set(names)
    with pytest.raises(AmbiguousReader):
        PcscTransport("Virtual PCD", allow_virtual=True).resolve_reader()
    with pytest.raises(NoReader) as caught:
        PcscTransport("Reader that is not attached", allow_virtual=True).resolve_reader()
    assert "Virtual PCD 00 00" in caught.value.message
    with pytest.raises(VirtualReaderRefused):
        PcscTransport(VPCD_READER).resolve_reader()
    assert PcscTransport("PCD 00 01", allow_virtual=True).resolve_reader() == "Virtual PCD 00 01"
    # connect() tries a full reader name directly, and falls back to choosing properly
    with pytest.raises(AmbiguousReader):
        PcscTransport("Virtual PCD 00 0", allow_virtual=True).connect()
    with pytest.raises(NoReader):
        PcscTransport("Reader that is not attached 00 00", allow_virtual=True).connect()
    with pytest.raises(VirtualReaderRefused):
        PcscTransport(VPCD_READER).connect()


def test_empty_reader_is_no_card(pcscd: object) -> None:
    assert wait_for_card_state(VPCD_READER, present=False)
    with pytest.raises(NoCard) as caught:
        PcscTransport(VPCD_READER, allow_virtual=True).connect()
    assert "Place the card" in caught.value.message


def test_reader_states_show_the_card(vpcd_card: InsertCard) -> None:
    vpcd_card(make_card())
    states = {s.name: s for s in reader_states()}
    assert states[VPCD_READER].card_present
    assert states[VPCD_READER].atr == bytes.fromhex("3BE000FF8131FE4514")
    assert states[VPCD_READER].virtual


def test_monitor_reports_insertion_and_removal(vpcd_card: InsertCard) -> None:
    events = []
    seen = threading.Event()

    def on_event(event: object) -> None:
        events.append(event)
        seen.set()

    with CardMonitor(VPCD_READER, on_event, poll_ms=200) as monitor:
        server = vpcd_card(make_card())
        assert seen.wait(5)
        assert [(e.kind, e.reader) for e in events] == [("inserted", VPCD_READER)]
        assert events[0].atr == bytes.fromhex("3BE000FF8131FE4514")
        seen.clear()
        server.remove()
        assert seen.wait(5)
        assert [e.kind for e in events] == ["inserted", "removed"]
        assert monitor.running
    assert not monitor.running
    assert monitor.error is None


def test_monitor_queue_and_prompt_stop(pcscd: object) -> None:
    monitor = CardMonitor(VPCD_READER, poll_ms=10_000).start()
    assert monitor.running
    assert monitor.get(timeout=0.2) is None
    monitor.stop()  # cancels the 10 s wait at once
    assert not monitor.running


def test_monitor_started_as_a_card_leaves_reports_no_ghost(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card())
    with open_card() as card:
        card.read_auth_certificate()
    server.remove()
    # Right after a card leaves, pcscd briefly shows it as present but unpowered.
    with CardMonitor(VPCD_READER, poll_ms=100) as monitor:
        assert wait_for_card_state(VPCD_READER, present=False)
        assert monitor.get(timeout=0.8) is None
        server.reinsert()
        event = monitor.get(timeout=10)
        assert event is not None
        assert (event.kind, event.reader) == ("inserted", VPCD_READER)
        assert monitor.get(timeout=0.5) is None


def test_reading_a_card_that_just_left_is_a_typed_error(vpcd_card: InsertCard) -> None:
    server = vpcd_card(make_card())
    with open_card() as card:
        card.read_auth_certificate()
    for _ in range(2):
        server.remove()
        # pcscd may still show the card for a moment: whatever it says, the answer
        # is "no card" or "removed", never an unexplained PC/SC code.
        with pytest.raises((NoCard, CardRemoved)):
            open_card().read_auth_certificate()
        server.reinsert()
        assert wait_for_card_state(VPCD_READER, present=True)


def test_the_real_card_model_is_spent_inside_the_card_behind_pcscd(vpcd_card: InsertCard) -> None:
    """The latency is spent where a real card spends it: in the card, while pcscd and
    pyscard wait for its answer (recorded here, not slept)."""
    spent: list[tuple[str, float]] = []

    def sleep(seconds: float) -> None:
        spent.append((threading.current_thread().name, seconds))

    virtual = VirtualCard(
        make_card().profile.model_copy(update={"timing": "real-card"}), sleep=sleep
    )
    server = vpcd_card(virtual)
    transcript = Transcript()
    with open_card(transcript) as card:
        card.full_read("1234", b"n")
    assert len(spent) == len(transcript)
    assert {thread for thread, _ in spent} == {f"vpcd-card-{server.port}"}
    assert max(seconds for _, seconds in spent) == 0.7  # the signature


def test_pin_pad_discovery_through_pcscd_on_a_reader_without_one(vpcd_card: InsertCard) -> None:
    """SCardControl(CM_IOCTL_GET_FEATURE_REQUEST) through the real pcscd: vpcd lists no
    PIN-pad feature, so the desk is told plainly and no VERIFY is sent."""
    from reader.errors import PinPadUnavailable
    from reader.pinpad import ON_PIN_PAD

    virtual = make_card()
    vpcd_card(virtual)
    transcript = Transcript()
    with open_card(transcript) as card:
        assert not card.has_pin_pad()
        with pytest.raises(PinPadUnavailable):
            card.read_basic_four_items(ON_PIN_PAD)
    assert not any(e.command[1] == 0x20 and len(e.command) > 5 for e in transcript)
    assert virtual.tries_left(bytes.fromhex("D3921000310001010408"), 0x0011) == 3

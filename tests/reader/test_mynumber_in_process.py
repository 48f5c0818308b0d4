"""The My Number protocol against the virtual card, in-process (no pcscd)."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from clinic_desk.paths import fixtures_dir
from reader.apdu import (
    EF_JPKI_AUTH_PIN,
    EF_TEXT_PIN,
    JPKI_AID,
    TEXT_AID,
    Response,
    read_binary,
    select_aid,
    select_ef,
)
from reader.errors import (
    CardError,
    CardFileMissing,
    CardRemoved,
    ForbiddenFile,
    InvalidPinFormat,
    LastTryNeedsConfirmation,
    MalformedCardData,
    NotAMyNumberCard,
    PinBlocked,
    SecurityStatusNotSatisfied,
    UnexpectedStatus,
    WrongPin,
)
from reader.mynumber import MyNumberCard
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from reader.virtual_card import VirtualCard
from tests.reader.conftest import assert_transcript_clean, make_card


def open_card(card: VirtualCard, transcript: Transcript | None = None) -> MyNumberCard:
    return MyNumberCard(InProcessTransport(card), transcript)


def test_full_read_and_signature_verified_with_the_certificate() -> None:
    transcript = Transcript()
    with open_card(make_card(), transcript) as card:
        assert card.text_pin_tries_left() == 3
        assert card.auth_pin_tries_left() == 3
        result = card.full_read("1234", b"gateway nonce 42")
    items = result.four_items
    assert items.name == "山田　太郎"
    assert items.address == "東京都千代田区千代田１－１"
    assert items.birthdate == date(1980, 4, 1)
    assert items.sex == "1"
    public_key = result.certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(result.signature, b"gateway nonce 42", padding.PKCS1v15(), hashes.SHA256())
    assert_transcript_clean(transcript)


def test_each_operation_alone() -> None:
    with open_card(make_card()) as card:
        der = card.read_auth_certificate()
        certificate = card.read_auth_certificate_x509()
        items = card.read_basic_four_items("1234")
        signature = card.sign_challenge(b"abc", "1234")
    assert der[0] == 0x30
    assert items.birthdate == date(1980, 4, 1)
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(signature, b"abc", padding.PKCS1v15(), hashes.SHA256())


def test_wrong_pin_decrements_and_a_right_one_restores() -> None:
    virtual = make_card()
    with open_card(virtual) as card:
        with pytest.raises(WrongPin) as caught:
            card.read_basic_four_items("9999")
        assert caught.value.tries_left == 2
        assert "2 tries left" in caught.value.message
        assert card.text_pin_tries_left() == 2
        assert card.auth_pin_tries_left() == 3  # separate counter
        card.read_basic_four_items("1234")
        assert card.text_pin_tries_left() == 3


def test_lockout_after_three_wrong_pins_persists_across_connections() -> None:
    virtual = make_card()
    with open_card(virtual) as card:
        for left in (2, 1):
            with pytest.raises(WrongPin) as caught:
                card.sign_challenge(b"x", "0000", confirm_last_try=True)
            assert caught.value.tries_left == left
        with pytest.raises(PinBlocked):
            card.sign_challenge(b"x", "0000", confirm_last_try=True)
    transcript = Transcript()
    with open_card(virtual, transcript) as card:  # a new connection: still locked
        assert card.auth_pin_tries_left() == 0
        with pytest.raises(PinBlocked):
            card.sign_challenge(b"x", "1234", confirm_last_try=True)
    # The right PIN was never sent to a locked card.
    assert not any(e.redacted for e in transcript)
    assert virtual.tries_left(JPKI_AID, EF_JPKI_AUTH_PIN) == 0


def test_one_try_left_needs_confirmation_and_sends_no_verify() -> None:
    virtual = make_card("nakamura-akemi")
    transcript = Transcript()
    with open_card(virtual, transcript) as card:
        assert card.text_pin_tries_left() == 1
        with pytest.raises(LastTryNeedsConfirmation) as caught:
            card.read_basic_four_items("1234")
        assert "Only 1 PIN try is left" in caught.value.message
        assert not any(e.redacted for e in transcript)  # no VERIFY with data was sent
        assert virtual.tries_left(TEXT_AID, EF_TEXT_PIN) == 1
        items = card.read_basic_four_items("1234", confirm_last_try=True)
    assert items.name == "中村　明美"
    assert virtual.tries_left(TEXT_AID, EF_TEXT_PIN) == 3


def test_pin_format_is_checked_before_anything_is_sent() -> None:
    transcript = Transcript()
    with open_card(make_card(), transcript) as card:
        for bad in ("123", "12345", "12a4", "１２３４", ""):
            with pytest.raises(InvalidPinFormat):
                card.read_basic_four_items(bad)
    assert len(transcript) == 0


def test_malformed_four_items() -> None:
    with open_card(make_card("malformed-four-items")) as card, pytest.raises(MalformedCardData):
        card.read_basic_four_items("1234")


def test_truncated_certificate() -> None:
    with open_card(make_card("truncated-certificate")) as card:
        with pytest.raises(MalformedCardData) as caught:
            card.read_auth_certificate()
        assert "ends before" in caught.value.message


def test_missing_file_answers_6a82() -> None:
    with open_card(make_card("missing-certificate")) as card:
        with pytest.raises(CardFileMissing) as caught:
            card.read_auth_certificate()
        assert caught.value.file_id == "000A"
        assert "6A 82" in caught.value.message


def test_unknown_card() -> None:
    with open_card(make_card("not-a-mynumber-card")) as card:
        with pytest.raises(NotAMyNumberCard):
            card.identify()
        with pytest.raises(NotAMyNumberCard):
            card.read_basic_four_items("1234")
        with pytest.raises(NotAMyNumberCard):
            card.text_pin_tries_left()


def test_removed_mid_read_returns_nothing_partial() -> None:
    virtual = make_card("removed-mid-read")
    card = open_card(virtual)
    result = None
    with pytest.raises(CardRemoved) as caught:
        result = card.full_read("1234", b"n")
    assert result is None
    assert "Nothing was read" in caught.value.message
    with pytest.raises(CardError):  # still out of the reader
        card.read_basic_four_items("1234")
    virtual.reinsert()
    assert card.read_basic_four_items("1234").name == "山田　太郎"
    card.close()


def test_long_address_exact_le_and_chained_signature() -> None:
    transcript = Transcript()
    with open_card(make_card("long-address"), transcript) as card:
        result = card.full_read("1234", b"n")
    assert result.four_items.address.startswith("北海道札幌市")
    assert result.four_items.sex == "9"
    steps = [(e.command[1], e.sw >> 8) for e in transcript]
    assert (0x2A, 0x61) in steps  # the card said the signature is waiting
    assert (0xC0, 0x90) in steps  # and it came through GET RESPONSE
    public_key = result.certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(result.signature, b"n", padding.PKCS1v15(), hashes.SHA256())


def test_exact_le_card_gets_the_read_repeated_with_its_length() -> None:
    transcript = Transcript()
    with open_card(make_card(faults={"exact_le": True}), transcript) as card:
        items = card.read_basic_four_items("1234")
    assert items.name == "山田　太郎"
    reads = [e for e in transcript if e.command[1] == 0xB0]
    assert reads[0].sw >> 8 == 0x6C
    assert reads[1].command[4] == reads[0].sw & 0xFF
    assert reads[1].sw == 0x9000


def test_guard_refuses_forbidden_files_before_they_reach_the_card() -> None:
    virtual = make_card()
    transcript = Transcript()
    with open_card(virtual, transcript) as card:
        card.read_basic_four_items("1234")  # text AP selected and PIN verified
        sent = virtual.apdu_count
        channel = card.channel
        with pytest.raises(ForbiddenFile) as caught:
            channel.exchange("probe", select_ef(0x0001))
        assert "individual-number" in caught.value.message
        with pytest.raises(ForbiddenFile):
            channel.exchange("probe", select_ef(0x0003))
        with pytest.raises(ForbiddenFile):
            channel.exchange("probe", bytes([0x00, 0xB0, 0x81, 0x00, 0x00]))  # SFI 1
        with pytest.raises(ForbiddenFile):
            channel.exchange("probe", bytes.fromhex("00A4080C04D0010001"))  # by path
        channel.exchange("probe", select_aid(JPKI_AID))
        for file_id in (0x0001, 0x0002, 0x001A, 0x001B, 0x000B, 0x0006):
            with pytest.raises(ForbiddenFile):
                channel.exchange("probe", select_ef(file_id))
        channel.exchange("probe", select_ef(0x000A))  # the auth certificate is what it reads
        assert virtual.apdu_count == sent + 2
    assert_transcript_clean(transcript)


def test_before_any_application_every_forbidden_id_is_refused() -> None:
    with open_card(make_card()) as card:
        card.channel.transport.connect()
        for file_id in (0x0001, 0x0002, 0x0003, 0x001A, 0x001B):
            with pytest.raises(ForbiddenFile):
                card.channel.exchange("probe", select_ef(file_id))


def test_security_status_and_unexpected_status_are_typed() -> None:
    virtual = make_card()
    transport = InProcessTransport(virtual)
    transport.connect()
    card = MyNumberCard(transport)
    channel = card.channel
    channel.exchange("s", select_aid(TEXT_AID))
    channel.exchange("s", select_ef(0x0002))
    response = channel.exchange("r", read_binary(0, 16))
    assert response.sw == 0x6982
    from reader.mynumber.card import _expect_ok

    with pytest.raises(SecurityStatusNotSatisfied):
        _expect_ok(response, "reading")
    with pytest.raises(UnexpectedStatus) as caught:
        _expect_ok(Response.parse(virtual.process(bytes.fromhex("00CA000000"))), "asking")
    assert caught.value.sw_hex == "6D00"
    assert "6D 00" in caught.value.message


def test_transcript_redacts_pins_in_every_flow() -> None:
    for name in ("yamada-taro", "nakamura-akemi", "removed-mid-read", "long-address"):
        transcript = Transcript()
        with open_card(make_card(name), transcript) as card:
            card.text_pin_tries_left()
            card.auth_pin_tries_left()
            if name == "nakamura-akemi":
                with pytest.raises(LastTryNeedsConfirmation):
                    card.read_basic_four_items("1234")
            if name == "removed-mid-read":
                with pytest.raises(CardRemoved):
                    card.full_read("1234", b"n", confirm_last_try=True)
                card.close()
                assert isinstance(card.transport, InProcessTransport)
                virtual = card.transport.card
                assert isinstance(virtual, VirtualCard)
                virtual.reinsert()
            card.read_basic_four_items("1234", confirm_last_try=True)
            card.read_auth_certificate()
            card.sign_challenge(b"n", "1234", confirm_last_try=True)
            with pytest.raises(WrongPin):
                card.sign_challenge(b"n", "5678", confirm_last_try=True)
        assert_transcript_clean(transcript, ("1234", "5678"))
        assert "1234" not in transcript.to_json()
        assert all("5678" not in e.command.hex() for e in transcript)


def test_another_program_changing_the_application_between_operations() -> None:
    virtual = make_card()
    transcript = Transcript()
    with open_card(virtual, transcript) as card:
        card.read_auth_certificate()
        # Another program on the shared card selects the text AP between our calls.
        assert virtual.process(select_aid(TEXT_AID))[-2:] == b"\x90\x00"
        assert card.read_auth_certificate()[0] == 0x30
        assert virtual.process(select_aid(JPKI_AID))[-2:] == b"\x90\x00"
        assert card.read_basic_four_items("1234").name == "山田　太郎"
    assert_transcript_clean(transcript)


@pytest.mark.parametrize(
    "profile_id", [p.stem for p in sorted((fixtures_dir() / "cards").glob("*.json"))]
)
def test_every_patient_card_fixture_reads_back_what_its_profile_says(profile_id: str) -> None:
    virtual = make_card(profile_id)
    profile = virtual.profile
    if profile.pins.text_pin_tries == 0:  # a card without a usable PIN (face only)
        with open_card(virtual) as card:
            assert card.read_auth_certificate() == virtual.credentials.certificate_der
            with pytest.raises(PinBlocked):
                card.full_read(profile.pins.text_pin, b"n", auth_pin=profile.pins.auth_pin)
        return
    with open_card(virtual) as card:
        result = card.full_read(
            profile.pins.text_pin,
            b"n",
            auth_pin=profile.pins.auth_pin,
            confirm_last_try=True,
        )
    items = result.four_items
    assert (items.name, items.address, items.birthdate, items.sex) == (
        profile.name,
        profile.address,
        profile.birthdate,
        profile.sex,
    )
    assert "\u3000" in items.name
    assert result.certificate_der == virtual.credentials.certificate_der

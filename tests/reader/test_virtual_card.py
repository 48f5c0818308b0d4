"""The virtual card answers like a card: files, PIN objects, access rules, faults."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from reader.apdu import (
    JPKI_AID,
    TEXT_AID,
    VISUAL_AID,
    read_binary,
    select_aid,
    select_ef,
    verify,
    verify_status,
)
from reader.virtual_card import CardLeftField, VirtualCard
from reader.virtual_card.files import individual_number
from tests.reader.conftest import make_card


def sw(response: bytes) -> int:
    return (response[-2] << 8) | response[-1]


def read_all(card: VirtualCard) -> bytes:
    data = b""
    while True:
        response = card.process(read_binary(len(data), 256))
        if sw(response) not in (0x9000, 0x6282):
            return data
        data += response[:-2]
        if sw(response) == 0x6282:
            return data


def test_atr_is_a_real_my_number_card_atr() -> None:
    assert make_card().atr == bytes.fromhex("3BE000FF8131FE4514")


def test_all_applications_and_files_a_real_card_has() -> None:
    card = make_card()
    for aid, files in (
        (JPKI_AID, (0x0001, 0x0002, 0x0006, 0x000A, 0x000B, 0x0017, 0x0018, 0x001A, 0x001B)),
        (TEXT_AID, (0x0001, 0x0002, 0x0003, 0x0011)),
    ):
        assert sw(card.process(select_aid(aid))) == 0x9000
        for file_id in files:
            assert sw(card.process(select_ef(file_id))) == 0x9000, hex(file_id)
        assert sw(card.process(select_ef(0x0FFF))) == 0x6A82
    assert sw(card.process(select_aid(VISUAL_AID))) == 0x9000
    assert sw(card.process(select_aid(bytes.fromhex("A000000003")))) == 0x6A82


def test_jpki_public_files_need_no_pin() -> None:
    card = make_card()
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x0006))
    assert read_all(card).startswith(b"JPKIAPICCTOKEN2")
    card.process(select_ef(0x000B))
    ca = x509.load_der_x509_certificate(read_all(card))
    card.process(select_ef(0x000A))
    user = x509.load_der_x509_certificate(read_all(card))
    assert user.issuer == ca.subject
    card.process(select_ef(0x0001))  # the signing certificate needs the signing password
    assert sw(card.process(read_binary(0, 4))) == 0x6982


def test_signing_side_pin_object_answers_tries_like_a_card() -> None:
    card = make_card()
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x001B))
    assert sw(card.process(verify_status())) == 0x63C5
    assert sw(card.process(verify(b"SIGNPASS1"))) == 0x9000
    card.process(select_ef(0x0001))
    signing = x509.load_der_x509_certificate(read_all(card))
    assert signing.serial_number != card.credentials.certificate.serial_number


def test_text_ap_files_need_the_text_pin() -> None:
    card = make_card()
    card.process(select_aid(TEXT_AID))
    card.process(select_ef(0x0002))
    assert sw(card.process(read_binary(0, 16))) == 0x6982
    card.process(select_ef(0x0011))
    assert sw(card.process(verify(b"1234"))) == 0x9000
    card.process(select_ef(0x0002))
    assert read_all(card).startswith(b"\xff\x20")
    # The emulator holds the individual number like a card does (valid check digit);
    # the desk's guard is what keeps the reader away from it.
    card.process(select_ef(0x0001))
    assert individual_number(card.profile.seed).encode() in read_all(card)


def test_counters_persist_across_resets_and_verified_state_does_not() -> None:
    card = make_card()
    card.process(select_aid(TEXT_AID))
    card.process(select_ef(0x0011))
    assert sw(card.process(verify(b"0000"))) == 0x63C2
    card.reset()
    card.process(select_aid(TEXT_AID))
    card.process(select_ef(0x0011))
    assert sw(card.process(verify_status())) == 0x63C2
    assert sw(card.process(verify(b"1234"))) == 0x9000
    assert sw(card.process(verify_status())) == 0x9000
    card.reset()
    card.process(select_aid(TEXT_AID))
    card.process(select_ef(0x0011))
    assert sw(card.process(verify_status())) == 0x63C3


def test_lockout() -> None:
    card = make_card()
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x0018))
    answers = [sw(card.process(verify(b"0000"))) for _ in range(3)]
    assert answers == [0x63C2, 0x63C1, 0x63C0]
    assert sw(card.process(verify(b"1234"))) == 0x6984
    assert sw(card.process(verify_status())) == 0x6984


def test_signature_needs_the_auth_pin() -> None:
    from reader.apdu import compute_digital_signature
    from reader.mynumber import sha256_digest_info

    card = make_card()
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x0017))
    assert sw(card.process(compute_digital_signature(sha256_digest_info(b"x")))) == 0x6982


def test_bad_commands() -> None:
    card = make_card()
    assert sw(card.process(b"\x00\xa4")) == 0x6700
    assert sw(card.process(bytes.fromhex("00A4040C05D392F0"))) == 0x6700  # Lc lies
    assert sw(card.process(bytes.fromhex("90A4040C00"))) == 0x6E00
    assert sw(card.process(bytes.fromhex("00CA000000"))) == 0x6D00
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x000A))
    assert sw(card.process(bytes.fromhex("00B0810004"))) == 0x6A81  # no SFI reads
    assert sw(card.process(read_binary(0x7000, 4))) == 0x6B00


def test_removal_fault_and_reinsert() -> None:
    card = make_card(faults={"remove_after_apdus": 2})
    card.process(select_aid(JPKI_AID))
    card.process(select_ef(0x000A))
    with pytest.raises(CardLeftField):
        card.process(read_binary(0, 4))
    with pytest.raises(CardLeftField):
        card.reset()
    assert not card.present
    card.reinsert()
    card.reset()
    for _ in range(5):  # the fault does not fire again
        assert sw(card.process(select_aid(JPKI_AID))) == 0x9000


def test_profile_validation_rejects_bad_pins() -> None:
    from pydantic import ValidationError

    from tests.reader.conftest import load_profile

    with pytest.raises(ValidationError):
        load_profile("yamada-taro", pins={"text_pin": "12a4"})


def test_profiles_are_found_by_id_in_every_card_folder(cards_dir: Path) -> None:
    from reader.virtual_card import available_profiles, find_profile

    names = available_profiles(cards_dir)
    assert names[0] != "long-address" and "yamada-taro" in names
    assert names.index("yamada-taro") < names.index("removed-mid-read")
    for name in names:
        assert find_profile(name, cards_dir).stem == name
    assert find_profile(str(cards_dir / "sato-ken.json"), cards_dir).name == "sato-ken.json"
    with pytest.raises(FileNotFoundError):
        find_profile("nobody", cards_dir)

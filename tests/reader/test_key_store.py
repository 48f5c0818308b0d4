"""Virtual-card keys: shipped as test keys, kept on disk, derived only when neither has them."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from clinic_desk.paths import fixtures_dir
from reader.virtual_card import CardProfile, KeyStore, VirtualCard, find_profile
from reader.virtual_card.keys import (
    TEST_KEY_BANNER,
    deterministic_rsa_key,
    key_file_name,
    read_key_file,
)
from reader.virtual_card.pki import CA_SEED, card_credentials
from reader.virtual_card.shipped_keys import fixture_seeds

CARDS_DIR = fixtures_dir() / "cards"
SHIPPED = CARDS_DIR / "test-keys"
SEED = "key-store-test-seed"


def test_keys_are_kept_read_back_and_derived_again_when_damaged(tmp_path: Path) -> None:
    first = KeyStore(tmp_path).rsa_key(SEED)
    (stored,) = tmp_path.glob("*.pem")
    assert stored.name == key_file_name(SEED)
    assert stored.read_text().startswith(TEST_KEY_BANNER)
    store = KeyStore(tmp_path)
    assert store.rsa_key(SEED).private_numbers() == first.private_numbers()
    assert store.derived == 0  # read back from the file
    for damage in (b"damaged", b"x" * 100_000):
        stored.write_bytes(damage)
        store = KeyStore(tmp_path)
        assert store.rsa_key(SEED).private_numbers() == first.private_numbers()
        assert store.derived == 1
        assert read_key_file(stored) is not None  # written again
    # a readable key of another size is not taken for this one
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    stored.write_bytes(small.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    assert KeyStore(tmp_path).rsa_key(SEED).private_numbers() == first.private_numbers()


def test_a_fifo_or_a_folder_in_place_of_a_key_is_passed_over(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / key_file_name(SEED))
    (tmp_path / key_file_name("another")).mkdir()
    assert read_key_file(tmp_path / key_file_name(SEED)) is None
    assert read_key_file(tmp_path / key_file_name("another")) is None


def test_a_read_only_store_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    store = KeyStore(blocked)
    assert store.rsa_key(SEED) is not None
    assert store.derived == 1


def test_every_fixture_card_has_its_shipped_test_key() -> None:
    """Adding a card with a new seed needs `python -m reader.virtual_card.shipped_keys`."""
    seeds = fixture_seeds([CARDS_DIR, fixtures_dir() / "scenarios"])
    shipped = {p.name for p in SHIPPED.glob("*.pem")}
    assert {key_file_name(seed) for seed in seeds} == shipped
    for path in SHIPPED.glob("*.pem"):
        assert path.read_text().startswith(TEST_KEY_BANNER), path.name


def test_the_shipped_keys_make_the_certificates_the_gateway_knows() -> None:
    keys = KeyStore.for_cards(CARDS_DIR)
    dataset = json.loads((fixtures_dir() / "gateway" / "dataset.json").read_text())
    for link in dataset["links"]:
        profile = CardProfile.load(find_profile(link["card_profile"], CARDS_DIR))
        der = VirtualCard(profile, keys).credentials.certificate_der
        assert hashlib.sha256(der).hexdigest() == link["certificate_sha256"]
        assert (
            der
            == card_credentials(
                profile.seed, profile.certificate_not_before, profile.certificate_not_after, keys
            ).certificate_der
        )
    assert keys.derived == 0


def test_a_shipped_key_is_the_derived_one() -> None:
    shipped = read_key_file(SHIPPED / key_file_name(CA_SEED))
    assert shipped is not None
    assert shipped.private_numbers() == deterministic_rsa_key(CA_SEED).private_numbers()

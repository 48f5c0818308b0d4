"""Virtual-card keys kept on disk: written once, read back, regenerated when damaged."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from clinic_desk import paths
from clinic_desk.scenarios.replay import Replayer
from reader.virtual_card import pki

SEED = "key-store-test-seed"


def _generate(seed: str) -> rsa.RSAPrivateKey:
    return pki.deterministic_rsa_key.__wrapped__(seed)  # type: ignore[attr-defined,no-any-return]


def test_keys_are_stored_read_back_and_regenerated_when_damaged(tmp_path: Path) -> None:
    previous = pki.use_key_store(tmp_path)
    try:
        first = _generate(SEED)
        stored = list(tmp_path.glob("*.pem"))
        assert len(stored) == 1
        assert b"PRIVATE KEY" in stored[0].read_bytes()
        again = _generate(SEED)  # read back from the file
        assert again.private_numbers() == first.private_numbers()
        stored[0].write_bytes(b"damaged")
        rebuilt = _generate(SEED)
        assert rebuilt.private_numbers() == first.private_numbers()
        assert b"PRIVATE KEY" in stored[0].read_bytes()
        # a readable key of another size is not taken for this one
        small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        stored[0].write_bytes(
            small.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        )
        assert _generate(SEED).private_numbers() == first.private_numbers()
    finally:
        assert pki.use_key_store(previous) == tmp_path


async def test_a_replay_run_uses_the_key_store_under_the_cache_dir_and_puts_it_back() -> None:
    before = pki.use_key_store(None)
    try:
        async with Replayer():
            current = pki.use_key_store(None)
            assert current == paths.cache_dir() / "card-keys"
            pki.use_key_store(current)
        assert pki.use_key_store(None) is None
    finally:
        pki.use_key_store(before)

"""The reference a patient quotes: eight characters without look-alikes, the same for
the same flag and key, nothing of the patient in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desk.domain.flag_reference import (
    ALPHABET,
    FlagReferences,
    derive_flag_reference,
    normalise_reference,
)
from offline_cache import OfflineCache
from offline_cache.seals import SEAL_LABEL
from tests.cache.support import PASSPHRASE, TEST_SCRYPT_N

KEY = bytes(range(32))
SHAPE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_the_alphabet_has_no_look_alikes() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 23
    for lookalike in "0O1IL2Z5SBGUV":
        assert lookalike not in ALPHABET


@given(st.uuids())
def test_a_reference_is_eight_characters_and_stable(flag: object) -> None:
    flag_id = getattr(flag, "hex", "")
    reference = derive_flag_reference(KEY, flag_id)
    assert SHAPE.match(reference)
    assert derive_flag_reference(KEY, flag_id) == reference
    assert normalise_reference(reference) == reference


def test_another_key_gives_another_reference() -> None:
    ids = [f"{n:032x}" for n in range(50)]
    mine = {derive_flag_reference(KEY, i) for i in ids}
    theirs = {derive_flag_reference(bytes(32), i) for i in ids}
    assert len(mine) == 50 and not mine & theirs


def test_a_reference_read_back_any_way_is_found() -> None:
    reference = derive_flag_reference(KEY, "a" * 32)
    compact = reference.replace("-", "")
    for typed in (compact.lower(), f" {compact[:4]} {compact[4:]} ", reference.replace("-", "ー")):
        assert normalise_reference(typed) == reference
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in compact)
    assert normalise_reference(full_width) == reference
    for wrong in ("", compact[:7], compact + "A", "OOOO-OOOO", "山田太郎"):
        assert normalise_reference(wrong) is None


def test_a_cache_gives_the_same_references_after_reopening_and_rekeying(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    with OfflineCache.create(data, config, PASSPHRASE, scrypt_n=TEST_SCRYPT_N) as cache:
        flag = cache.flags.raise_flag(desk_id="desk-1", reason="name_mismatch", card_identity={})
        first = FlagReferences.of_cache(cache)(flag.id)
        cache.rekey(PASSPHRASE, PASSPHRASE + "-new")
        assert FlagReferences.of_cache(cache)(flag.id) == first
        assert "key" in repr(FlagReferences.of_cache(cache)) and first not in repr(cache)
    with OfflineCache.open(data, config, PASSPHRASE + "-new") as cache:
        assert FlagReferences.of_cache(cache)(flag.id) == first
        with pytest.raises(ValueError):
            cache.derive_key(SEAL_LABEL)  # the seal key never leaves the cache
        with pytest.raises(ValueError):
            cache.derive_key(b"")

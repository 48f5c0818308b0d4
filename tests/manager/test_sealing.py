"""Sealing the insurer reference: only the ciphertext is cached, only the PIN opens it."""

from __future__ import annotations

import stat

import pytest

from clinic_desk.manager.detail import ReferenceState
from clinic_desk.manager.errors import ManagerKeyWrongPin, SealBroken
from clinic_desk.manager.review import unlock_review
from clinic_desk.manager.sealing import (
    SEALED_PREFIX,
    ManagerKeyFile,
    SealedReference,
    key_file_path,
    new_manager_key,
)
from offline_cache import OfflineCache
from tests.manager.support import OTHER_PIN, PIN, SCRYPT_N, cert, raise_desk_flag, set_pin
from tests.support.leaks import leaked


def dump(cache: OfflineCache) -> str:
    with cache._unit.mutex:  # raw rows, as someone holding the cache key would see them
        tables = [
            r[0]
            for r in cache._unit.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return "\n".join(
            repr(row)
            for table in tables
            for row in cache._unit.conn.execute(f'SELECT * FROM "{table}"')
        )


def test_round_trip_and_wrong_pin() -> None:
    key = new_manager_key(PIN, scrypt_n=SCRYPT_N)
    sealed = key.sealer().seal(SealedReference(insurer_reference="06400021 52 3301 00"), "ctx")
    assert sealed.startswith(SEALED_PREFIX) and "06400021" not in sealed
    assert key.unlock(PIN).unseal(sealed, "ctx").insurer_reference == "06400021 52 3301 00"
    with pytest.raises(ManagerKeyWrongPin):
        key.unlock(OTHER_PIN)
    # bound to the card it was sealed for
    with pytest.raises(SealBroken):
        key.unlock(PIN).unseal(sealed, "another card")
    # another manager key cannot open it
    with pytest.raises(SealBroken):
        new_manager_key(PIN, scrypt_n=SCRYPT_N).unlock(PIN).unseal(sealed, "ctx")
    assert "06400021" not in repr(key.unlock(PIN).unseal(sealed, "ctx"))


def test_key_file_is_private_and_rewraps(cache: OfflineCache) -> None:
    set_pin(PIN)
    path = key_file_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = ManagerKeyFile.load()
    set_pin(OTHER_PIN, cache=cache, current=PIN)
    after = ManagerKeyFile.load()
    assert after.public_key == before.public_key  # same key pair, new wrapping
    after.unlock(OTHER_PIN)
    with pytest.raises(ManagerKeyWrongPin):
        after.unlock(PIN)


def test_flag_keeps_only_the_sealed_reference_and_unseals_with_the_pin(
    cache: OfflineCache,
) -> None:
    set_pin(PIN)
    flag = raise_desk_flag(cache)
    assert flag.insurer_reference is not None and flag.insurer_reference.startswith(SEALED_PREFIX)
    raw = dump(cache)
    assert not leaked(raw, ("06400021", "3301", "39131012", "Patient/p-wrong-1"))
    settings = set_pin(PIN, cache=cache, current=PIN).manager
    wrong = unlock_review(cache, settings, OTHER_PIN)
    assert wrong.session is None and not wrong.check.ok
    opened = unlock_review(cache, settings, PIN)
    assert opened.session is not None
    detail = opened.session.detail(flag.id)
    assert detail.reference_state is ReferenceState.UNSEALED
    assert detail.reference is not None
    assert detail.reference.insurer_reference.splitlines() == [
        "06400021 52 3301 00",
        "39131012 高齢 77 01",
    ]
    assert detail.reference.linked_record_ref == "Patient/p-wrong-1"
    assert detail.flag.card_identity["name"] == "山田 太郎"


def test_without_a_manager_key_the_reference_is_dropped(cache: OfflineCache) -> None:
    flag = raise_desk_flag(cache)
    assert flag.insurer_reference == "Patient/p-wrong-1"  # the gateway's id only
    assert "06400021" not in dump(cache)
    settings = set_pin(PIN).manager
    session = unlock_review(cache, settings, PIN).session
    assert session is not None
    detail = session.detail(flag.id)
    assert detail.reference_state is ReferenceState.NOT_KEPT
    assert detail.reference is None and detail.gateway_ref == "Patient/p-wrong-1"


def test_a_damaged_key_file_still_raises_the_flag(cache: OfflineCache) -> None:
    set_pin(PIN)
    key_file_path().write_text("{not json", encoding="utf-8")
    flag = raise_desk_flag(cache)
    assert flag.insurer_reference == "Patient/p-wrong-1"


def test_a_sealed_reference_moved_to_another_card_does_not_open(cache: OfflineCache) -> None:
    settings = set_pin(PIN).manager
    flag = raise_desk_flag(cache)
    with cache._unit.mutex:
        cache._unit.conn.execute(
            "UPDATE mismatch_flag SET card_identity_json = ? WHERE id = ?",
            (f'{{"certificate_sha256": "{cert("someone else")}"}}', flag.id),
        )
    session = unlock_review(cache, settings, PIN).session
    assert session is not None
    assert session.detail(flag.id).reference_state is ReferenceState.BROKEN

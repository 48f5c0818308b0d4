"""Key files from disk: the report never silently drops a sealed reference, a damaged key
file is one error that says the fix, and no key file or PIN hash can ask scrypt for
gigabytes of memory or minutes of work."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_desk import paths
from clinic_desk.manager.errors import (
    ManagerKeyDamaged,
    ManagerKeyMissing,
    PinHashUnreadable,
    ReferencesUnreadable,
)
from clinic_desk.manager.export import CSV_COLUMNS
from clinic_desk.manager.pin import pin_matches
from clinic_desk.manager.review import unlock_review
from clinic_desk.manager.sealing import ManagerKeyFile, key_file_path
from clinic_desk.texts import t
from offline_cache import CacheCorrupt, CacheMissing, OfflineCache
from tests.manager.support import PASSPHRASE, PIN, FakeClock, create_cache, raise_desk_flag, set_pin

REFERENCE = "06400021 52 3301 00"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _huge_kdf(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["kdf"].update(n=2**20, r=16, p=4)  # each in range; together 2 GiB of memory
    path.write_text(json.dumps(data), encoding="utf-8")


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (lambda p: p.write_text("garbage", encoding="utf-8"), "not valid JSON"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:40]), "not valid JSON"),
    "deep": (lambda p: p.write_text("[" * 20_000 + "]" * 20_000), "nested more than"),
    "fifo": (lambda p: (p.unlink(), os.mkfifo(p)), "not a regular file"),
    "folder": (lambda p: (p.unlink(), p.mkdir()), "is a folder"),
    "huge": (lambda p: p.write_bytes(b" " * (65 * 1024)), "larger than"),
    "not-a-key": (lambda p: p.write_text('{"version": 1}', encoding="utf-8"), "not valid at"),
    "scrypt-gigabytes": (_huge_kdf, "2048 MiB"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_manager_key_refuses_the_export_and_says_the_fix(
    damage: str, cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    raise_desk_flag(cache, insurer_reference=REFERENCE)
    key = key_file_path()
    spoil, words = DAMAGES[damage]
    spoil(key)
    before = _digest(key) if key.is_file() else None
    started = time.monotonic()
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert time.monotonic() - started < 10  # never a run of scrypt at gigabytes
    assert session is not None and session.key_problem is not None
    assert words in session.key_problem
    target = tmp_path / "report.csv"
    with pytest.raises(ReferencesUnreadable) as refused:
        session.export_csv(target)
    message = str(refused.value)
    assert words in message and str(key) in message
    assert "The report was not written" in message
    assert "from a backup" in message and "set-pin --reset" in message
    assert not target.exists()
    assert list(tmp_path.glob(".export-*")) == []
    if before is not None:
        assert _digest(key) == before  # left untouched


def test_a_damaged_key_refuses_even_with_no_flag_to_report(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    key_file_path().write_text("{", encoding="utf-8")
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None
    with pytest.raises(ReferencesUnreadable, match="not written"):
        session.export_csv(tmp_path / "empty.csv")


def test_a_missing_key_with_sealed_references_refuses_the_export(
    cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    settings = set_pin(PIN).manager
    raise_desk_flag(cache, insurer_reference=REFERENCE)
    raise_desk_flag(cache, insurer_reference=REFERENCE)
    key_file_path().unlink()
    session = unlock_review(cache, settings, PIN, now=clock).session
    assert session is not None and session.key_problem is None
    with pytest.raises(ReferencesUnreadable) as refused:
        session.export_csv(tmp_path / "report.csv")
    assert "2 of the flags hold an insurer reference sealed" in str(refused.value)
    assert "no manager key file at" in str(refused.value)
    assert not (tmp_path / "report.csv").exists()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_reference_sealed_for_an_earlier_key_is_said_not_left_blank(
    lang: str, cache: OfflineCache, clock: FakeClock, tmp_path: Path
) -> None:
    set_pin(PIN)
    old = raise_desk_flag(cache, insurer_reference=REFERENCE)
    settings = set_pin("864200", cache=cache, reset=True).manager  # the PIN was forgotten
    clock.advance(minutes=1)
    new = raise_desk_flag(cache, insurer_reference="01130012 7 11 00")
    session = unlock_review(cache, settings, "864200", now=clock).session
    assert session is not None
    target = tmp_path / f"report-{lang}.csv"
    assert session.export_csv(target, lang=lang) == 2  # type: ignore[arg-type]
    with target.open(encoding="utf-8-sig", newline="") as handle:
        body = list(csv.reader(handle))[1:]  # the header is in the report's language
    rows = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in body}
    marker = t("review.csv.sealed_unreadable", lang)  # type: ignore[arg-type]
    assert rows[old.id]["insurer_reference"] == marker
    assert rows[old.id]["linked_record_ref"] == marker
    assert rows[new.id]["insurer_reference"] == "01130012 7 11 00"


def test_the_key_file_loader_names_a_missing_file_as_missing(tmp_path: Path) -> None:
    with pytest.raises(ManagerKeyMissing):
        ManagerKeyFile.load(tmp_path / "none.json")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    with pytest.raises(ManagerKeyDamaged, match="does not exist"):
        ManagerKeyFile.load(tmp_path / "dangling.json")


@pytest.mark.parametrize(
    ("ln", "r", "p", "words"),
    [
        (20, 16, 4, "2048 MiB"),
        (20, 8, 1, "1024 MiB"),
        (17, 8, 1, "128 MiB"),
        (15, 16, 4, "far longer"),
        (16, 8, 4, "far longer"),
    ],
)
def test_a_pin_hash_asking_for_too_much_scrypt_is_one_clear_error(
    ln: int, r: int, p: int, words: str
) -> None:
    stored = f"scrypt$ln={ln},r={r},p={p}${'A' * 22}${'B' * 43}"
    started = time.monotonic()
    with pytest.raises(PinHashUnreadable) as refused:
        pin_matches("246810", stored)
    assert time.monotonic() - started < 1
    assert words in str(refused.value)
    assert "set-pin --reset" in str(refused.value)


def test_the_desk_s_own_pin_hash_is_within_the_bounds() -> None:
    from clinic_desk.manager.pin import hash_pin

    assert pin_matches("246810", hash_pin("246810"))


# --- the offline cache's key file ----------------------------------------------------------


def _cache_key_damages() -> dict[str, tuple[Callable[[Path], None], type[Exception], str]]:
    def scrypt(n: int, r: int, p: int) -> Callable[[Path], None]:
        def spoil(path: Path) -> None:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["kdf"].update(n=n, r=r, p=p)
            path.write_text(json.dumps(data), encoding="utf-8")

        return spoil

    return {
        "deep": (lambda p: p.write_text("[" * 20_000 + "]" * 20_000), CacheCorrupt, "damaged"),
        "very-deep": (
            lambda p: p.write_text("[" * 30_000 + "]" * 30_000),
            CacheCorrupt,
            "damaged",
        ),
        "fifo": (lambda p: (p.unlink(), os.mkfifo(p)), CacheCorrupt, "not a regular file"),
        "folder": (lambda p: (p.unlink(), p.mkdir()), CacheCorrupt, "not a regular file"),
        "huge": (lambda p: p.write_bytes(b" " * (65 * 1024)), CacheCorrupt, "larger than"),
        "scrypt-32-gib": (scrypt(2**22, 64, 1), CacheCorrupt, "damaged"),
        "scrypt-2-gib": (scrypt(2**20, 16, 1), CacheCorrupt, "damaged"),
        "scrypt-slow": (scrypt(2**15, 8, 16), CacheCorrupt, "damaged"),
        "missing": (lambda p: p.unlink(), CacheMissing, "missing"),
    }


CACHE_KEY_DAMAGES = _cache_key_damages()


@pytest.mark.parametrize("damage", list(CACHE_KEY_DAMAGES))
def test_a_damaged_cache_key_file_is_one_cache_error(damage: str, tmp_path: Path) -> None:
    from offline_cache.vault import unlock_key

    create_cache().close()
    key = paths.config_dir() / "offline-cache.key"
    spoil, error, words = CACHE_KEY_DAMAGES[damage]
    spoil(key)
    before = _digest(key) if key.is_file() else None
    started = time.monotonic()
    with pytest.raises(error, match=words):
        unlock_key(paths.config_dir(), PASSPHRASE)
    assert time.monotonic() - started < 10
    if before is not None:
        assert _digest(key) == before


def test_the_cache_s_own_scrypt_parameters_are_within_the_bounds() -> None:
    from offline_cache.keyfile import ScryptParams

    ScryptParams(n=2**15, salt="AAAA")
    ScryptParams(n=2**17, r=8, p=1, salt="AAAA")  # room for a later, stronger default

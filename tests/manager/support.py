"""Helpers for the manager tests: a real SQLCipher cache in the test's CLINIC_DESK_HOME,
a movable clock and flags raised as the desk raises them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from clinic_desk import paths
from clinic_desk.config import DeskSettings, load_settings
from clinic_desk.domain.card import CardIdentity
from clinic_desk.manager.setup import set_manager_pin
from clinic_desk.services.store import CacheStorePort
from offline_cache import MismatchFlag, OfflineCache

PASSPHRASE = "kyoto clinic desk 7"
PIN = "246810"
OTHER_PIN = "135799"
# Cheaper than production so tests stay quick; still real scrypt.
SCRYPT_N = 2**12
LOG_N = 12


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 4, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def cert(label: str) -> str:
    return hashlib.sha256(f"certificate of {label}".encode()).hexdigest()


def create_cache(clock: FakeClock | None = None) -> OfflineCache:
    return OfflineCache.create(
        paths.data_dir(),
        paths.config_dir(),
        PASSPHRASE,
        now=clock or FakeClock(),
        scrypt_n=2**12,
    )


def reopen_cache(clock: FakeClock | None = None) -> OfflineCache:
    return OfflineCache.open(
        paths.data_dir(), paths.config_dir(), PASSPHRASE, now=clock or FakeClock()
    )


def set_pin(
    pin: str = PIN,
    *,
    cache: OfflineCache | None = None,
    current: str | None = None,
    reset: bool = False,
) -> DeskSettings:
    settings = load_settings()
    set_manager_pin(
        pin,
        settings=settings.manager,
        current_pin=current,
        cache=cache,
        reset=reset,
        scrypt_n=SCRYPT_N,
        log_n=LOG_N,
    )
    return load_settings()


YAMADA = CardIdentity(
    name="山田 太郎",
    birthdate=datetime(1980, 4, 1).date(),
    sex="1",
    certificate_sha256=cert("yamada"),
)


def raise_desk_flag(
    cache: OfflineCache,
    *,
    identity: CardIdentity = YAMADA,
    reason: str = "birthdate_mismatch",
    insurer_reference: str = "06400021 52 3301 00\n39131012 高齢 77 01",
    linked_record_ref: str = "Patient/p-wrong-1",
    desk_id: str = "desk-2",
) -> MismatchFlag:
    """A flag raised through the desk's own store port (sealing included)."""
    port = CacheStorePort(cache, desk_id=desk_id)
    port.raise_flag(
        reason,
        identity,
        identity.certificate_sha256,
        linked_record_ref,
        SecretStr(insurer_reference),
    )
    return cache.flags.find()[0]

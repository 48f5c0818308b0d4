"""The manager PIN: a salted scrypt hash in the configuration, and a lockout that
survives restarts.

The hash lives in ``[manager] pin_hash`` of ``config.toml`` as
``scrypt$ln=15,r=8,p=1$<salt>$<hash>`` (base64 without padding). The wrong-try
counter and the lock live in the encrypted offline cache (``lockout`` table), so
restarting the desk neither forgets wrong tries nor lifts a lock; every try is an
audit row with ids and codes only. The PIN itself is never logged or stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from clinic_desk.config import ManagerConfig
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.manager.errors import PinFormatError, PinHashUnreadable, PinNotSet
from clinic_desk.manager.kdf import HASHLIB_MAXMEM, scrypt_cost_problem
from offline_cache import LockoutState, OfflineCache

LOCKOUT_NAME = "manager_pin"
SCRYPT_LOG_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
_PIN = re.compile(r"^[0-9A-Za-z]{6,32}$")
_HASH = re.compile(
    r"^scrypt\$ln=(?P<ln>\d{1,2}),r=(?P<r>\d{1,2}),p=(?P<p>\d{1,2})"
    r"\$(?P<salt>[A-Za-z0-9+/]{16,})\$(?P<hash>[A-Za-z0-9+/]{32,})$"
)


def check_pin_format(pin: str) -> None:
    """A manager PIN is 6 to 32 digits or ASCII letters (longer is stronger)."""
    if not _PIN.match(pin):
        raise PinFormatError("a manager PIN is 6 to 32 digits or letters (A-Z, a-z, 0-9)")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _scrypt(pin: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=2**log_n, r=r, p=p, maxmem=HASHLIB_MAXMEM, dklen=32
    )


def hash_pin(pin: str, *, log_n: int = SCRYPT_LOG_N) -> str:
    """A new salted scrypt hash of ``pin`` (checks the PIN's format first)."""
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, log_n, SCRYPT_R, SCRYPT_P)
    return f"scrypt$ln={log_n},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when ``pin`` hashes to ``stored`` (constant-time comparison)."""
    found = _HASH.match(stored)
    if found is None:
        raise PinHashUnreadable()
    log_n, r, p = int(found["ln"]), int(found["r"]), int(found["p"])
    if not (10 <= log_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise PinHashUnreadable()
    # Each within range, together they may still ask for gigabytes: refuse, never try.
    too_costly = scrypt_cost_problem(2**log_n, r, p)
    if too_costly is not None:
        raise PinHashUnreadable(too_costly)
    expected = _unb64(found["hash"])
    actual = _scrypt(pin, _unb64(found["salt"]), log_n, r, p)
    return hmac.compare_digest(actual, expected)


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


class PinCheck(BaseModel):
    """The answer to one PIN try: what the PIN screen shows next."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    tries_left: int
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    @property
    def tries_words(self) -> str:
        """The tries left in English words for the command line ("1 try left")."""
        return "1 try left" if self.tries_left == 1 else f"{self.tries_left} tries left"


class ManagerPin:
    """Checks manager PINs against the configured hash, counting wrong tries in the cache.

    Blocking (scrypt, SQLCipher): call it from a worker thread.
    """

    def __init__(
        self,
        cache: OfflineCache,
        settings: ManagerConfig,
        *,
        now: Clock = utc_now,
        actor: str = "manager",
    ) -> None:
        self._cache = cache
        self._settings = settings
        self._now = now
        self._actor = actor
        self._lock = threading.Lock()

    @property
    def is_set(self) -> bool:
        return self._settings.pin_hash is not None

    def status(self) -> PinCheck:
        """Where the lockout stands now, without a try (for the PIN screen's first look)."""
        state = self._cache.lockouts.get(LOCKOUT_NAME)
        now = self._now()
        if state.locked(now):
            return PinCheck(verdict=Verdict.LOCKED, tries_left=0, locked_until=state.locked_until)
        tries = 0 if state.locked_until is not None else state.failed_tries
        return PinCheck(verdict=Verdict.WRONG, tries_left=self._settings.lockout_tries - tries)

    def verify(self, pin: str, *, purpose: str = "review") -> PinCheck:
        """Try ``pin``; audited as ``manager.unlock``, ``manager.pin_wrong``,
        ``manager.lockout`` or ``manager.pin_refused`` (while locked)."""
        stored = self._settings.pin_hash
        if stored is None:
            raise PinNotSet()
        with self._lock:
            now = self._now()
            state = self._cache.lockouts.get(LOCKOUT_NAME)
            if state.locked(now):
                self._cache.audit.record(
                    "manager.pin_refused", (LOCKOUT_NAME,), note=purpose, actor=self._actor
                )
                return PinCheck(
                    verdict=Verdict.LOCKED, tries_left=0, locked_until=state.locked_until
                )
            # A lock that has run out starts a fresh series of tries.
            failed = 0 if state.locked_until is not None else state.failed_tries
            if pin_matches(pin, stored):
                self._cache.lockouts.put(
                    LOCKOUT_NAME,
                    LockoutState(),
                    action="manager.unlock",
                    note=purpose,
                    actor=self._actor,
                )
                return PinCheck(verdict=Verdict.OK, tries_left=self._settings.lockout_tries)
            failed += 1
            if failed >= self._settings.lockout_tries:
                until = now + timedelta(minutes=self._settings.lockout_minutes)
                self._cache.lockouts.put(
                    LOCKOUT_NAME,
                    LockoutState(failed_tries=failed, locked_until=until),
                    action="manager.lockout",
                    note=f"tries={failed} minutes={self._settings.lockout_minutes}",
                    actor=self._actor,
                )
                return PinCheck(verdict=Verdict.LOCKED, tries_left=0, locked_until=until)
            self._cache.lockouts.put(
                LOCKOUT_NAME,
                LockoutState(failed_tries=failed),
                action="manager.pin_wrong",
                note=f"tries={failed}",
                actor=self._actor,
            )
            return PinCheck(verdict=Verdict.WRONG, tries_left=self._settings.lockout_tries - failed)

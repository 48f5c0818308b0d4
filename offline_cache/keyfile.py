"""The key file: a random data key wrapped by a key derived from the clinic's passphrase.

The data file is encrypted with a random 256-bit data key handed to SQLCipher as a
raw key, so opening it costs no key derivation. The data key is wrapped with
AES-256-GCM under a key derived from the passphrase with scrypt and kept in a small
JSON file next to the configuration, never inside the data file.

A key check value (an HMAC of a fixed label under the derived key) is stored with the
wrapped key. It tells "wrong passphrase" (the check value differs) apart from "damaged
key file" (the check value matches but the wrapped key does not authenticate) without
guessing and without touching the data file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from datetime import datetime
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from offline_cache.errors import CacheCorrupt, CacheError, WeakPassphrase, WrongPassphrase
from offline_cache.fsutil import atomic_write
from offline_cache.models import UtcDatetime

MIN_PASSPHRASE_LENGTH = 8
KEY_CHECK_LABEL = b"clinic-desk offline cache key check v1"
WRAP_AAD = b"clinic-desk offline cache data key v1"
_DAMAGED_KEY_FILE = "the cache key file is damaged; restore it from a backup"
MAX_KEY_FILE_BYTES = 64 * 1024  # the desk writes about 500 bytes
# scrypt needs 128 * r * n bytes: the desk's own (n=2^15, r=8) is 32 MiB. A damaged or
# hostile key file must not make an unlock allocate gigabytes or run for minutes.
MAX_SCRYPT_MEMORY = 128 * 1024 * 1024
MAX_SCRYPT_WORK = 2**21  # n * r * p: eight times the desk's own


class DataKey:
    """The raw 256-bit data key and the salt of the data file it opens.

    Keep it in memory only; its repr never shows the key.
    """

    __slots__ = ("_key", "_salt")

    def __init__(self, key: bytes, salt: bytes) -> None:
        if len(key) != 32 or len(salt) != 16:
            raise ValueError("a data key is 32 bytes with a 16-byte salt")
        self._key = key
        self._salt = salt

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(32), secrets.token_bytes(16))

    @property
    def salt(self) -> bytes:
        return self._salt

    def sqlcipher_pragma_value(self) -> str:
        """The `PRAGMA key` value: raw key and explicit salt, so no KDF runs on open."""
        return f"\"x'{self._key.hex()}{self._salt.hex()}'\""

    def wrap_material(self) -> bytes:
        return self._key

    def derive(self, label: bytes) -> bytes:
        """A 256-bit key for one purpose (HKDF-SHA256 over the data key, ``label`` as info).

        The data key never leaves this object; a derived key cannot be turned back into it.
        """
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=self._salt, info=label).derive(
            self._key
        )

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"


class ScryptParams(BaseModel):
    """scrypt cost parameters, stored so that later versions can raise them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["scrypt"] = "scrypt"
    n: int = Field(default=2**15, ge=2**10)
    r: int = Field(default=8, ge=1)
    p: int = Field(default=1, ge=1)
    salt: str  # base64

    @model_validator(mode="after")
    def _bounded_cost(self) -> ScryptParams:
        if 128 * self.r * self.n > MAX_SCRYPT_MEMORY or self.n * self.r * self.p > MAX_SCRYPT_WORK:
            raise ValueError("the scrypt parameters ask for more memory or time than allowed")
        return self

    def derive(self, passphrase: str) -> bytes:
        kdf = Scrypt(salt=_b64d(self.salt), length=32, n=self.n, r=self.r, p=self.p)
        return kdf.derive(passphrase.encode("utf-8"))


class KeyFile(BaseModel):
    """The on-disk key file (JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["clinic-desk-cache-key"] = "clinic-desk-cache-key"
    version: Literal[1] = 1
    kdf: ScryptParams
    key_check: str  # base64 HMAC-SHA256(derived key, KEY_CHECK_LABEL)
    nonce: str  # base64, AES-GCM
    wrapped_key: str  # base64, AES-GCM ciphertext + tag of the data key
    database_salt: str = Field(pattern=r"^[0-9a-f]{32}$")
    created_at: UtcDatetime
    rewrapped_at: UtcDatetime | None = None

    @classmethod
    def seal(
        cls,
        data_key: DataKey,
        passphrase: str,
        *,
        now: datetime,
        scrypt_n: int = 2**15,
        created_at: datetime | None = None,
    ) -> KeyFile:
        """Wrap ``data_key`` under a fresh scrypt derivation of ``passphrase``."""
        check_passphrase_strength(passphrase)
        params = ScryptParams(n=scrypt_n, salt=_b64e(secrets.token_bytes(16)))
        kek = params.derive(passphrase)
        nonce = secrets.token_bytes(12)
        wrapped = AESGCM(kek).encrypt(nonce, data_key.wrap_material(), WRAP_AAD)
        return cls(
            kdf=params,
            key_check=_b64e(_key_check(kek)),
            nonce=_b64e(nonce),
            wrapped_key=_b64e(wrapped),
            database_salt=data_key.salt.hex(),
            created_at=created_at or now,
            rewrapped_at=None if created_at is None else now,
        )

    def unwrap(self, passphrase: str) -> DataKey:
        """Return the data key, or raise WrongPassphrase / CacheCorrupt."""
        try:
            kek = self.kdf.derive(passphrase)
            expected_check = _b64d(self.key_check)
            nonce, wrapped = _b64d(self.nonce), _b64d(self.wrapped_key)
        except ValueError as exc:
            raise CacheCorrupt(_DAMAGED_KEY_FILE) from exc
        if not hmac.compare_digest(_key_check(kek), expected_check):
            raise WrongPassphrase()
        try:
            raw = AESGCM(kek).decrypt(nonce, wrapped, WRAP_AAD)
            return DataKey(raw, bytes.fromhex(self.database_salt))
        except (InvalidTag, ValueError) as exc:
            raise CacheCorrupt(
                "the cache key file is damaged (the passphrase is right, the wrapped key "
                "is not); restore the key file from a backup"
            ) from exc

    def rewrap(self, data_key: DataKey, new_passphrase: str, *, now: datetime) -> KeyFile:
        """The same data key under a new passphrase (the data file is not touched)."""
        return KeyFile.seal(
            data_key,
            new_passphrase,
            now=now,
            scrypt_n=self.kdf.n,
            created_at=self.created_at,
        )

    # --- files ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read and validate the key file; a damaged one raises CacheCorrupt.

        Only a regular file of at most ``MAX_KEY_FILE_BYTES`` is read (a FIFO cannot
        block, a device cannot fill the memory); a missing one is ``FileNotFoundError``.
        """
        raw = _read_regular(path)
        try:
            return cls.model_validate(json.loads(raw))
        except (ValueError, ValidationError, RecursionError) as exc:
            raise CacheCorrupt(
                f"the cache key file {path} is damaged; restore it from a backup"
            ) from exc

    def save(self, path: Path) -> None:
        """Write the key file atomically with mode 0600."""
        atomic_write(path, self.model_dump_json(indent=2).encode("utf-8") + b"\n")


def _read_regular(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise CacheError(f"the cache key file {path} cannot be read: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CacheCorrupt(
                f"the cache key file {path} is not a regular file (a folder, a pipe or a "
                "device); it was left untouched: restore the key file from a backup"
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, MAX_KEY_FILE_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_KEY_FILE_BYTES:
                raise CacheCorrupt(
                    f"the cache key file {path} is larger than a key file can be; it was left "
                    "untouched: restore the key file from a backup"
                )
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase()


def _key_check(kek: bytes) -> bytes:
    return hmac.new(kek, KEY_CHECK_LABEL, hashlib.sha256).digest()


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


__all__ = ["DataKey", "KeyFile", "ScryptParams", "check_passphrase_strength"]

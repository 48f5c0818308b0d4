"""Sealing the insurer reference of a withheld record for the manager's eyes only.

The manager has an X25519 key pair in ``manager-key.json`` (configuration folder,
mode 0600). The public key is stored in clear, so the desk can seal without any
secret; the private key is stored encrypted (AES-256-GCM) under a key derived from
the manager PIN with scrypt, so only someone who knows the PIN can unseal.

Sealing is hybrid: a fresh X25519 key per flag, HKDF-SHA256 over the shared secret,
AES-256-GCM over a small JSON document, with the card's certificate hash as
associated data (a sealed reference moved to another card's flag fails to open).
The stored text is ``sealed:v1:`` + base64url(ephemeral public key | nonce | ciphertext).
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from clinic_desk import paths
from clinic_desk.domain.clock import utc_now
from clinic_desk.jsonfiles import load_json_model
from clinic_desk.manager.errors import (
    ManagerError,
    ManagerKeyDamaged,
    ManagerKeyMissing,
    ManagerKeyWrongPin,
    SealBroken,
)
from clinic_desk.manager.kdf import scrypt_cost_problem
from offline_cache.fsutil import write_atomically

log = logging.getLogger("clinic_desk.manager")

KEY_FILE_NAME = "manager-key.json"
SEALED_PREFIX = "sealed:v1:"
ALGORITHM = "x25519-hkdf-sha256-aes256gcm"
_HKDF_INFO = b"clinic-desk sealed insurer reference v1"
_WRAP_AAD = b"clinic-desk manager private key v1"
_NONCE = 12
_RAW = 32
MAX_KEY_FILE_BYTES = 64 * 1024  # the desk writes about 600 bytes


def key_file_path() -> Path:
    """Where the manager key pair lives: next to the configuration file."""
    return paths.config_dir() / KEY_FILE_NAME


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Kdf(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["scrypt"] = "scrypt"
    n: int = Field(ge=2**10, le=2**20)
    r: int = Field(default=8, ge=1, le=16)
    p: int = Field(default=1, ge=1, le=4)
    salt: str

    @model_validator(mode="after")
    def _bounded_cost(self) -> _Kdf:
        problem = scrypt_cost_problem(self.n, self.r, self.p)
        if problem is not None:
            raise PydanticCustomError("scrypt_cost", problem)
        return self


class ManagerKeyFile(BaseModel):
    """``manager-key.json``: the public key in clear, the private key wrapped by the PIN."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    algorithm: Literal["x25519-hkdf-sha256-aes256gcm"] = "x25519-hkdf-sha256-aes256gcm"
    public_key: str
    kdf: _Kdf
    nonce: str
    wrapped_private_key: str
    created_at: datetime
    rewrapped_at: datetime | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> ManagerKeyFile:
        """The key file at ``path`` (default: beside the configuration), read bounded.

        ``ManagerKeyMissing`` when there is none; ``ManagerKeyDamaged`` naming what is
        wrong when it cannot be read or is not a key file (it is left untouched).
        """
        where = path or key_file_path()
        if not where.exists() and not where.is_symlink():
            raise ManagerKeyMissing()
        return load_json_model(
            where, cls, "manager key file", _damaged, max_bytes=MAX_KEY_FILE_BYTES
        )

    def save(self, path: Path | None = None, *, replace: bool = False) -> Path:
        """Write the file owner-only and atomically; refuses to replace unless asked."""
        where = path or key_file_path()
        if where.exists() and not replace:
            raise ManagerError(f"a manager key already exists at {where}; it was left untouched")
        paths.ensure_dir(where.parent)
        try:
            write_atomically(where, self.model_dump_json(indent=2).encode("utf-8"))
        except OSError as exc:
            raise ManagerError(
                f"the manager key file {where} could not be written: {exc.strerror}"
            ) from None
        return where

    def sealer(self) -> Sealer:
        return Sealer(X25519PublicKey.from_public_bytes(_unb64(self.public_key)))

    def unlock(self, pin: str) -> Unsealer:
        """The private key, unwrapped with the manager PIN (costs one scrypt)."""
        wrap_key = _wrap_key(pin, self.kdf)
        try:
            raw = AESGCM(wrap_key).decrypt(
                _unb64(self.nonce), _unb64(self.wrapped_private_key), _wrap_aad(self.public_key)
            )
        except InvalidTag:
            raise ManagerKeyWrongPin() from None
        private = X25519PrivateKey.from_private_bytes(raw)
        if _public_raw(private.public_key()) != _unb64(self.public_key):
            raise ManagerKeyDamaged("the manager key file is damaged; it was left untouched")
        return Unsealer(private)

    def rewrap(
        self, current_pin: str, new_pin: str, *, scrypt_n: int | None = None
    ) -> ManagerKeyFile:
        """The same key pair wrapped under ``new_pin``."""
        unsealer = self.unlock(current_pin)
        fresh = _wrap(
            unsealer.private_key, new_pin, scrypt_n or self.kdf.n, created_at=self.created_at
        )
        return fresh.model_copy(update={"rewrapped_at": utc_now()})


def _damaged(sentence: str) -> ManagerKeyDamaged:
    return ManagerKeyDamaged(f"{sentence.rstrip('.')}; it was left untouched")


def _wrap_aad(public_key: str) -> bytes:
    return _WRAP_AAD + b"|" + public_key.encode("ascii")


def _public_raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _wrap_key(pin: str, kdf: _Kdf) -> bytes:
    return Scrypt(salt=_unb64(kdf.salt), length=32, n=kdf.n, r=kdf.r, p=kdf.p).derive(
        pin.encode("utf-8")
    )


def _wrap(
    private: X25519PrivateKey, pin: str, scrypt_n: int, *, created_at: datetime
) -> ManagerKeyFile:
    public = _b64(_public_raw(private.public_key()))
    kdf = _Kdf(n=scrypt_n, salt=_b64(secrets.token_bytes(16)))
    nonce = secrets.token_bytes(_NONCE)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    wrapped = AESGCM(_wrap_key(pin, kdf)).encrypt(nonce, raw, _wrap_aad(public))
    return ManagerKeyFile(
        public_key=public,
        kdf=kdf,
        nonce=_b64(nonce),
        wrapped_private_key=_b64(wrapped),
        created_at=created_at,
    )


def new_manager_key(pin: str, *, scrypt_n: int = 2**15) -> ManagerKeyFile:
    """A new key pair whose private half only ``pin`` opens (not yet saved)."""
    return _wrap(X25519PrivateKey.generate(), pin, scrypt_n, created_at=utc_now())


def _message_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_HKDF_INFO
    ).derive(shared)


class SealedReference(BaseModel):
    """What a sealed flag carries: the linked record's insurer reference (insurer number,
    symbol, number, branch; one coverage per line) and the gateway's id of that record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    insurer_reference: str = Field(repr=False)
    linked_record_ref: str = ""


class Sealer:
    """Seals for the manager with the public key only (what the desk holds)."""

    def __init__(self, public_key: X25519PublicKey) -> None:
        self._public = public_key

    def seal(self, reference: SealedReference, context: str) -> str:
        """``reference`` sealed for the manager, bound to ``context`` (the card's hash)."""
        recipient = _public_raw(self._public)
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw = _public_raw(ephemeral.public_key())
        key = _message_key(ephemeral.exchange(self._public), ephemeral_raw, recipient)
        nonce = secrets.token_bytes(_NONCE)
        body = reference.model_dump_json().encode("utf-8")
        sealed = AESGCM(key).encrypt(nonce, body, context.encode("utf-8"))
        return SEALED_PREFIX + _b64(ephemeral_raw + nonce + sealed)


class Unsealer:
    """Opens sealed references; exists only while the review screen is unlocked."""

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self.private_key = private_key

    def unseal(self, sealed: str, context: str) -> SealedReference:
        if not is_sealed(sealed):
            raise SealBroken()
        try:
            blob = _unb64(sealed[len(SEALED_PREFIX) :])
        except ValueError:
            raise SealBroken() from None
        if len(blob) < _RAW + _NONCE + 16:
            raise SealBroken()
        ephemeral_raw, nonce, body = blob[:_RAW], blob[_RAW : _RAW + _NONCE], blob[_RAW + _NONCE :]
        recipient = _public_raw(self.private_key.public_key())
        try:
            shared = self.private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
            key = _message_key(shared, ephemeral_raw, recipient)
            plain = AESGCM(key).decrypt(nonce, body, context.encode("utf-8"))
            return SealedReference.model_validate_json(plain)
        except (InvalidTag, ValueError, ValidationError):
            raise SealBroken() from None


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(SEALED_PREFIX)


def load_sealer(path: Path | None = None) -> Sealer | None:
    """The desk's sealer from the manager's public key, or None when there is no key yet.

    A damaged key file is logged (code only) and treated as no key: the flag is still
    raised, without the insurer reference.
    """
    try:
        return ManagerKeyFile.load(path).sealer()
    except ManagerKeyMissing:
        return None
    except (ManagerError, ValueError):
        log.warning("manager key unreadable: insurer reference not kept")
        return None


SealFunction = Callable[[str, str, str], str | None]


def seal_for_manager(
    insurer_reference: str, linked_record_ref: str, certificate_sha256: str
) -> str | None:
    """The reference sealed with the manager key of this desk, or None without a key.

    Reads the public key each time (flags are rare), so a key set up while the desk
    runs is used from the next flag on.
    """
    sealer = load_sealer()
    if sealer is None or not insurer_reference:
        return None
    return sealer.seal(
        SealedReference(insurer_reference=insurer_reference, linked_record_ref=linked_record_ref),
        certificate_sha256,
    )

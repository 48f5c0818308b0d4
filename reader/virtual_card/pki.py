"""The fixture PKI: a JPKI-like CA and the virtual cards' user-authentication keys.

Everything is deterministic from seeds, so a card profile always yields the same
key and the same certificate bytes (RSA PKCS#1 v1.5 signatures are
deterministic). ``cryptography`` cannot generate a key from a seed, so the
primes come from a SHAKE-256 stream here and the key is assembled from them.
Test data only: these keys protect nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from cryptography.x509.oid import NameOID

PUBLIC_EXPONENT = 65537
CA_SEED = "clinic-desk fixture JPKI CA"
CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clinic-desk fixtures"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
        x509.NameAttribute(NameOID.COMMON_NAME, "clinic-desk Fixture User Authentication CA"),
    ]
)

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % q for q in range(2, int(p**0.5) + 1))]


class _Stream:
    """A deterministic byte stream (SHAKE-256 in counter mode)."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode("utf-8")
        self._counter = 0

    def take(self, n: int) -> bytes:
        self._counter += 1
        return hashlib.shake_256(self._seed + self._counter.to_bytes(8, "big")).digest(n)


def _is_probable_prime(n: int, stream: _Stream, rounds: int = 40) -> bool:
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    size = (n.bit_length() + 7) // 8
    for _ in range(rounds):
        a = 2 + int.from_bytes(stream.take(size), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(stream: _Stream, bits: int) -> int:
    while True:
        candidate = int.from_bytes(stream.take(bits // 8), "big")
        candidate |= (3 << (bits - 2)) | 1  # top two bits: the product has full length
        if (candidate - 1) % PUBLIC_EXPONENT == 0:
            continue
        if _is_probable_prime(candidate, stream):
            return candidate


_key_store: Path | None = None


def use_key_store(folder: Path | None) -> Path | None:
    """Keep generated keys as PEM files in ``folder`` and read them back (None: memory only).

    Generating a key costs about half a second; a machine that replays many
    fixtures, process after process, reads them back instead. Test keys only.
    Returns the folder used until now, to put it back.
    """
    global _key_store
    previous, _key_store = _key_store, folder
    return previous


def _stored_key(path: Path, bits: int) -> rsa.RSAPrivateKey | None:
    # OpenSSL's full key check costs ~30 ms a key, most of what storing saves; the
    # file is ours, so p·q = n and one signature that verifies are check enough.
    try:
        key = load_pem_private_key(
            path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
        )
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size != bits:
            return None
        numbers = key.private_numbers()
        if numbers.p * numbers.q != numbers.public_numbers.n:
            return None
        signature = key.sign(b"key check", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, b"key check", padding.PKCS1v15(), hashes.SHA256())
    except (OSError, ValueError, TypeError, InvalidSignature):
        return None  # absent or damaged: generate it again
    return key


def _store_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a read-only store only costs time
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_bytes(pem)
        os.replace(temporary, path)


@lru_cache(maxsize=64)
def deterministic_rsa_key(seed: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key that depends only on ``seed``."""
    store = _key_store
    stored_at = None
    if store is not None:
        name = hashlib.sha256(f"rsa-{bits}:{seed}".encode()).hexdigest()
        stored_at = store / f"{name}.pem"
        stored = _stored_key(stored_at, bits)
        if stored is not None:
            return stored
    key = _generate_rsa_key(seed, bits)
    if stored_at is not None:
        _store_key(stored_at, key)
    return key


def _generate_rsa_key(seed: str, bits: int) -> rsa.RSAPrivateKey:
    stream = _Stream(f"rsa-{bits}:{seed}")
    p = _prime(stream, bits // 2)
    q = _prime(stream, bits // 2)
    while q == p:
        q = _prime(stream, bits // 2)
    phi = (p - 1) * (q - 1)
    d = pow(PUBLIC_EXPONENT, -1, phi)
    public = rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q)
    private = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=public,
    )
    return private.private_key()


def _serial(seed: str) -> int:
    # positive, < 2**159 as RFC 5280 asks
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:19], "big") | 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class FixtureCA:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@lru_cache(maxsize=1)
def fixture_ca() -> FixtureCA:
    """The CA that issues every virtual card's user-authentication certificate."""
    key = deterministic_rsa_key(CA_SEED)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(CA_NAME)
        .issuer_name(CA_NAME)
        .public_key(key.public_key())
        .serial_number(_serial(CA_SEED))
        .not_valid_before(_at(date(2024, 1, 1)))
        .not_valid_after(_at(date(2044, 1, 1)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return FixtureCA(key=key, certificate=certificate)


@dataclass(frozen=True)
class CardCredentials:
    """A virtual card's user-authentication key pair and certificate."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def certificate_der(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.certificate.public_bytes(Encoding.DER)


@lru_cache(maxsize=64)
def card_credentials(seed: str, not_before: date, not_after: date) -> CardCredentials:
    """The user-authentication key and certificate of the card made from ``seed``.

    Like a real JPKI user-authentication certificate, it carries no personal
    data: the subject is a serial-like common name derived from the seed.
    """
    ca = fixture_ca()
    key = deterministic_rsa_key(f"card:{seed}")
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clinic-desk fixtures"),
            x509.NameAttribute(NameOID.COMMON_NAME, hashlib.sha256(seed.encode()).hexdigest()[:24]),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(_serial(f"card-certificate:{seed}"))
        .not_valid_before(_at(not_before))
        .not_valid_after(_at(not_after))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return CardCredentials(key=key, certificate=certificate)


def revocation_list(
    revoked_serials: list[int], this_update: date
) -> x509.CertificateRevocationList:
    """A CRL from the fixture CA revoking ``revoked_serials``."""
    ca = fixture_ca()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(_at(this_update))
        .next_update(_at(date(this_update.year + 10, 1, 1)))
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(_at(this_update))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256())

"""The fixture PKI: a JPKI-like CA and the virtual cards' user-authentication certificates.

Everything is deterministic from seeds, so a card profile always yields the same
key and the same certificate bytes (RSA PKCS#1 v1.5 signatures are
deterministic). The keys come from a ``KeyStore`` (``reader.virtual_card.keys``);
without one they are derived, which costs about half a second a key.
Test data only: these keys protect nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from reader.apdu import SHA256_DIGEST_INFO_PREFIX
from reader.virtual_card.keys import KeyStore, deterministic_rsa_key

CA_SEED = "clinic-desk fixture JPKI CA"
CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clinic-desk fixtures"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
        x509.NameAttribute(NameOID.COMMON_NAME, "clinic-desk Fixture User Authentication CA"),
    ]
)


def _serial(seed: str) -> int:
    # positive, < 2**159 as RFC 5280 asks
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:19], "big") | 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class FixtureCA:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def _key(seed: str, keys: KeyStore | None) -> rsa.RSAPrivateKey:
    return keys.rsa_key(seed) if keys is not None else deterministic_rsa_key(seed)


@lru_cache(maxsize=8)
def fixture_ca(keys: KeyStore | None = None) -> FixtureCA:
    """The CA that issues every virtual card's user-authentication certificate."""
    key = _key(CA_SEED, keys)
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
        return self.certificate.public_bytes(Encoding.DER)


@lru_cache(maxsize=64)
def card_credentials(
    seed: str, not_before: date, not_after: date, keys: KeyStore | None = None
) -> CardCredentials:
    """The user-authentication key and certificate of the card made from ``seed``.

    Like a real JPKI user-authentication certificate, it carries no personal
    data: the subject is a serial-like common name derived from the seed.
    ``keys`` supplies the keys (shipped test keys, a store on disk); without it they
    are derived.
    """
    ca = fixture_ca(keys)
    key = _key(card_key_seed(seed), keys)
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


def card_key_seed(seed: str) -> str:
    """The seed of the key of the card made from the profile seed ``seed``."""
    return f"card:{seed}"


def revocation_list(
    revoked_serials: list[int], this_update: date, keys: KeyStore | None = None
) -> x509.CertificateRevocationList:
    """A CRL from the fixture CA revoking ``revoked_serials``."""
    ca = fixture_ca(keys)
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


def pkcs1_sign(key: rsa.RSAPrivateKey, digest_info: bytes) -> bytes:
    """RSA PKCS#1 v1.5 over a caller-built DigestInfo, as the card does it."""
    if len(digest_info) == 51 and digest_info.startswith(SHA256_DIGEST_INFO_PREFIX):
        return key.sign(digest_info[19:], padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    numbers = key.private_numbers()
    size = key.key_size // 8
    block = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    m = int.from_bytes(block, "big")
    # CRT, as the card's coprocessor would
    s1 = pow(m, numbers.dmp1, numbers.p)
    s2 = pow(m, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (s1 - s2)) % numbers.p
    return (s2 + h * numbers.q).to_bytes(size, "big")

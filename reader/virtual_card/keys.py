"""The virtual cards' RSA keys: derived from a seed, shipped as test keys, or kept on disk.

A key depends only on its seed. ``cryptography`` cannot generate a key from a seed,
so the primes come from a SHAKE-256 stream here and the key is assembled from them;
that costs about half a second a key. A ``KeyStore`` avoids paying it again: it
looks in folders of shipped TEST KEYS (read-only, e.g. the fixtures' own), then in a
writable folder where it keeps what it derived, and derives only what neither holds.
Test data only: these keys protect nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from reader.localfile import read_regular_file

PUBLIC_EXPONENT = 65537
# Where a folder of card profiles keeps the test keys of its cards.
TEST_KEYS_FOLDER = "test-keys"
DEFAULT_BITS = 2048
# A PEM of an RSA-2048 key is ~1.7 KB; a file much larger is not one of ours.
MAX_KEY_FILE_BYTES = 16 * 1024
TEST_KEY_BANNER = (
    "TEST KEY of a clinic-desk virtual card: not a secret, it protects nothing.\n"
    "Derived from a public seed; anyone can make it again (reader/virtual_card/keys.py).\n"
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


@lru_cache(maxsize=64)
def deterministic_rsa_key(seed: str, bits: int = DEFAULT_BITS) -> rsa.RSAPrivateKey:
    """An RSA key that depends only on ``seed`` (derived; about half a second)."""
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


def key_file_name(seed: str, bits: int = DEFAULT_BITS) -> str:
    """The file a key store keeps the key of ``seed`` in (the seed itself is not in it)."""
    return hashlib.sha256(f"rsa-{bits}:{seed}".encode()).hexdigest() + ".pem"


def read_key_file(path: Path, bits: int = DEFAULT_BITS) -> rsa.RSAPrivateKey | None:
    """The key in ``path``, or None when it is absent, damaged or not a key of ``bits``.

    Only a regular file of at most ``MAX_KEY_FILE_BYTES`` is read. OpenSSL's full key
    check costs ~30 ms a key, most of what storing saves; p·q = n and one signature
    that verifies are check enough for a test key.
    """
    try:
        data = read_regular_file(path, MAX_KEY_FILE_BYTES, "key file")
        key = load_pem_private_key(data, password=None, unsafe_skip_rsa_key_validation=True)
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size != bits:
            return None
        numbers = key.private_numbers()
        if numbers.p * numbers.q != numbers.public_numbers.n:
            return None
        signature = key.sign(b"key check", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, b"key check", padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, TypeError, InvalidSignature):  # LocalFileError is a ValueError
        return None  # absent, damaged or not a file: derive it again
    return key


def test_key_pem(seed: str, key: rsa.RSAPrivateKey) -> bytes:
    """The key as a PEM file marked as a test key, naming its seed."""
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return (TEST_KEY_BANNER + f"seed: {seed}\n\n").encode("utf-8") + pem


def write_key_file(path: Path, seed: str, key: rsa.RSAPrivateKey) -> None:
    """Write ``key`` to ``path`` atomically; a folder that cannot be written only costs time."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_bytes(test_key_pem(seed, key))
        os.replace(temporary, path)


class KeyStore:
    """Where a virtual card's key comes from; pass one to ``VirtualCard`` and the PKI.

    ``shipped``: folders of test keys shipped with the fixtures, only read.
    ``folder``: a writable folder (e.g. under the user's cache) that keeps every key
    this store had to derive, for the next process. ``KeyStore()`` derives and keeps
    keys in memory only.
    """

    def __init__(self, folder: Path | None = None, *, shipped: Sequence[Path] = ()) -> None:
        self.folder = folder
        self.shipped = tuple(shipped)
        self._keys: dict[tuple[str, int], rsa.RSAPrivateKey] = {}
        self._lock = threading.Lock()
        self.derived = 0  # how many keys this store had to derive (for tests and benchmarks)

    @classmethod
    def for_cards(cls, cards_dir: Path, folder: Path | None = None) -> KeyStore:
        """A store that reads the test keys shipped in ``cards_dir/test-keys`` and keeps
        any other key it derives in ``folder``."""
        return cls(folder, shipped=(cards_dir / TEST_KEYS_FOLDER,))

    def __repr__(self) -> str:
        return f"KeyStore(folder={self.folder!r}, shipped={self.shipped!r})"

    def rsa_key(self, seed: str, bits: int = DEFAULT_BITS) -> rsa.RSAPrivateKey:
        """The key of ``seed``: from memory, a shipped folder, the store's folder, or derived."""
        with self._lock:
            known = self._keys.get((seed, bits))
        if known is not None:
            return known
        name = key_file_name(seed, bits)
        key = None
        for folder in (*self.shipped, *((self.folder,) if self.folder else ())):
            key = read_key_file(folder / name, bits)
            if key is not None:
                break
        if key is None:
            key = deterministic_rsa_key(seed, bits)
            with self._lock:
                self.derived += 1
            if self.folder is not None:
                write_key_file(self.folder / name, seed, key)
        with self._lock:
            return self._keys.setdefault((seed, bits), key)


def write_test_keys(folder: Path, seeds: Iterable[str], bits: int = DEFAULT_BITS) -> list[Path]:
    """Write the test keys of ``seeds`` into ``folder`` (kept when already right);
    returns the files written. Used to refresh the keys shipped with the fixtures."""
    written = []
    for seed in sorted(set(seeds)):
        path = folder / key_file_name(seed, bits)
        key = deterministic_rsa_key(seed, bits)
        if not path.is_file() or path.read_bytes() != test_key_pem(seed, key):
            write_key_file(path, seed, key)
            written.append(path)
    return written

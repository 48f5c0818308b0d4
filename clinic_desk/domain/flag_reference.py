"""The reference a patient can quote when their record was withheld.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, B, G,
U/V), shown as two groups of four (``K7QM-XR4D``). It is derived from the flag's id with
a keyed HMAC: the key is derived from the offline cache's data key inside the program
(``FLAG_REFERENCE_LABEL``) and never stored, so the same flag gives the same reference
at the desk, in the manager's review and in the insurer CSV, while the reference says
nothing about the patient and cannot be computed, or matched to a flag, without the
cache's key.

23 characters to the power of 8 is about 2^36: among a clinic's 10,000 flags two share a
reference with a probability under one in a thousand, and the review lists every flag
with the reference asked for.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from typing import Annotated, Protocol

from pydantic import StringConstraints

# 23 letters and digits that are not mistaken for one another on screen, on paper or
# read out on the telephone.
ALPHABET = "346789ACDEFHJKMNPQRTWXY"
GROUP = 4
LENGTH = 2 * GROUP
FLAG_REFERENCE_LABEL = b"clinic-desk flag reference v1"

_PATTERN = rf"^[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$"
FlagReference = Annotated[str, StringConstraints(pattern=_PATTERN)]
"""A flag's reference as shown and printed: ``XXXX-XXXX``."""


class KeyDeriver(Protocol):
    """What gives the reference key: the opened offline cache (``derive_key``)."""

    def derive_key(self, label: bytes) -> bytes: ...


class FlagReferences:
    """The references of one cache's flags. Holds only the derived key (hidden in repr)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a reference key has at least 128 bits")
        self._key = key

    @classmethod
    def of_cache(cls, cache: KeyDeriver) -> FlagReferences:
        return cls(cache.derive_key(FLAG_REFERENCE_LABEL))

    def __call__(self, flag_id: str) -> str:
        """The reference of the flag ``flag_id``."""
        return derive_flag_reference(self._key, flag_id)

    def __repr__(self) -> str:
        return "FlagReferences(<key hidden>)"


def derive_flag_reference(key: bytes, flag_id: str) -> str:
    """The reference of the flag ``flag_id`` under the derived reference ``key``."""
    if len(key) < 16:
        raise ValueError("a reference key has at least 128 bits")
    digest = hmac.new(key, flag_id.encode("utf-8"), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars[:GROUP]) + "-" + "".join(chars[GROUP:])


_SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u2212\u30fc\uff70")


def normalise_reference(text: str) -> str | None:
    """A reference as someone typed or read it back (any case, with or without the
    dash or spaces) in its printed form; None when it cannot be one."""
    folded = unicodedata.normalize("NFKC", text).upper()
    compact = "".join(ch for ch in folded if ch not in _SEPARATORS)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact[:GROUP] + "-" + compact[GROUP:]

"""The My Number card protocol: APs, PINs, the basic four items, the auth certificate
and the on-card signature. It never selects the individual-number EF."""

from reader.errors import (
    CardError,
    CardRemoved,
    LastTryNeedsConfirmation,
    MalformedCardData,
    NotAMyNumberCard,
    PinBlocked,
    ReaderUnavailable,
    SecurityStatusNotSatisfied,
    ServiceNotRunning,
    UnexpectedStatus,
    WrongPin,
)
from reader.mynumber.card import FullRead, IdentityRead, MyNumberCard, sha256_digest_info
from reader.mynumber.four_items import BasicFourItems, parse_four_items

__all__ = [
    "BasicFourItems",
    "CardError",
    "CardRemoved",
    "FullRead",
    "IdentityRead",
    "LastTryNeedsConfirmation",
    "MalformedCardData",
    "MyNumberCard",
    "NotAMyNumberCard",
    "PinBlocked",
    "ReaderUnavailable",
    "SecurityStatusNotSatisfied",
    "ServiceNotRunning",
    "UnexpectedStatus",
    "WrongPin",
    "parse_four_items",
    "sha256_digest_info",
]

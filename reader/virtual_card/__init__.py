"""A faithful emulator of the My Number card, for the demo, tests and fixtures."""

from reader.errors import CardLeftField
from reader.virtual_card.card import VirtualCard
from reader.virtual_card.keys import KeyStore
from reader.virtual_card.profile import (
    CardFaults,
    CardPins,
    CardProfile,
    available_profiles,
    find_profile,
)
from reader.virtual_card.vpcd import VpcdCardServer, reader_name_for_port

__all__ = [
    "CardFaults",
    "CardLeftField",
    "CardPins",
    "CardProfile",
    "KeyStore",
    "VirtualCard",
    "VpcdCardServer",
    "available_profiles",
    "find_profile",
    "reader_name_for_port",
]

"""The user-authentication certificate: its length from the DER header, and parsing."""

from __future__ import annotations

from cryptography import x509

from reader.ber import read_length, read_tag
from reader.errors import MalformedCardData

MAX_CERTIFICATE_SIZE = 0x7FFF  # READ BINARY offsets are 15 bits


def der_total_length(head: bytes) -> int:
    """Total size of the DER SEQUENCE starting ``head`` (header included)."""
    tag, offset = read_tag(head, 0)
    if tag != 0x30:
        raise MalformedCardData("the certificate file does not hold a certificate")
    length, offset = read_length(head, offset)
    total = offset + length
    if total > MAX_CERTIFICATE_SIZE:
        raise MalformedCardData("the certificate is larger than a card file can be")
    return total


def parse_certificate(der: bytes) -> x509.Certificate:
    """Parse DER bytes read from the card."""
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise MalformedCardData("the certificate is not valid DER") from None

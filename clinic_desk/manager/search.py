"""Finding flags by what a manager remembers: a name, a date, a card."""

from __future__ import annotations

import unicodedata

from offline_cache import MismatchFlag


def _folded(text: str) -> str:
    """For matching: NFKC, no spaces, lower case, digits only for dates."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def flag_matches(flag: MismatchFlag, text: str) -> bool:
    """Whether ``text`` finds ``flag`` by the card holder's name, a date (birthdate or
    the day it was raised, ``19800401`` or ``1980-04-01``), the card (the start of its
    certificate fingerprint) or the flag's id."""
    wanted = _folded(text)
    if not wanted:
        return True
    card = flag.card_identity
    if wanted in _folded(str(card.get("name", ""))):
        return True
    digits = "".join(ch for ch in wanted if ch.isdigit())
    if len(digits) >= 4 and digits == wanted.replace("-", "").replace("/", ""):
        days = (str(card.get("birthdate", "")), f"{flag.created_at.astimezone():%Y-%m-%d}")
        if any(digits in day.replace("-", "") for day in days):
            return True
    if len(wanted) >= 4:
        certificate = str(card.get("certificate_sha256", "")).lower()
        if certificate.startswith(wanted) or flag.id.lower().startswith(wanted):
            return True
    return False

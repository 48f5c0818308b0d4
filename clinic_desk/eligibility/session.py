"""A card-bound session with the gateway, and how it is renewed without the PIN."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from clinic_desk.domain.auth import CardAuthGrant
from clinic_desk.domain.certificate import CertificateStatus, certificate_status
from clinic_desk.eligibility.budget import Budget

# Signs a new challenge for the card of this session without asking for the PIN again
# (the card keeps its verified state while it stays in the slot); None when it cannot
# (the card was removed or reset): then the holder must be asked again.
Resigner = Callable[[bytes], Awaitable[bytes | None]]


@dataclass
class CardSession:
    """A card-bound session: the bearer token and the Patient the gateway links the card to.

    The gateway's link is exactly what the identity gate must check: ``patient_ref``
    may name someone else (a mislink). ``budget`` is the check-in's gateway time, shared
    by every call made with this session. ``resign`` lets the client re-authenticate
    once when the token expires mid-check-in; the PIN is never part of it.
    """

    token: str = field(repr=False)
    patient_id: str
    expires_at: datetime
    certificate_sha256: str
    certificate_der: bytes = field(default=b"", repr=False)
    budget: Budget | None = field(default=None, repr=False)
    resign: Resigner | None = field(default=None, repr=False)
    # the card certificate's expiry (when the gateway says it) and whether the gateway
    # answers eligibility only (the certificate expired less than three months ago)
    certificate_not_after: datetime | None = None
    eligibility_only: bool = False
    # the gateway's time of its answer (None: it did not say; the desk's clock is used)
    checked_at: datetime | None = None
    # the Patient and Coverage the gateway sent with the token (card-auth asked for
    # them), as (request id, Patient, Coverage Bundle); taken once by the first read
    included: tuple[str, Any, Any] | None = field(default=None, repr=False, compare=False)
    # held while the token is renewed, so reads side by side renew it once
    renewal: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False, compare=False)

    @classmethod
    def granted(
        cls,
        grant: CardAuthGrant,
        certificate_der: bytes,
        budget: Budget,
        *,
        resign: Resigner | None = None,
        included: tuple[str, Any, Any] | None = None,
    ) -> CardSession:
        """The session a gateway's ``CardAuthGrant`` opens for the card of ``certificate_der``."""
        return cls(
            token=grant.token,
            patient_id=grant.patient_id,
            expires_at=grant.expires_at,
            certificate_sha256=hashlib.sha256(certificate_der).hexdigest(),
            certificate_der=certificate_der,
            budget=budget,
            resign=resign,
            certificate_not_after=grant.certificate_not_after,
            eligibility_only=grant.eligibility_only,
            checked_at=grant.checked_at,
            included=included,
        )

    def certificate_status(self, today: date) -> CertificateStatus | None:
        """What the card's certificate allows on ``today`` (none when its expiry is unknown)."""
        if self.certificate_not_after is None:
            return None
        return certificate_status(date.min, self.certificate_not_after, today)

    @property
    def patient_ref(self) -> str:
        return f"Patient/{self.patient_id}"

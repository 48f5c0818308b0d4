"""What the check-in runner needs from the card, the gateway and the store.

Adapters in ``clinic_desk.services`` implement these over ``reader``, the
eligibility client and ``offline_cache``; they turn each library's errors into
check-in events, so the runner and the machine never see a library exception.
Card and store calls block (pyscard, SQLite) and run in threads; gateway calls
are async.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.effects import ProposeAlias, StoreConfirmed
from clinic_desk.domain.card import CardIdentity
from clinic_desk.identity.aliases import NameAlias

IdentityAnswer = ev.CardIdentityRead | ev.PinRejected | ev.PinBlocked | ev.Failed
SignatureAnswer = bytes | ev.PinRejected | ev.PinBlocked | ev.Failed


@dataclass(frozen=True)
class Unlocked:
    """What the card answered after the PIN: the four items (when they were asked
    for) and the signature (when a challenge was given and the four items were read)."""

    identity: IdentityAnswer | None = None
    signature: SignatureAnswer | None = None


class CardPort(Protocol):
    def read_tries(self) -> ev.CardRead | ev.Failed:
        """Tries left on both PINs (no PIN needed): what the PIN prompt shows."""

    def read_certificate(self) -> ev.CertificateRead | ev.Failed:
        """Read the user-authentication certificate (no PIN needed)."""

    def unlock(
        self, pin: str, confirm_last_try: bool, challenge: bytes | None, read_identity: bool
    ) -> Unlocked:
        """After the PIN, in one go on the card: verify the card-info PIN and read name,
        birthdate and sex (``read_identity``), then verify the authentication PIN and
        sign SHA-256(``challenge``) (when given). Stops at the first refusal."""

    def certificate_der(self) -> bytes:
        """The user-authentication certificate read by ``read_certificate``."""

    def sign(
        self, challenge: bytes, pin: str, confirm_last_try: bool
    ) -> bytes | ev.PinRejected | ev.PinBlocked | ev.Failed:
        """Verify the authentication PIN and sign SHA-256(challenge) on the card.

        The card stays verified (connected, in the slot) until ``release``."""

    def sign_again(self, challenge: bytes) -> bytes | ev.Failed:
        """Sign once more without the PIN while the card is still verified (re-authentication)."""

    def release(self) -> None:
        """End the card's verified state (disconnect with a reset)."""


class GatewaySession(Protocol):
    """What authenticating a card yields: opaque to the runner."""


GatewayFailure = ev.GatewayUnavailable | ev.GatewayRejected | ev.Failed


# Signs a new challenge without the PIN for a re-authentication; None when the card
# cannot (removed, reset, another check-in): the holder is then asked again.
Resign = Callable[[bytes], Awaitable[bytes | None]]


class GatewayPort(Protocol):
    async def challenge(self) -> bytes | GatewayFailure:
        """Start a check-in's gateway exchange (and its shared time budget)."""

    async def authenticate(
        self,
        certificate_der: bytes,
        signature: bytes,
        challenge: bytes,
        resign: Resign | None = None,
    ) -> GatewaySession | GatewayFailure:
        """Trade the card's signature for a session; ``resign`` renews it once without
        the PIN when the gateway's token expires mid-check-in."""

    async def fetch_record(self, session: GatewaySession) -> ev.RecordFetched | GatewayFailure: ...

    async def fetch_medications(
        self, session: GatewaySession
    ) -> ev.MedicationsFetched | ev.MedicationsUnavailable: ...


class StorePort(Protocol):
    def lookup(self, certificate_sha256: str) -> ev.CacheHit | ev.CacheMiss: ...

    def store_confirmed(self, confirmed: StoreConfirmed) -> None: ...

    def queue_reverification(self, certificate_sha256: str) -> None: ...

    def raise_flag(
        self,
        reason: str,
        identity: CardIdentity | None,
        certificate_sha256: str,
        linked_record_ref: str,
        insurer_reference: SecretStr,
    ) -> str:
        """Flag the withheld record; the flag's reference for the patient ("" if none)."""
        ...

    def audit(self, action: str, detail: str, certificate_sha256: str) -> None: ...

    def approved_aliases(self, certificate_sha256: str) -> tuple[NameAlias, ...]:
        """The card holder's aliases a manager approved (none when the cache cannot say)."""

    def propose_alias(self, proposal: ProposeAlias) -> None:
        """Keep a variant staff accepted as a proposed alias, for the manager."""

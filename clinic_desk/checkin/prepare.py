"""What the runner gets ready while the patient types the PIN.

On a real card the certificate takes ~1.7 s to read and the gateway is a round trip
away: none of that needs the PIN, so it runs while the prompt is up. A
``Preparation`` belongs to one card (its generation): the runner drops it when the
card goes or the check-in ends, and never hands its answers to another card.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.ports import GatewayFailure

# A challenge fetched while the patient typed is signed if it is younger than this;
# an older one (a patient who took their time) is fetched anew, well inside the
# nonce's lifetime (60 s at the embedded gateway).
CHALLENGE_FRESH_SECONDS = 30.0

ChallengeAnswer = bytes | GatewayFailure
CacheAnswer = ev.CacheHit | ev.CacheMiss


class Preparation:
    """One card's background work: its certificate, the gateway's challenge, the cache."""

    def __init__(
        self,
        generation: int,
        *,
        track: Callable[[asyncio.Task[Any]], None] = lambda _: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.generation = generation
        self._track = track
        self.fingerprint = ""
        self._clock = clock
        loop = asyncio.get_running_loop()
        # True once the certificate was read and the machine told; False if it failed
        self.certificate: asyncio.Future[bool] = loop.create_future()
        self._challenge: asyncio.Task[tuple[ChallengeAnswer, float]] | None = None
        self._spent = False
        # the cache's answer for this card's fingerprint: handed over only when the
        # machine asks for a lookup (the gateway is unavailable), then forgotten
        self._cache: Awaitable[CacheAnswer] | None = None

    def certificate_done(self, read: bool) -> None:
        if not self.certificate.done():
            self.certificate.set_result(read)

    def start_challenge(self, fetch: Callable[[], Awaitable[ChallengeAnswer]]) -> None:
        """Ask the gateway for a challenge now (the check-in's first gateway call)."""
        clock = self._clock

        async def fetched() -> tuple[ChallengeAnswer, float]:
            answer = await fetch()
            return answer, clock()

        self._challenge = asyncio.create_task(fetched())
        self._track(self._challenge)
        self._spent = False

    async def challenge(self, fetch: Callable[[], Awaitable[ChallengeAnswer]]) -> ChallengeAnswer:
        """The challenge to sign: the one fetched in the background unless it was used
        or has grown old (then a new one). A failed fetch stays this card's answer."""
        if self._challenge is None or self._spent:
            self.start_challenge(fetch)
        assert self._challenge is not None
        answer, at = await self._challenge
        if isinstance(answer, bytes) and self._clock() - at > CHALLENGE_FRESH_SECONDS:
            self.start_challenge(fetch)
            answer, at = await self._challenge
        return answer

    def challenge_spent(self) -> None:
        """The challenge went to the gateway: the next signature needs another."""
        self._spent = True

    def look_up(self, fingerprint: str, lookup: Awaitable[CacheAnswer]) -> None:
        self.fingerprint = fingerprint
        self._cache = lookup

    def take_cache_answer(self, fingerprint: str) -> Awaitable[CacheAnswer] | None:
        """The background lookup for ``fingerprint`` (once), or None."""
        if fingerprint != self.fingerprint:
            return None
        answer, self._cache = self._cache, None
        return answer

    def drop(self) -> None:
        """Forget everything (the card went, the check-in ended)."""
        self._cache = None
        if self._challenge is not None and not self._challenge.done():
            self._challenge.cancel()
        self._challenge = None
        self.certificate_done(False)

"""What the runner gets ready while the patient types: the challenge is fetched once
and signed fresh, the cache's answer goes only to the card it was looked up for."""

from __future__ import annotations

import asyncio

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.prepare import CHALLENGE_FRESH_SECONDS, Preparation


class Gateway:
    def __init__(self, answers: list[bytes | ev.GatewayUnavailable]) -> None:
        self.answers = answers
        self.asked = 0

    async def challenge(self) -> bytes | ev.GatewayUnavailable:
        self.asked += 1
        return self.answers[min(self.asked, len(self.answers)) - 1]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_challenge_fetched_at_the_prompt_is_the_one_signed() -> None:
    gateway, clock = Gateway([b"first", b"second"]), Clock()
    prep = Preparation(1, clock=clock)
    prep.start_challenge(gateway.challenge)
    assert await prep.challenge(gateway.challenge) == b"first"
    assert await prep.challenge(gateway.challenge) == b"first"  # a wrong PIN: not used yet
    assert gateway.asked == 1
    prep.challenge_spent()
    assert await prep.challenge(gateway.challenge) == b"second"
    assert gateway.asked == 2


async def test_a_challenge_grown_old_while_the_patient_typed_is_fetched_anew() -> None:
    gateway, clock = Gateway([b"old", b"new"]), Clock()
    prep = Preparation(1, clock=clock)
    prep.start_challenge(gateway.challenge)
    await asyncio.sleep(0)
    clock.now += CHALLENGE_FRESH_SECONDS + 1
    assert await prep.challenge(gateway.challenge) == b"new"


async def test_a_failed_challenge_stays_the_answer_for_this_card() -> None:
    down = ev.GatewayUnavailable(reason="down")
    gateway = Gateway([down, b"later"])
    prep = Preparation(1, clock=Clock())
    prep.start_challenge(gateway.challenge)
    assert await prep.challenge(gateway.challenge) == down
    assert await prep.challenge(gateway.challenge) == down
    assert gateway.asked == 1


async def test_without_a_prompt_the_challenge_is_fetched_when_asked() -> None:
    gateway = Gateway([b"now"])
    prep = Preparation(1, clock=Clock())
    assert await prep.challenge(gateway.challenge) == b"now"


async def test_the_cache_answer_goes_once_and_only_to_its_card() -> None:
    prep = Preparation(1, clock=Clock())
    answer: asyncio.Future[ev.CacheHit | ev.CacheMiss] = asyncio.Future()
    answer.set_result(ev.CacheMiss())
    prep.look_up("fingerprint", answer)
    assert prep.take_cache_answer("another card") is None
    ready = prep.take_cache_answer("fingerprint")
    assert ready is not None and await ready == ev.CacheMiss()
    assert prep.take_cache_answer("fingerprint") is None


async def test_dropping_forgets_the_answers_and_stops_the_challenge() -> None:
    never = asyncio.Event()

    async def slow() -> bytes:
        await never.wait()
        return b"late"

    prep = Preparation(1, clock=Clock())
    prep.start_challenge(slow)
    answer: asyncio.Future[ev.CacheHit | ev.CacheMiss] = asyncio.Future()
    prep.look_up("fingerprint", answer)
    task = prep._challenge
    prep.drop()
    await asyncio.sleep(0)
    assert task is not None and task.cancelled()
    assert prep.take_cache_answer("fingerprint") is None
    assert prep.certificate.done() and prep.certificate.result() is False

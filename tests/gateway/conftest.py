from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from clinic_desk.eligibility import EligibilityClient, GatewaySettings
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from reader.virtual_card.pki import CardCredentials, card_credentials


class MutableClock:
    """The gateway's clock, moved by the test instead of by sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class KeySigner:
    """A CardSigner holding the fixture key directly (unit tests; the card does this on chip)."""

    credentials: CardCredentials
    tamper: bool = False

    def certificate_der(self) -> bytes:
        return self.credentials.certificate_der

    def sign(self, challenge: bytes) -> bytes:
        key: rsa.RSAPrivateKey = self.credentials.key
        signature = key.sign(challenge, padding.PKCS1v15(), hashes.SHA256())
        if self.tamper:
            signature = bytes([signature[0] ^ 0x01]) + signature[1:]
        return signature


@cache
def credentials_for(profile_id: str) -> CardCredentials:
    profile = card_profile(profile_id)
    return card_credentials(
        profile.seed, profile.certificate_not_before, profile.certificate_not_after
    )


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture
def signer_for() -> Callable[[str], KeySigner]:
    return lambda profile_id: KeySigner(credentials_for(profile_id))


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def gateway(dataset: Dataset, clock: MutableClock) -> Iterator[GatewayServer]:
    server = GatewayServer(dataset, clock=clock, processing_retry_after=0.01, max_seconds=120)
    with server:
        yield server


def settings_for(server: GatewayServer, **overrides: object) -> GatewaySettings:
    values: dict[str, object] = {
        "base_url": server.url,
        "read_timeout": 10.0,
        "checkin_budget": 30.0,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
        "processing_poll_interval": 0.01,
    }
    values.update(overrides)
    return GatewaySettings.model_validate(values)


@pytest.fixture
async def client(gateway: GatewayServer) -> AsyncIterator[EligibilityClient]:
    async with EligibilityClient(settings_for(gateway)) as desk_client:
        yield desk_client

"""Card-presence authentication: what the gateway verifies and how the client reports it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from clinic_desk.domain.auth import CardAuthRequest
from clinic_desk.eligibility import EligibilityClient, GatewayRejected, GatewaySettings
from clinic_desk.gateway.server import GatewayServer
from reader.virtual_card.pki import CardCredentials, card_credentials, fixture_ca
from tests.gateway.conftest import KeySigner, MutableClock, credentials_for, settings_for


def _sign(credentials: CardCredentials, nonce: str) -> bytes:
    return credentials.key.sign(nonce.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())


async def test_nonce_replay_is_rejected(client: EligibilityClient) -> None:
    credentials = credentials_for("yamada-taro")
    grant = await client.challenge()
    signature = _sign(credentials, grant.nonce)
    await client.authenticate(credentials.certificate_der, signature, grant.nonce)
    with pytest.raises(GatewayRejected) as caught:
        await client.authenticate(credentials.certificate_der, signature, grant.nonce)
    assert caught.value.reason == "nonce-replayed"
    assert caught.value.status == 403


async def test_unknown_nonce_is_rejected(client: EligibilityClient) -> None:
    credentials = credentials_for("yamada-taro")
    nonce = "A" * 43
    with pytest.raises(GatewayRejected) as caught:
        await client.authenticate(credentials.certificate_der, _sign(credentials, nonce), nonce)
    assert caught.value.reason == "nonce-unknown"


async def test_tampered_signature_is_rejected(
    client: EligibilityClient, signer_for: Callable[[str], KeySigner]
) -> None:
    signer = signer_for("yamada-taro")
    signer.tamper = True
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(signer)
    assert caught.value.reason == "bad-signature"
    assert "place the card again" in caught.value.desk_action


async def test_signature_over_another_nonce_is_rejected(client: EligibilityClient) -> None:
    credentials = credentials_for("yamada-taro")
    first = await client.challenge()
    second = await client.challenge()
    with pytest.raises(GatewayRejected) as caught:
        await client.authenticate(
            credentials.certificate_der, _sign(credentials, first.nonce), second.nonce
        )
    assert caught.value.reason == "bad-signature"


async def test_expired_nonce_is_rejected(
    client: EligibilityClient, gateway: GatewayServer, clock: MutableClock
) -> None:
    credentials = credentials_for("yamada-taro")
    grant = await client.challenge()
    clock.advance(gateway.state.nonce_ttl.total_seconds() + 1)
    with pytest.raises(GatewayRejected) as caught:
        await client.authenticate(
            credentials.certificate_der, _sign(credentials, grant.nonce), grant.nonce
        )
    assert caught.value.reason == "nonce-expired"


async def test_expired_certificate_is_rejected(client: EligibilityClient) -> None:
    # same key as yamada-taro's card, certificate validity long past
    old = card_credentials("yamada-taro-2025", date(2019, 1, 1), date(2024, 1, 1))
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(KeySigner(old))
    assert caught.value.reason == "certificate-expired"


def _self_issued_card() -> CardCredentials:
    """A card certificate from a CA the gateway does not trust."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    card_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Forged CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forged card")]))
        .issuer_name(name)
        .public_key(card_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return CardCredentials(key=card_key, certificate=certificate)


async def test_certificate_from_untrusted_ca_is_rejected(client: EligibilityClient) -> None:
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(KeySigner(_self_issued_card()))
    assert caught.value.reason == "certificate-untrusted"


async def test_certificate_without_signature_usage_is_rejected(client: EligibilityClient) -> None:
    ca = fixture_ca()
    key = credentials_for("yamada-taro").key
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "no usage")]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca.key, hashes.SHA256())
    )
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(KeySigner(CardCredentials(key=key, certificate=certificate)))
    assert caught.value.reason == "certificate-key-usage"


async def test_unlinked_certificate_is_rejected(client: EligibilityClient) -> None:
    # valid, trusted, but no row in the linkage table
    stranger = card_credentials("nobody-linked", date(2025, 1, 1), date(2030, 12, 31))
    with pytest.raises(GatewayRejected) as caught:
        await client.open_session(KeySigner(stranger))
    assert caught.value.reason == "certificate-unlinked"
    assert "No insurance record" in caught.value.desk_action


async def test_expired_token_reauthenticates_once(
    client: EligibilityClient,
    gateway: GatewayServer,
    clock: MutableClock,
    signer_for: Callable[[str], KeySigner],
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    old_token = session.token
    clock.advance(gateway.state.token_ttl.total_seconds() + 1)
    patient = await client.fetch_patient(session)
    assert patient.id == "p-yamada-taro"
    assert session.token != old_token
    assert client.requests_sent == 2 + 1 + 2 + 1  # session, 401, re-auth, retry


async def test_token_refused_without_a_signer_is_rejected(
    client: EligibilityClient, gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    session = await client.open_session(signer_for("yamada-taro"))
    session.resign = None
    gateway.state.expire_tokens()
    with pytest.raises(GatewayRejected) as caught:
        await client.fetch_eligibility(session)
    assert caught.value.status == 401
    assert caught.value.reason == "token-expired"


async def test_token_covers_only_its_own_patient(
    gateway: GatewayServer, signer_for: Callable[[str], KeySigner]
) -> None:
    async with EligibilityClient(settings_for(gateway)) as desk:
        session = await desk.open_session(signer_for("yamada-taro"))
    async with httpx.AsyncClient(base_url=gateway.url) as bare:
        answer = await bare.get(
            "/fhir/Patient/p-suzuki-ichiro", headers={"Authorization": f"Bearer {session.token}"}
        )
    assert answer.status_code == 403
    assert answer.json()["resourceType"] == "OperationOutcome"


async def test_malformed_auth_request_is_a_fhir_400(gateway: GatewayServer) -> None:
    credentials = credentials_for("yamada-taro")
    bad = CardAuthRequest(
        certificate_der=credentials.certificate_der, signature=b"x", nonce="B" * 43
    ).to_fhir()
    bad["parameter"][0]["valueBase64Binary"] = "%%%not base64"
    async with httpx.AsyncClient(base_url=gateway.url) as bare:
        answer = await bare.post("/auth/card", json=bad)
        assert answer.status_code == 400
        assert answer.json()["issue"][0]["code"] == "structure"
        garbage = await bare.post("/auth/card", content=b"{not json")
        assert garbage.status_code == 400
        huge = await bare.post("/auth/card", content=b" " * 100_000)
        assert huge.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked upload
            for _ in range(100):
                yield b" " * 1024

        streamed = await bare.post("/auth/card", content=chunks())
        assert streamed.status_code == 413
        assert streamed.json()["resourceType"] == "OperationOutcome"


async def test_a_deeply_nested_request_is_a_fhir_400(gateway: GatewayServer) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as bare:
        answer = await bare.post("/auth/card", content=b"[" * 5000 + b"]" * 5000)
    assert answer.status_code == 400
    assert answer.json()["resourceType"] == "OperationOutcome"


async def test_a_deeply_nested_answer_is_a_protocol_error_not_a_crash() -> None:
    from clinic_desk.eligibility import GatewayProtocolError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, content=b"[" * 100_000 + b"]" * 100_000)

    settings = GatewaySettings(base_url="http://127.0.0.1:9")
    async with EligibilityClient(settings, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(GatewayProtocolError) as caught:
            await client.challenge()
    assert caught.value.code == "not-json"
    assert "nested more than" in caught.value.support_hint

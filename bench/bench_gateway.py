"""Benchmark of the eligibility client against the embedded gateway over loopback HTTP.

Prints: requests per check-in (card authentication + Patient + Coverage + first
medication page; target ≤ 5 before paging) and with a paged history; the median time
of one check-in's exchange through EligibilityClient vs. the floor — the very same
requests sent by bare httpx in the same run, interleaved (target ≤ 1.3×); the time to
report "gateway unavailable" when the port is closed (target ≤ 0.2 s) and when the
server accepts but never answers (target ≤ the default read_timeout + 0.5 s: the
read timeout sets it).

    python bench/bench_gateway.py          # 200 rounds
    python bench/bench_gateway.py --quick  # CI smoke run (20 rounds)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from clinic_desk.eligibility import EligibilityClient, GatewaySettings, GatewayUnavailable
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.gateway.faults import Fault, FaultKind, Route
from clinic_desk.gateway.fixture_pki import card_profile
from clinic_desk.gateway.server import GatewayServer
from reader.virtual_card.pki import CardCredentials, card_credentials

REQUESTS_TARGET = 5
RATIO_TARGET = 1.3
REFUSED_TARGET_S = 0.2
SILENT_TARGET_S = GatewaySettings().read_timeout + 0.5
PATIENT = "Patient/p-yamada-taro"


class KeySigner:
    """Signs with the fixture key in memory (the card's 0.7 s signature is not measured)."""

    def __init__(self, credentials: CardCredentials) -> None:
        self.credentials = credentials

    def certificate_der(self) -> bytes:
        return self.credentials.certificate_der

    def sign(self, challenge: bytes) -> bytes:
        return self.credentials.key.sign(challenge, padding.PKCS1v15(), hashes.SHA256())


async def client_checkin(desk: EligibilityClient, signer: KeySigner) -> int:
    before = desk.requests_sent
    session = await desk.open_session(signer)
    await desk.fetch_patient(session)
    await desk.fetch_eligibility(session)
    await desk.fetch_medications(session)
    return desk.requests_sent - before


async def bare_checkin(bare: httpx.AsyncClient, signer: KeySigner, page_size: int) -> int:
    challenge = (await bare.post("/auth/challenge")).json()
    nonce = challenge["parameter"][0]["valueString"]
    signature = await asyncio.to_thread(signer.sign, nonce.encode("ascii"))
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "certificate",
                "valueBase64Binary": base64.b64encode(signer.certificate_der()).decode(),
            },
            {"name": "signature", "valueBase64Binary": base64.b64encode(signature).decode()},
            {"name": "nonce", "valueString": nonce},
        ],
    }
    grant = (await bare.post("/auth/card", json=body)).json()
    headers = {"Authorization": f"Bearer {grant['parameter'][0]['valueString']}"}
    (await bare.get(f"/fhir/{PATIENT}", headers=headers)).json()
    (await bare.get("/fhir/Coverage", params={"beneficiary": PATIENT}, headers=headers)).json()
    url: str | None = f"/fhir/MedicationDispense?subject={PATIENT}&_count={page_size}"
    requests = 5
    while url:
        page = (await bare.get(url, headers=headers)).json()
        url = next((x["url"] for x in page["link"] if x["relation"] == "next"), None)
        requests += 1 if url else 0
    return requests


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def time_to_unavailable(url: str, signer: KeySigner, tries: int) -> float:
    times = []
    for _ in range(tries):
        async with EligibilityClient(GatewaySettings(base_url=url)) as desk:
            started = time.perf_counter()
            try:
                await desk.open_session(signer)
            except GatewayUnavailable:
                times.append(time.perf_counter() - started)
            else:
                raise SystemExit("the gateway answered; the measurement is void")
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


async def run(rounds: int, silent_tries: int) -> int:
    profile = card_profile("yamada-taro")
    signer = KeySigner(
        card_credentials(
            profile.seed, profile.certificate_not_before, profile.certificate_not_after
        )
    )
    dataset = load_dataset()
    page_size = 50
    with GatewayServer(dataset, max_seconds=900) as server:
        settings = GatewaySettings(base_url=server.url, page_size=page_size)
        async with (
            EligibilityClient(settings) as desk,
            httpx.AsyncClient(base_url=server.url, timeout=10) as bare,
        ):
            requests = await client_checkin(desk, signer)
            async with EligibilityClient(
                GatewaySettings(base_url=server.url, page_size=10)
            ) as paged:
                paged_requests = await client_checkin(paged, signer)
            for _ in range(3):  # warm-up: connections, caches
                await client_checkin(desk, signer)
                await bare_checkin(bare, signer, page_size)
            measured, floor = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                await bare_checkin(bare, signer, page_size)
                floor.append(time.perf_counter() - started)
                started = time.perf_counter()
                await client_checkin(desk, signer)
                measured.append(time.perf_counter() - started)

    refused = await time_to_unavailable(f"http://127.0.0.1:{closed_port()}", signer, 10)
    silent_fault = Fault(kind=FaultKind.SLOW, delay_seconds=3600, routes={Route.CHALLENGE})
    with GatewayServer(dataset, faults=[silent_fault], max_seconds=300) as silent_server:
        silent = await time_to_unavailable(silent_server.url, signer, silent_tries)

    med, med_floor = statistics.median(measured), statistics.median(floor)
    ratio = med / med_floor
    default_read = GatewaySettings(base_url="http://127.0.0.1").read_timeout
    print(f"eligibility gateway benchmark ({rounds} rounds, loopback HTTP, in-memory signer)")
    print(
        f"  requests per check-in (page size {page_size}): {requests}"
        f"   target ≤ {REQUESTS_TARGET}: {verdict(requests <= REQUESTS_TARGET)}"
    )
    print(f"  requests with a paged history (25 dispensings, page size 10): {paged_requests}")
    print(f"  check-in exchange, client median: {med * 1000:.2f} ms")
    print(f"  same requests, bare httpx median (floor): {med_floor * 1000:.2f} ms")
    print(f"  ratio: {ratio:.2f}×   target ≤ {RATIO_TARGET}×: {verdict(ratio <= RATIO_TARGET)}")
    print(
        f"  gateway unavailable, port closed: {refused * 1000:.1f} ms"
        f"   target ≤ {REFUSED_TARGET_S * 1000:.0f} ms: {verdict(refused <= REFUSED_TARGET_S)}"
    )
    print(
        f"  gateway unavailable, accepts but never answers: {silent:.2f} s"
        f" (read_timeout {default_read:g} s)"
        f"   target ≤ {SILENT_TARGET_S:g} s: {verdict(silent <= SILENT_TARGET_S)}"
    )
    return 0 if requests <= REQUESTS_TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run (20 rounds)")
    parser.add_argument("--rounds", type=int, help="rounds of each exchange")
    args = parser.parse_args()
    rounds = args.rounds or (20 if args.quick else 200)
    return asyncio.run(run(rounds, 1 if args.quick else 3))


if __name__ == "__main__":
    sys.exit(main())

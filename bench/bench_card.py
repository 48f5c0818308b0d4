"""Benchmark of the card read through the real pcscd + vsmartcard vpcd.

Prints: APDUs per full read (basic four items + certificate; and with the signature
added), the median time of a full read through pcscd+vpcd, and that median divided by
the floor: the very same APDU list sent by a bare pyscard loop (connect, transmit,
disconnect) in the same run, interleaved with the measured reads. Also the in-process
time of the same read, without pcscd.

Then the same read of a card under the real-card timing model (the latencies a real
card on a USB NFC reader spends, reader.virtual_card.timing): the modelled card time
is the physical floor, and the bare pyscard loop against the same card the software
floor. And what a virtual card's key costs to make: derived (a fresh machine before
the shipped test keys) against read from the test keys shipped with the fixtures.

    python bench/bench_card.py          # 200 rounds (5 under the real-card model)
    python bench/bench_card.py --quick  # CI smoke run (20 rounds; 1 real-card round)
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smartcard import scard

from clinic_desk.paths import fixtures_dir
from reader.errors import CardError
from reader.mynumber import MyNumberCard
from reader.transport import InProcessTransport, PcscTransport, list_readers, wait_for_card_state
from reader.virtual_card import CardProfile, KeyStore, VirtualCard, VpcdCardServer, find_profile
from reader.virtual_card.keys import deterministic_rsa_key
from reader.virtual_card.pki import card_key_seed
from reader.virtual_card.vpcd import reader_name_for_port

APDU_TARGET = 16
RATIO_TARGET = 1.2
CHALLENGE = bytes(range(32))


class RecordingTransport:
    """Keeps the raw APDUs a read sends, to replay them as the floor (test PINs only)."""

    def __init__(self, inner: PcscTransport | InProcessTransport) -> None:
        self.inner = inner
        self.commands: list[bytes] = []

    @property
    def reader_name(self) -> str:
        return self.inner.reader_name

    def connect(self) -> bytes:
        return self.inner.connect()

    def disconnect(self) -> None:
        self.inner.disconnect()

    def transmit(self, apdu: bytes) -> bytes:
        self.commands.append(bytes(apdu))
        return self.inner.transmit(apdu)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.inner.transaction():
            yield


def read_identity(card: MyNumberCard, pin: str) -> None:
    card.read_basic_four_items(pin)
    card.read_auth_certificate()


def count_apdus(card: VirtualCard, pin: str) -> tuple[int, int, list[bytes]]:
    recorder = RecordingTransport(InProcessTransport(card))
    with MyNumberCard(recorder) as reader:
        reader.full_read(pin, CHALLENGE)
    with_signature = list(recorder.commands)
    recorder.commands.clear()
    with MyNumberCard(recorder) as reader:
        reader.read_identity(pin)
    return len(recorder.commands), len(with_signature), with_signature


def free_vpcd_reader() -> tuple[int, str] | None:
    names = list_readers()
    # 00 01 first: the desk demo's card monitor watches 00 00 and would read our card.
    for port in (35964, 35963):
        reader = reader_name_for_port(port)
        if reader in names and wait_for_card_state(reader, present=False, timeout=1.0):
            return port, reader
    return None


def floor_read(
    context: int, reader: str, commands: list[bytes], *, exclusive: bool = False
) -> None:
    """The same APDUs with nothing around them but pyscard's own calls.

    ``exclusive`` adds what the reader does around them on purpose: the ATR status
    after connecting and one exclusive transaction for the whole read.
    """
    hresult, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    if hresult != scard.SCARD_S_SUCCESS:
        raise RuntimeError(scard.SCardGetErrorMessage(hresult))
    if exclusive:
        scard.SCardStatus(card)
        scard.SCardBeginTransaction(card)
    for command in commands:
        hresult, response = scard.SCardTransmit(card, protocol, list(command))
        # 90 00, or 63 C3 for a tries-left query, or 62 82 for a short file end
        if hresult != scard.SCARD_S_SUCCESS or response[-2] not in (0x90, 0x63, 0x62):
            raise RuntimeError(f"the floor read failed at {command.hex()}: {hresult:#x} {response}")
    if exclusive:
        scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
    scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)


def one_read(transport: PcscTransport | InProcessTransport, pin: str) -> None:
    """Connect, read everything, disconnect (resetting the card): what a check-in does."""
    with MyNumberCard(transport) as reader:
        reader.full_read(pin, CHALLENGE)


def timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def key_costs(profile: CardProfile) -> None:
    """A card's key derived from its seed (as on a fresh machine before) vs read back."""
    seed = card_key_seed(profile.seed)
    derive_ms = timed(lambda: deterministic_rsa_key.__wrapped__(seed))  # type: ignore[attr-defined]
    cards = fixtures_dir() / "cards"
    shipped_ms = statistics.median(
        timed(lambda: KeyStore.for_cards(cards).rsa_key(seed)) for _ in range(20)
    )
    print(
        f"a virtual card's key: derived {derive_ms:.0f} ms, "
        f"from the shipped test keys {shipped_ms:.2f} ms"
    )


def modelled_seconds(profile: CardProfile, pin: str) -> float:
    """What the card itself spends on one full read under its timing model."""
    spent: list[float] = []
    card = VirtualCard(profile, KeyStore.for_cards(fixtures_dir() / "cards"), sleep=spent.append)
    one_read(InProcessTransport(card), pin)
    return sum(spent)


def real_card_figures(
    profile: CardProfile, pin: str, commands: list[bytes], port: int, reader_name: str, rounds: int
) -> None:
    timed_profile = profile.model_copy(update={"timing": "real-card"})
    model_ms = modelled_seconds(timed_profile, pin) * 1000
    card = VirtualCard(timed_profile, KeyStore.for_cards(fixtures_dir() / "cards"))
    server = VpcdCardServer(card, port=port).start()
    try:
        if not wait_for_card_state(reader_name, present=True, timeout=10):
            print("real-card figures not measured: the virtual card did not appear")
            return
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        transport = PcscTransport(reader_name, allow_virtual=True)
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(rounds):
            ours.append(timed(lambda: one_read(transport, pin)))
            floor.append(timed(lambda: floor_read(context, reader_name, commands)))
        scard.SCardReleaseContext(context)
    finally:
        server.stop()
        wait_for_card_state(reader_name, present=False, timeout=10)
    ours_ms, floor_ms = statistics.median(ours), statistics.median(floor)
    print(f"full read with signature under the real-card model, {rounds} round(s):")
    print(f"  the card's own time (physical floor): {model_ms:.0f} ms")
    print(
        f"  ours: median {ours_ms:.0f} ms (+{ours_ms - model_ms:.1f} ms over the card, "
        f"{ours_ms / model_ms:.3f}x); bare pyscard loop {floor_ms:.0f} ms "
        f"({ours_ms / floor_ms:.3f}x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 rounds (CI smoke run)")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (20 if args.quick else 200)

    profile = CardProfile.load(find_profile("yamada-taro", fixtures_dir() / "cards"))
    pin = profile.pins.text_pin
    key_costs(profile)
    card = VirtualCard(profile, KeyStore.for_cards(fixtures_dir() / "cards"))
    _ = card.credentials  # make the key before anything is timed

    read_apdus, full_apdus, commands = count_apdus(card, pin)
    print(f"APDUs per full read (four items + certificate): {read_apdus} (target <= {APDU_TARGET})")
    print(f"APDUs per full read with the challenge signature: {full_apdus}")

    in_process = []
    for _ in range(rounds):
        in_process.append(timed(lambda: one_read(InProcessTransport(card), pin)))
    print(f"in-process full read (no pcscd): median {statistics.median(in_process):.3f} ms")

    try:
        free = free_vpcd_reader()
    except CardError as exc:
        print(f"pcscd figures not measured: {exc.message}")
        return 1
    if free is None:
        print("pcscd figures not measured: no free vsmartcard virtual reader")
        return 1
    port, reader_name = free
    server = VpcdCardServer(card, port=port).start()
    try:
        if not wait_for_card_state(reader_name, present=True, timeout=10):
            print("pcscd figures not measured: the virtual card did not appear")
            return 1
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        ours: list[float] = []
        floor: list[float] = []
        exclusive_floor: list[float] = []
        transport = PcscTransport(reader_name, allow_virtual=True)
        for _ in range(3):  # warm-up
            one_read(transport, pin)
            floor_read(context, reader_name, commands)
        for _ in range(rounds):
            ours.append(timed(lambda: one_read(transport, pin)))
            floor.append(timed(lambda: floor_read(context, reader_name, commands)))
            exclusive_floor.append(
                timed(lambda: floor_read(context, reader_name, commands, exclusive=True))
            )
        scard.SCardReleaseContext(context)
    finally:
        server.stop()
        wait_for_card_state(reader_name, present=False, timeout=10)

    ours_ms = statistics.median(ours)
    floor_ms = statistics.median(floor)
    ratio = ours_ms / floor_ms
    print(f"full read with signature through pcscd+vpcd ({reader_name}), {rounds} rounds:")
    print(f"  ours:  median {ours_ms:.3f} ms ({ours_ms / full_apdus * 1000:.0f} us per APDU)")
    print(f"  floor: median {floor_ms:.3f} ms (bare pyscard loop, same {full_apdus} APDUs)")
    verdict = "within" if ratio <= RATIO_TARGET else "OVER"
    print(f"  ratio: {ratio:.3f}x ({verdict} the {RATIO_TARGET}x target)")
    exclusive_ms = statistics.median(exclusive_floor)
    print(
        f"  floor with the ATR status and one exclusive transaction (as the reader does): "
        f"median {exclusive_ms:.3f} ms; ratio {ours_ms / exclusive_ms:.3f}x"
    )
    real_rounds = 1 if args.quick else 5
    real_card_figures(profile, pin, commands, port, reader_name, real_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())

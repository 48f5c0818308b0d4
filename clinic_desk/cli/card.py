"""`clinic-desk card` subcommands: readers, a card's PIN state and four items, the virtual card.

``card info`` never shows (or reads) the individual number. The reader is chosen by
``--reader PATTERN`` or ``CLINIC_DESK_READER``; with several readers attached and no
pattern it asks for one instead of taking the first.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from clinic_desk import paths
from clinic_desk.cli import CliError
from reader.errors import CardError, ServiceNotRunning
from reader.mynumber import MyNumberCard
from reader.transcript import Transcript
from reader.transport import (
    CardTransport,
    InProcessTransport,
    PcscTransport,
    is_virtual_reader,
    list_readers,
    reader_states,
    wait_for_card_state,
)
from reader.virtual_card import (
    CardProfile,
    KeyStore,
    VirtualCard,
    VpcdCardServer,
    available_profiles,
    find_profile,
    reader_name_for_port,
)
from reader.virtual_card.profile import ProfileError
from reader.virtual_card.vpcd import DEFAULT_PORT

READER_ENV = "CLINIC_DESK_READER"
DEFAULT_FIXTURE = "yamada-taro"
# 00 01 first: `card serve` and the desk demo use 00 00, whose card monitor would read ours.
DEMO_PORTS = (35964, 35963)

VPCD_WARNING = (
    "Warning: vsmartcard's vpcd accepts virtual cards from the network. Never install "
    "vsmartcard-vpcd on a production desk."
)

T = TypeVar("T")


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="card_command", metavar="ACTION")

    readers = sub.add_parser("readers", help="list card readers and whether a card is in them")
    readers.set_defaults(handler=_readers)

    info = sub.add_parser(
        "info", help="PIN tries left, then the four items after the holder types the PIN"
    )
    _reader_options(info)
    info.add_argument(
        "--no-pin", action="store_true", help="only show the tries left; ask for no PIN"
    )
    info.set_defaults(handler=_info)

    serve = sub.add_parser("serve", help="run a virtual card in vpcd until Ctrl-C (demo/test)")
    serve.add_argument("fixture", metavar="FIXTURE", help="card profile id or JSON file")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="vpcd port (35963)")
    serve.set_defaults(handler=_serve)

    demo = sub.add_parser("demo", help="start a virtual card and read it end to end, with timings")
    demo.add_argument(
        "fixture", metavar="FIXTURE", nargs="?", default=DEFAULT_FIXTURE, help="card profile"
    )
    demo.add_argument(
        "--in-process", action="store_true", help="skip pcscd: talk to the card directly"
    )
    demo.add_argument(
        "--transcript", type=Path, help="save the APDU transcript (PINs redacted) as JSON"
    )
    demo.set_defaults(handler=_demo)

    fixtures = sub.add_parser("fixtures", help="list the shipped virtual card profiles")
    fixtures.set_defaults(handler=_fixtures)

    parser.set_defaults(handler=_demo_defaults)


def _reader_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reader",
        default=os.environ.get(READER_ENV),
        help=f"reader name or pattern (default: ${READER_ENV}; required with several readers)",
    )
    parser.add_argument(
        "--allow-virtual-reader",
        action="store_true",
        help="accept a vsmartcard virtual reader (demo and test only)",
    )


# --- helpers ------------------------------------------------------------------------------


def _cards_dir() -> Path:
    return paths.fixtures_dir() / "cards"


def _key_store() -> KeyStore:
    return KeyStore.for_cards(_cards_dir(), paths.cache_dir() / "card-keys")


def _load_profile(name: str) -> CardProfile:
    try:
        return CardProfile.load(find_profile(name, _cards_dir()))
    except FileNotFoundError:
        known = ", ".join(available_profiles(_cards_dir()))
        raise CliError(f"there is no card fixture called {name!r} (known: {known})") from None
    except ProfileError as exc:
        raise CliError(str(exc)) from None


def _card_call(call: Callable[[], T]) -> T:
    try:
        return call()
    except CardError as exc:
        raise CliError(exc.message) from None


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02X}" for b in data)


# --- card readers -------------------------------------------------------------------------


def _readers(args: argparse.Namespace) -> int:
    states = _card_call(reader_states)
    if not states:
        print("No card reader is connected.")
        return 1
    for state in states:
        card = f"card present, ATR {_hex(state.atr)}" if state.card_present else "no card"
        note = "  (virtual reader: demo and test only)" if state.virtual else ""
        print(f"{state.name}: {card}{note}")
    return 0


# --- card info ----------------------------------------------------------------------------


def _info(args: argparse.Namespace) -> int:
    transport = PcscTransport(args.reader, allow_virtual=args.allow_virtual_reader)
    reader = _card_call(transport.resolve_reader)
    if is_virtual_reader(reader):
        print(f"{VPCD_WARNING}\n", file=sys.stderr)
    print(f"Reader: {reader}")
    with MyNumberCard(transport) as card:
        _card_call(card.identify)
        text_tries = _card_call(card.text_pin_tries_left)
        auth_tries = _card_call(card.auth_pin_tries_left)
        print(f"Text PIN (basic four items): {_tries_text(text_tries)}")
        print(f"Authentication PIN: {_tries_text(auth_tries)}")
        if args.no_pin:
            return 0
        if text_tries == 0:
            print("The text PIN is locked: the holder must have it reset at the municipal office.")
            return 1
        confirm = False
        if text_tries == 1:
            print("Only 1 try is left: a wrong PIN now locks the card.")
            answer = input("Type YES to use the last try: ")
            if answer.strip() != "YES":
                print("Nothing was sent to the card.")
                return 1
            confirm = True
        items = _card_call(
            lambda: card.read_basic_four_items(
                getpass.getpass("Card holder, type the 4-digit PIN (not shown): "),
                confirm_last_try=confirm,
            )
        )
    print(f"Name:      {items.name}")
    print(f"Birthdate: {items.birthdate.isoformat()}")
    print(f"Sex:       {items.sex_label}")
    print(f"Address:   {items.address}")
    return 0


def _tries_text(tries: int) -> str:
    if tries == 0:
        return "LOCKED"
    return "1 try left" if tries == 1 else f"{tries} tries left"


# --- card serve ---------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    profile = _load_profile(args.fixture)
    card = VirtualCard(profile, _key_store())
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    server = VpcdCardServer(card, port=args.port).start()
    print(VPCD_WARNING, file=sys.stderr)
    print(
        f"Virtual card {profile.profile_id} is waiting for vpcd on 127.0.0.1:{args.port} "
        f"(reader {server.reader_name!r}). Press Ctrl-C to stop.",
        flush=True,
    )
    announced = False
    try:
        while not stop.wait(0.2):
            if server.connected and not announced:
                print(f"Card inserted in {server.reader_name}.", flush=True)
                announced = True
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    print(f"Card removed; {server.apdus_served} APDUs answered.")
    return 0


# --- card demo ----------------------------------------------------------------------------


def _demo_defaults(args: argparse.Namespace) -> int:
    # `clinic-desk card` alone runs the demo with its defaults.
    args.fixture, args.in_process, args.transcript = DEFAULT_FIXTURE, False, None
    return _demo(args)


def _demo(args: argparse.Namespace) -> int:
    profile = _load_profile(args.fixture)
    print(f"clinic-desk card demo: virtual card {profile.profile_id!r}")
    started = time.perf_counter()
    card = _timed(
        "make the card's key and certificate", lambda: VirtualCard(profile, _key_store())
    )[0]
    server: VpcdCardServer | None = None
    transport: CardTransport
    if args.in_process:
        print("Using the in-process card (as asked): pcscd is not involved.")
        transport = InProcessTransport(card)
    else:
        server = _insert_into_vpcd(card)
        if server is None:
            transport = InProcessTransport(card)
        else:
            transport = PcscTransport(server.reader_name, allow_virtual=True)
    transcript = Transcript()
    try:
        code = _demo_read(profile, MyNumberCard(transport, transcript))
    finally:
        if server is not None:
            server.stop()
    total_ms = (time.perf_counter() - started) * 1000
    print(f"{len(transcript)} APDUs; {total_ms:.1f} ms in all.")
    if args.transcript is not None:
        args.transcript.write_text(transcript.to_json(), encoding="utf-8")
        print(f"Transcript (PINs redacted) saved to {args.transcript}.")
    return code


def _insert_into_vpcd(card: VirtualCard) -> VpcdCardServer | None:
    """Put the card in a free vpcd reader, or say why the demo falls back to in-process."""
    try:
        names = list_readers()
    except ServiceNotRunning:
        print("The smart-card service (pcscd) is not running: reading the card in-process.")
        return None
    except CardError as exc:
        print(f"{exc.message} Reading the card in-process.")
        return None
    for port in DEMO_PORTS:
        reader = reader_name_for_port(port)
        if reader not in names:
            continue
        if not wait_for_card_state(reader, present=False, timeout=0.5):
            continue  # another card is in this one
        print(VPCD_WARNING)
        server = VpcdCardServer(card, port=port).start()
        began = time.perf_counter()
        if wait_for_card_state(reader, present=True, timeout=5):
            ms = (time.perf_counter() - began) * 1000
            print(f"[{ms:8.1f} ms] card inserted into {reader!r} (pcscd + vpcd on port {port})")
            return server
        server.stop()
    if not any(reader_name_for_port(p) in names for p in DEMO_PORTS):
        print(
            "No vsmartcard virtual reader (install vsmartcard-vpcd): reading the card in-process."
        )
    else:
        print("The virtual readers are busy: reading the card in-process.")
    return None


def _timed(
    label: str, call: Callable[[], T], show: Callable[[T], str] | None = None
) -> tuple[T, float]:
    began = time.perf_counter()
    result = call()
    ms = (time.perf_counter() - began) * 1000
    detail = f": {show(result)}" if show is not None else ""
    print(f"[{ms:8.1f} ms] {label}{detail}", flush=True)
    return result, ms


def _demo_read(profile: CardProfile, card: MyNumberCard) -> int:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from reader.mynumber.certificate import parse_certificate

    pins = profile.pins
    try:
        with card:
            _timed(
                "identify the card (select the JPKI AP)", card.identify, lambda _: "My Number card"
            )
            _timed("text PIN tries left", card.text_pin_tries_left, _tries_text)
            items, _ = _timed(
                "verify the text PIN (from the fixture) and read the basic four items",
                lambda: card.read_basic_four_items(pins.text_pin, confirm_last_try=True),
                lambda i: f"{i.name} / {i.birthdate.isoformat()} / {i.sex_label}",
            )
            print(f"{'':13} address: {items.address}")
            der, _ = _timed(
                "read the user-authentication certificate",
                card.read_auth_certificate,
                lambda d: f"{len(d)} bytes",
            )
            certificate = parse_certificate(der)
            print(f"{'':13} subject: {certificate.subject.rfc4514_string()}")
            print(f"{'':13} valid until {certificate.not_valid_after_utc.date().isoformat()}")
            _timed("authentication PIN tries left", card.auth_pin_tries_left, _tries_text)
            challenge = os.urandom(32)
            signature, _ = _timed(
                "verify the auth PIN and sign a 32-byte challenge on the card",
                lambda: card.sign_challenge(challenge, pins.auth_pin, confirm_last_try=True),
                lambda s: f"{len(s)}-byte RSA signature",
            )
            public_key = certificate.public_key()
            assert isinstance(public_key, rsa.RSAPublicKey)
            _timed(
                "check the signature with the certificate",
                lambda: public_key.verify(
                    signature, challenge, padding.PKCS1v15(), hashes.SHA256()
                ),
                lambda _: "valid",
            )
    except CardError as exc:
        print(f"The read stopped: {exc.message}")
        return 1
    return 0


def _fixtures(args: argparse.Namespace) -> int:
    for name in available_profiles(_cards_dir()):
        profile = _load_profile(name)
        faults = profile.faults.model_dump(exclude_defaults=True)
        note = f"  faults: {faults}" if faults else ""
        print(f"{name}{note}")
    return 0

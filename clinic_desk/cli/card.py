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
from clinic_desk.cli.failures import failed, words
from clinic_desk.cli.language import w
from clinic_desk.texts.codes import SEX
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

T = TypeVar("T")


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="card_command", metavar="ACTION")

    readers = sub.add_parser("readers", help=w("cli.card.readers"))
    readers.set_defaults(handler=_readers)

    info = sub.add_parser("info", help=w("cli.card.info"))
    _reader_options(info)
    info.add_argument("--no-pin", action="store_true", help=w("cli.card.no_pin"))
    info.set_defaults(handler=_info)

    serve = sub.add_parser("serve", help=w("cli.card.serve"))
    serve.add_argument("fixture", metavar="FIXTURE", help=w("cli.card.profile_or_file"))
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=w("cli.card.port"))
    serve.set_defaults(handler=_serve)

    demo = sub.add_parser("demo", help=w("cli.card.demo"))
    demo.add_argument(
        "fixture", metavar="FIXTURE", nargs="?", default=DEFAULT_FIXTURE, help=w("cli.card.profile")
    )
    demo.add_argument("--in-process", action="store_true", help=w("cli.card.in_process"))
    demo.add_argument("--transcript", type=Path, metavar="FILE", help=w("cli.card.transcript"))
    demo.set_defaults(handler=_demo)

    fixtures = sub.add_parser("fixtures", help=w("cli.card.fixtures"))
    fixtures.set_defaults(handler=_fixtures)

    parser.set_defaults(handler=_demo_defaults)


def _reader_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reader",
        default=os.environ.get(READER_ENV),
        metavar="PATTERN",
        help=w("cli.card.reader", env=READER_ENV),
    )
    parser.add_argument(
        "--allow-virtual-reader", action="store_true", help=w("cli.card.allow_virtual_reader")
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
        raise CliError(w("cli.card.no_profile", name=repr(name), known=known)) from None
    except ProfileError as exc:
        raise failed(exc) from None


def _card_call(call: Callable[[], T]) -> T:
    try:
        return call()
    except CardError as exc:
        raise failed(exc.message) from None


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02X}" for b in data)


# --- card readers -------------------------------------------------------------------------


def _readers(args: argparse.Namespace) -> int:
    states = _card_call(reader_states)
    if not states:
        print(w("cli.card.no_reader"))
        return 1
    for state in states:
        present = w("cli.card.present", atr=_hex(state.atr))
        card = present if state.card_present else w("cli.card.no_card")
        note = w("cli.card.virtual_note") if state.virtual else ""
        print(f"{state.name}: {card}{note}")
    return 0


# --- card info ----------------------------------------------------------------------------


def _info(args: argparse.Namespace) -> int:
    transport = PcscTransport(args.reader, allow_virtual=args.allow_virtual_reader)
    reader = _card_call(transport.resolve_reader)
    if is_virtual_reader(reader):
        print(f"{w('cli.card.vpcd_warning')}\n", file=sys.stderr)
    print(w("cli.card.reader_line", reader=reader))
    with MyNumberCard(transport) as card:
        _card_call(card.identify)
        text_tries = _card_call(card.text_pin_tries_left)
        auth_tries = _card_call(card.auth_pin_tries_left)
        print(w("cli.card.text_pin", tries=_tries_text(text_tries)))
        print(w("cli.card.auth_pin", tries=_tries_text(auth_tries)))
        if args.no_pin:
            return 0
        if text_tries == 0:
            print(w("cli.card.text_pin_locked"))
            return 1
        confirm = False
        if text_tries == 1:
            print(w("cli.card.last_try"))
            answer = input(w("cli.card.last_try_ask"))
            if answer.strip() != "YES":
                print(w("cli.card.nothing_sent"))
                return 1
            confirm = True
        items = _card_call(
            lambda: card.read_basic_four_items(
                getpass.getpass(w("cli.card.ask_pin")),
                confirm_last_try=confirm,
            )
        )
    print(w("cli.card.name", name=items.name))
    print(w("cli.card.birthdate", birthdate=items.birthdate.isoformat()))
    print(w("cli.card.sex", sex=_sex(items.sex, items.sex_label)))
    print(w("cli.card.address", address=items.address))
    return 0


def _sex(code: str, label: str) -> str:
    key = SEX.get(code)
    return w(key) if key else label


def _tries_text(tries: int) -> str:
    if tries == 0:
        return w("cli.card.locked")
    return w("pin.one_try_left") if tries == 1 else w("pin.tries_left", tries=tries)


# --- card serve ---------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    profile = _load_profile(args.fixture)
    card = VirtualCard(profile, _key_store())
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    server = VpcdCardServer(card, port=args.port).start()
    print(w("cli.card.vpcd_warning"), file=sys.stderr)
    waiting = w(
        "cli.card.serving",
        profile=profile.profile_id,
        port=args.port,
        reader=repr(server.reader_name),
    )
    print(waiting, flush=True)
    announced = False
    try:
        while not stop.wait(0.2):
            if server.connected and not announced:
                print(w("cli.card.inserted", reader=server.reader_name), flush=True)
                announced = True
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    print(w("cli.card.removed", count=server.apdus_served))
    return 0


# --- card demo ----------------------------------------------------------------------------


def _demo_defaults(args: argparse.Namespace) -> int:
    # `clinic-desk card` alone runs the demo with its defaults.
    args.fixture, args.in_process, args.transcript = DEFAULT_FIXTURE, False, None
    return _demo(args)


def _demo(args: argparse.Namespace) -> int:
    profile = _load_profile(args.fixture)
    print(w("cli.card.demo_title", profile=repr(profile.profile_id)))
    started = time.perf_counter()
    card = _timed(w("cli.card.step.make"), lambda: VirtualCard(profile, _key_store()))[0]
    server: VpcdCardServer | None = None
    transport: CardTransport
    if args.in_process:
        print(w("cli.card.in_process_asked"))
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
    print(w("cli.card.total", count=len(transcript), ms=f"{total_ms:.1f}"))
    if args.transcript is not None:
        args.transcript.write_text(transcript.to_json(), encoding="utf-8")
        print(w("cli.card.transcript_saved", path=args.transcript))
    return code


def _insert_into_vpcd(card: VirtualCard) -> VpcdCardServer | None:
    """Put the card in a free vpcd reader, or say why the demo falls back to in-process."""
    try:
        names = list_readers()
    except ServiceNotRunning:
        print(w("cli.card.no_pcscd"))
        return None
    except CardError as exc:
        print(w("cli.card.fallback", why=words(exc.message)))
        return None
    for port in DEMO_PORTS:
        reader = reader_name_for_port(port)
        if reader not in names:
            continue
        if not wait_for_card_state(reader, present=False, timeout=0.5):
            continue  # another card is in this one
        print(w("cli.card.vpcd_warning"))
        server = VpcdCardServer(card, port=port).start()
        began = time.perf_counter()
        if wait_for_card_state(reader, present=True, timeout=5):
            ms = (time.perf_counter() - began) * 1000
            inserted = w("cli.card.step.inserted", reader=repr(reader), port=port)
            print(f"[{ms:8.1f} ms] {inserted}")
            return server
        server.stop()
    if not any(reader_name_for_port(p) in names for p in DEMO_PORTS):
        print(w("cli.card.no_vpcd"))
    else:
        print(w("cli.card.vpcd_busy"))
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
            _timed(w("cli.card.step.identify"), card.identify, lambda _: w("cli.card.is_mynumber"))
            _timed(w("cli.card.step.text_tries"), card.text_pin_tries_left, _tries_text)
            items, _ = _timed(
                w("cli.card.step.four_items"),
                lambda: card.read_basic_four_items(pins.text_pin, confirm_last_try=True),
                lambda i: f"{i.name} / {i.birthdate.isoformat()} / {_sex(i.sex, i.sex_label)}",
            )
            print(f"{'':13} {w('cli.card.address', address=items.address)}")
            der, _ = _timed(
                w("cli.card.step.certificate"),
                card.read_auth_certificate,
                lambda d: w("cli.card.bytes", count=len(d)),
            )
            certificate = parse_certificate(der)
            print(f"{'':13} {w('cli.card.subject', subject=certificate.subject.rfc4514_string())}")
            until = certificate.not_valid_after_utc.date().isoformat()
            print(f"{'':13} {w('cli.card.valid_until', date=until)}")
            _timed(w("cli.card.step.auth_tries"), card.auth_pin_tries_left, _tries_text)
            challenge = os.urandom(32)
            signature, _ = _timed(
                w("cli.card.step.sign"),
                lambda: card.sign_challenge(challenge, pins.auth_pin, confirm_last_try=True),
                lambda s: w("cli.card.signature", count=len(s)),
            )
            public_key = certificate.public_key()
            assert isinstance(public_key, rsa.RSAPublicKey)
            _timed(
                w("cli.card.step.verify"),
                lambda: public_key.verify(
                    signature, challenge, padding.PKCS1v15(), hashes.SHA256()
                ),
                lambda _: w("cli.card.valid"),
            )
    except CardError as exc:
        print(w("cli.card.read_stopped", why=words(exc.message)))
        return 1
    return 0


def _fixtures(args: argparse.Namespace) -> int:
    for name in available_profiles(_cards_dir()):
        profile = _load_profile(name)
        faults = profile.faults.model_dump(exclude_defaults=True)
        note = w("cli.card.faults", faults=faults) if faults else ""
        print(f"{name}{note}")
    return 0

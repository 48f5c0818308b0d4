"""`clinic-desk` itself: the reception desk.

Nothing configured: the demo desk. ``mode = "production"`` in the configuration:
the clinic's reader, gateway and cache. ``--fixture FILE``: a support scenario
replayed in the real desk.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desk.texts import Lang, default_lang

if TYPE_CHECKING:
    from clinic_desk.config import DeskSettings
    from clinic_desk.services.desk import DeskServices


def add_desk_options(parser: argparse.ArgumentParser) -> None:
    from clinic_desk.cli.language import w

    parser.add_argument("--lang", choices=("ja", "en"), default=None, help=w("cli.desk.lang"))
    parser.add_argument(
        "--card-source",
        choices=("auto", "pcscd", "in-process"),
        default="auto",
        help=w("cli.desk.card_source"),
    )
    parser.add_argument(
        "--fixture",
        type=Path,
        default=None,
        metavar="FILE",
        help=w("cli.desk.fixture"),
    )
    parser.add_argument(
        "--drive", choices=("fixture", "live"), default=None, help=w("cli.desk.drive")
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FILE",
        help=w("cli.desk.record"),
    )
    parser.add_argument(
        "--gateway",
        choices=("embedded", "oqs-sim"),
        default="embedded",
        help=w("cli.desk.gateway"),
    )
    parser.add_argument(
        "--allow-outside-paths", action="store_true", help=w("cli.desk.allow_outside_paths")
    )


def run_desk(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.cli.failures import failed
    from clinic_desk.cli.language import w
    from clinic_desk.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise failed(exc) from None
    # What must stop a desk is said here, on the terminal, before the full screen.
    prepared: object = None
    if args.fixture is not None:
        from clinic_desk.scenarios.desk import FixtureDeskUnavailable, prepare_fixture

        if not args.fixture.exists():
            raise CliError(w("cli.error.fixture_missing", path=args.fixture))
        if not args.fixture.is_file():
            raise CliError(w("cli.error.fixture_not_file", path=args.fixture))
        try:
            prepared = prepare_fixture(args.fixture, allow_outside_paths=args.allow_outside_paths)
        except FixtureDeskUnavailable as exc:
            raise failed(exc) from None
    elif settings.mode == "production":
        from clinic_desk.services.production import StartupError, prepare_production

        try:
            prepared = prepare_production(settings)
        except StartupError as exc:
            raise failed(exc) from None
    if not sys.stdin.isatty():
        _release(prepared)
        raise CliError(w("cli.error.no_terminal"))
    lang: Lang = args.lang or settings.desk.lang or default_lang()
    return asyncio.run(_run(args, settings, lang, prepared))


def _release(prepared: object) -> None:
    """Close what was prepared for a desk that will not start."""
    cache = getattr(prepared, "cache", None)
    close = getattr(cache, "close", None)
    if callable(close):
        close()


async def _run(args: argparse.Namespace, settings: object, lang: Lang, prepared: object) -> int:
    # Textual and the services are imported here, so `clinic-desk card …` stays light.
    from clinic_desk.app.app import DeskApp
    from clinic_desk.config import DeskSettings
    from clinic_desk.logs import configure_from_settings

    assert isinstance(settings, DeskSettings)
    configure_from_settings(settings)

    async def build() -> DeskServices:
        # Imported in a thread: the first frame does not wait for httpx, uvicorn or SQLCipher.
        return await _build(args, settings, prepared)

    patient_display = None
    if settings.desk.patient_display:
        from clinic_desk.patient.socket_file import socket_path

        patient_display = socket_path()
    app = DeskApp(build, lang=lang, patient_display=patient_display)
    try:
        await app.run_async()
    finally:
        if app.services is not None:
            await app.services.stop()
    return 0


async def _build(
    args: argparse.Namespace, settings: DeskSettings, prepared: object
) -> DeskServices:
    """The desk's services: the fixture's, the clinic's or the demo's."""
    record = await asyncio.to_thread(import_module, "clinic_desk.scenarios.record")
    recorder = None
    if args.record is not None:
        title = f"Recorded from {args.fixture.name}" if args.fixture else "Recorded at the desk"
        recorder = record.record_to(args.record, title=title)
    observers = (recorder.observe,) if recorder is not None else ()
    transcript = recorder.transcript if recorder is not None else None
    idle = settings.desk.idle_lock_seconds
    if args.fixture is not None:
        fixture = await asyncio.to_thread(import_module, "clinic_desk.scenarios.desk")
        desk = await fixture.build_fixture_desk(
            prepared, drive=args.drive, idle_lock_seconds=idle, recorder=recorder
        )
        services: DeskServices = desk.services
        return services
    if settings.mode == "production":
        production = await asyncio.to_thread(import_module, "clinic_desk.services.production")
        services = await production.build_production_services(
            prepared, observers=observers, transcript=transcript
        )
        return services
    demo = await asyncio.to_thread(import_module, "clinic_desk.services.demo")
    assembly = await asyncio.to_thread(import_module, "clinic_desk.services.assembly")
    source = {"auto": None, "pcscd": "pcscd", "in-process": "in_process"}[args.card_source]
    gateway = None
    if args.gateway == "oqs-sim" or settings.gateway.files:
        # a demo never writes into a clinic's terminal folder: [gateway] kind =
        # "oqs-files" in a demo's configuration means the simulated terminal too
        simulated = await asyncio.to_thread(import_module, "clinic_desk.services.terminal_demo")
        gateway = simulated.SimulatedTerminal()
    services = await demo.build_demo_services(
        card_source=source,
        gateway=gateway,
        manager=settings.manager,
        options=assembly.DeskOptions(
            kind="demo",
            desk_id=settings.desk.desk_id,  # as the configuration and the logs name it
            idle_lock_seconds=idle,
            observers=observers,
            transcript=transcript,
        ),
    )
    readiness = await asyncio.to_thread(import_module, "clinic_desk.readiness")
    running = readiness.RunningDesk(cache_unlocked=True, embedded_gateway=True)
    notice, not_ready = await readiness.startup_notice(settings, running)
    if gateway is not None and gateway.folder is not None:
        face = f"clinic-desk oqs-terminal face {gateway.folder / 'terminal'} --patient …"
        notice = "; ".join(x for x in (notice, f"資格確認端末 (simulated): {face}") if x)
    services.update_status(notice=notice, not_ready=not_ready)
    return services

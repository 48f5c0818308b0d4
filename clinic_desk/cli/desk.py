"""`clinic-desk` itself: the reception desk.

Nothing configured: the demo desk. ``mode = "production"`` in the configuration:
the clinic's reader, gateway and cache. ``--fixture FILE``: a support scenario
replayed in the real desk.
"""

from __future__ import annotations

import argparse
import asyncio
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_desk.texts import Lang, default_lang

if TYPE_CHECKING:
    from clinic_desk.services.desk import DeskServices


def add_desk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("ja", "en"), default=None, help="language of the desk (default: locale)"
    )
    parser.add_argument(
        "--card-source",
        choices=("auto", "pcscd", "in-process"),
        default="auto",
        help="demo cards through pcscd + vpcd, in-process, or whichever is available",
    )
    parser.add_argument(
        "--fixture",
        type=Path,
        default=None,
        metavar="FILE",
        help="run the desk with a scenario fixture's card and gateway (support)",
    )
    parser.add_argument(
        "--drive",
        choices=("fixture", "live"),
        default=None,
        help="with --fixture: play the patient's steps from the fixture, or type them live "
        "(default: the fixture's own 'drive' field)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FILE",
        help="record each finished check-in into a pseudonymised fixture (FILE, FILE-2 …)",
    )


def run_desk(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(exc.message) from None
    if settings.mode == "production" and args.fixture is None:
        from clinic_desk.services.production import StartupError, prepare_production

        try:  # what must stop a production desk is said here, before the full screen
            prepare_production(settings)
        except StartupError as exc:
            raise CliError(exc.message) from None
    lang: Lang = args.lang or settings.desk.lang or default_lang()
    return asyncio.run(_run(args, settings, lang))


async def _run(args: argparse.Namespace, settings: object, lang: Lang) -> int:
    # Textual and the services are imported here, so `clinic-desk card …` stays light.
    from clinic_desk.app.app import DeskApp
    from clinic_desk.config import DeskSettings
    from clinic_desk.logs import configure_from_settings

    assert isinstance(settings, DeskSettings)
    configure_from_settings(settings)

    async def build() -> DeskServices:
        # Imported in a thread: the first frame does not wait for httpx, uvicorn or SQLCipher.
        if args.fixture is not None:
            fixture_desk = await asyncio.to_thread(
                import_module, "clinic_desk.services.fixture_desk"
            )
            services: DeskServices = await fixture_desk.build_fixture_services(
                args.fixture, drive=args.drive, record=args.record
            )
            return services
        if settings.mode == "production":
            production = await asyncio.to_thread(import_module, "clinic_desk.services.production")
            services = await production.build_production_services(settings)
            return _recording(services, args.record)
        demo = await asyncio.to_thread(import_module, "clinic_desk.services.demo")
        source = {"auto": None, "pcscd": "pcscd", "in-process": "in_process"}[args.card_source]
        services = await demo.build_demo_services(card_source=source)
        readiness = await asyncio.to_thread(import_module, "clinic_desk.readiness")
        running = readiness.RunningDesk(cache_unlocked=True, embedded_gateway=True)
        services.update_status(notice=await readiness.startup_notice(settings, running))
        return _recording(services, args.record)

    patient_display = None
    if settings.desk.patient_display:
        from clinic_desk.patient.socket_file import socket_path

        patient_display = socket_path()
    app = DeskApp(
        build,
        lang=lang,
        idle_lock_seconds=settings.desk.idle_lock_seconds,
        patient_display=patient_display,
    )
    try:
        await app.run_async()
    finally:
        if app.services is not None:
            await app.services.stop()
    return 0


def _recording(services: DeskServices, record: Path | None) -> DeskServices:
    """Attach a recorder to the desk's runner when --record asks for one."""
    from clinic_desk.scenarios.record import record_into

    if record is not None:
        record_into(services.runner, record, title="Recorded at the desk")
    return services

"""`clinic-desk` itself: the reception desk (the demo while nothing is configured)."""

from __future__ import annotations

import argparse
import asyncio

from clinic_desk.app.strings import Lang, default_lang


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


def run_desk(args: argparse.Namespace) -> int:
    lang: Lang = args.lang or default_lang()
    source = {"auto": None, "pcscd": "pcscd", "in-process": "in_process"}[args.card_source]
    return asyncio.run(_run(lang, source))


async def _run(lang: Lang, source: str | None) -> int:
    # Textual and the services are imported here, so `clinic-desk card …` stays light.
    from clinic_desk.app.app import DeskApp
    from clinic_desk.services.demo import build_demo_services

    services = await build_demo_services(card_source=source)  # type: ignore[arg-type]
    try:
        await DeskApp(services, lang=lang).run_async()
    finally:
        await services.stop()
    return 0

"""`clinic-desk patient-display`: the screen that faces the patient.

Run it in a second terminal (a small monitor or a tablet facing the patient) on the
same computer and as the same user as the desk; it pairs with the desk through the
desk's owner-only socket in the runtime folder and pairs again whenever the desk
restarts. Only one display pairs with a desk at a time.
"""

from __future__ import annotations

import argparse

from clinic_desk.cli.failures import failed
from clinic_desk.cli.language import w


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        dest="display_lang",
        choices=("ja", "en"),
        default=None,
        help=w("cli.patient_display.lang"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from clinic_desk.config import ConfigError, load_settings
    from clinic_desk.patient.socket_file import SocketFileError, check_length, socket_path
    from clinic_desk.texts import Lang, default_lang

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise failed(exc) from None
    lang: Lang = (
        args.display_lang or getattr(args, "lang", None) or settings.desk.lang or default_lang()
    )
    path = socket_path()
    try:
        check_length(path)
    except SocketFileError as exc:
        raise failed(exc) from None
    from clinic_desk.patient_app.app import PatientDisplayApp

    PatientDisplayApp(path, lang=lang).run()
    return 0

"""The checks of this machine: the configuration, the smart-card service and the reader."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from clinic_desk.config import PASSPHRASE_ENV, DeskSettings, production_problems
from clinic_desk.readiness.model import CheckResult, CheckStatus, result
from clinic_desk.texts.said import Said
from reader.errors import AmbiguousReader, CardError, NoReader, ReaderUnavailable, ServiceNotRunning
from reader.transport import choose_reader, is_virtual_reader, list_readers

# the vpcd reader the demo's cards go to (reader.virtual_card.vpcd, port 35963)
DEMO_READER = "Virtual PCD 00 00"


@dataclass
class MachineState:
    """What the earlier checks found, for the later ones."""

    settings: DeskSettings
    readers: list[str] | None = None
    chosen: str | None = None
    results: list[CheckResult] = field(default_factory=list)


def check_config(settings: DeskSettings, source: Path, passphrase: str | None) -> CheckResult:
    environ = dict(os.environ)
    if passphrase is not None:
        environ[PASSPHRASE_ENV] = passphrase  # given to doctor (or typed at its prompt)
    problems = production_problems(settings, environ)
    where = str(source) if source.exists() else "no file: defaults and environment"
    if problems:
        return result(
            "config",
            CheckStatus.FAIL,
            "; ".join(problems),
            f"edit {source} (then run `clinic-desk config check`)",
            Said.of("ready.config.invalid"),
        )
    return result("config", CheckStatus.OK, f"valid, mode {settings.mode} ({where})")


def check_service(state: MachineState) -> CheckResult:
    demo = state.settings.mode == "demo"
    try:
        state.readers = list_readers()
    except ServiceNotRunning:
        if demo:
            return result(
                "service",
                CheckStatus.WARN,
                "pcscd is not running: the demo uses its cards in-process",
                "sudo systemctl start pcscd (to run the demo cards through PC/SC)",
                Said.of("ready.service.demo_in_process"),
            )
        return result(
            "service",
            CheckStatus.FAIL,
            "the smart-card service (pcscd) is not running",
            "sudo systemctl enable --now pcscd.socket",
            Said.of("ready.service.not_running"),
        )
    except CardError as exc:
        return result(
            "service",
            CheckStatus.WARN if demo else CheckStatus.FAIL,
            exc.message,
            "restart the smart-card service: sudo systemctl restart pcscd",
            Said.of("ready.service.error"),
        )
    count = len(state.readers)
    return result("service", CheckStatus.OK, f"pcscd is running ({count} reader(s) attached)")


def check_reader(state: MachineState) -> CheckResult:
    if state.readers is None:
        status = CheckStatus.WARN if state.settings.mode == "demo" else CheckStatus.SKIPPED
        return result(
            "reader",
            status,
            "not checked: the smart-card service is not running",
            said=Said.of("ready.skipped.service"),
        )
    if state.settings.mode == "demo":
        if DEMO_READER in state.readers:
            state.chosen = DEMO_READER
            return result("reader", CheckStatus.OK, f"the demo's virtual reader {DEMO_READER!r}")
        return result(
            "reader",
            CheckStatus.WARN,
            f"the demo's virtual reader {DEMO_READER!r} is missing: the demo uses its cards "
            "in-process",
            "sudo apt-get install vsmartcard-vpcd (on a demo machine only, never on a desk)",
            Said.of("ready.reader.demo_missing", reader=repr(DEMO_READER)),
        )
    pattern = state.settings.reader.name_pattern
    try:
        state.chosen = choose_reader(state.readers, pattern)
    except ReaderUnavailable as exc:
        return result(
            "reader",
            CheckStatus.FAIL,
            exc.message,
            "plug in the reader; `clinic-desk card readers` lists the names; set "
            "reader.name_pattern to part of the right one",
            reader_said(exc),
        )
    return result("reader", CheckStatus.OK, f"{state.chosen!r} matches {pattern!r}")


def check_virtual(state: MachineState) -> CheckResult:
    if state.settings.mode == "demo":
        return result(
            "virtual",
            CheckStatus.OK,
            "demo mode: virtual readers are allowed (a production desk refuses them)",
        )
    if state.chosen is None:
        return result(
            "virtual",
            CheckStatus.SKIPPED,
            "not checked: no reader was chosen",
            said=Said.of("ready.skipped.reader"),
        )
    if is_virtual_reader(state.chosen):
        return result(
            "virtual",
            CheckStatus.FAIL,
            f"{state.chosen!r} is a virtual reader, refused in production: vpcd listens on "
            "the network, so anyone who can reach it could present a forged card",
            "use a real card reader and remove vsmartcard-vpcd: sudo apt-get remove "
            "vsmartcard-vpcd",
            Said.of("ready.virtual.refused", reader=repr(state.chosen)),
        )
    others = [name for name in state.readers or [] if is_virtual_reader(name)]
    if others:
        return result(
            "virtual",
            CheckStatus.WARN,
            f"{state.chosen!r} is a real reader, but virtual readers are installed too "
            f"({', '.join(others)})",
            "sudo apt-get remove vsmartcard-vpcd (nothing on a desk needs it)",
            Said.of("ready.virtual.others", readers=", ".join(others)),
        )
    return result("virtual", CheckStatus.OK, f"{state.chosen!r} is not a virtual reader")


def reader_said(exc: ReaderUnavailable) -> Said:
    """What a reader that cannot be used means, as the desk says it."""
    if isinstance(exc, NoReader):
        if exc.pattern is None:
            return Said.of("ready.reader.none")
        return Said.of("ready.reader.no_match", pattern=repr(exc.pattern))
    if isinstance(exc, AmbiguousReader):
        return Said.of("ready.reader.several", readers=", ".join(exc.matches))
    if isinstance(exc, ServiceNotRunning):
        return Said.of("ready.service.not_running")
    return Said.of("ready.reader.unavailable")

"""Is this desk ready to check patients in? The checks behind `clinic-desk doctor`.

UI-free: the CLI prints the results, the desk shows the ones that are not ready
when it starts. Checks run in a fixed order, each giving one line and, when not
ready, a fix in plain words:

config → smart-card service → reader → reader not virtual → gateway (TLS, clock
skew; or the 資格確認端末's folder, ``readiness.terminal``) → cache unlocks → disk
space → log folder writable.

A FAIL or a SKIPPED check (one that could not run because an earlier one failed)
means a check-in cannot go ahead; a WARN is worth fixing but does not stop one.
The gateway is probed through the desk's own client (``readiness.gateway``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from clinic_desk import paths
from clinic_desk.config import PASSPHRASE_ENV, ConfigError, DeskSettings
from clinic_desk.domain.clock import utc_now
from clinic_desk.readiness.gateway import (
    SKEW_FAIL_SECONDS,
    SKEW_WARN_SECONDS,
    clock_skew,
    probe_embedded,
    probe_gateway,
)
from clinic_desk.readiness.machine import (
    DEMO_READER,
    MachineState,
    check_config,
    check_reader,
    check_service,
    check_virtual,
)
from clinic_desk.readiness.model import TITLES, CheckResult, CheckStatus, Readiness, result
from clinic_desk.readiness.storage import RunningDesk, check_cache, check_disk, check_logs
from clinic_desk.readiness.terminal import check_terminal
from clinic_desk.texts.said import Finding, Said

__all__ = [
    "DEMO_READER",
    "SKEW_FAIL_SECONDS",
    "SKEW_WARN_SECONDS",
    "TITLES",
    "CheckResult",
    "CheckStatus",
    "Readiness",
    "RunningDesk",
    "clock_skew",
    "notice_of",
    "probe_gateway",
    "run_checks",
    "startup_notice",
]


async def startup_notice(
    settings: DeskSettings, running: RunningDesk
) -> tuple[str, tuple[Finding, ...]]:
    """The desk's start-up check for its status line: the findings in one English line
    (for the log and support; "" when all is well) and as the desk says them.

    Production names warnings too; the demo only what would stop a check-in.
    """
    readiness = await run_checks(settings, running=running)
    shown = [
        r
        for r in readiness.results
        if r.blocking or (settings.mode == "production" and r.status is CheckStatus.WARN)
    ]
    return notice_of(shown), tuple(r.finding() for r in shown)


def notice_of(results: list[CheckResult]) -> str:
    """Results that are not ready, in one English line."""
    return "; ".join(f"{r.title}: {r.detail}" for r in results)


async def _check_gateway(
    settings: DeskSettings, running: RunningDesk | None, now: Callable[[], datetime]
) -> CheckResult:
    oqs = settings.gateway.oqs
    if settings.gateway.files and oqs is not None:
        return await asyncio.to_thread(check_terminal, oqs)
    if settings.mode == "demo":
        if running is not None and running.embedded_gateway:
            return result("gateway", CheckStatus.OK, "the demo's embedded gateway is running")
        return await probe_embedded(now)
    if not settings.gateway.base_url:
        return result(
            "gateway",
            CheckStatus.SKIPPED,
            "not checked: gateway.base_url is not set",
            said=Said.of("ready.gateway.no_url"),
        )
    return await probe_gateway(settings.gateway, now=now)


async def run_checks(
    settings: DeskSettings | ConfigError,
    *,
    passphrase: str | None = None,
    running: RunningDesk | None = None,
    now: Callable[[], datetime] = utc_now,
    config_file: Path | None = None,
) -> Readiness:
    """Run every check in order and return the results.

    ``settings`` is what ``load_settings`` returned or the ConfigError it raised.
    ``passphrase`` unlocks the cache (default: ``CLINIC_DESK_CACHE_PASSPHRASE``).
    """
    source = config_file or paths.config_file()
    if isinstance(settings, ConfigError):
        results = [
            result(
                "config",
                CheckStatus.FAIL,
                "; ".join(settings.problems),
                f"edit {source} (then run `clinic-desk config check`)",
                Said.of("ready.config.invalid"),
            )
        ]
        results += [
            result(
                key,
                CheckStatus.SKIPPED,
                "not checked: the configuration must be valid first",
                said=Said.of("ready.skipped.config"),
            )
            for key in list(TITLES)[1:]
        ]
        return Readiness(mode="unknown", results=tuple(results))

    secret = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None
    state = MachineState(settings)
    state.results.append(check_config(settings, source, secret))
    state.results.append(await asyncio.to_thread(check_service, state))
    state.results.append(check_reader(state))
    state.results.append(check_virtual(state))
    state.results.append(await _check_gateway(settings, running, now))
    state.results.append(await asyncio.to_thread(check_cache, settings, secret, running))
    state.results.append(await asyncio.to_thread(check_disk, settings))
    state.results.append(await asyncio.to_thread(check_logs))
    return Readiness(mode=settings.mode, results=tuple(state.results), reader_name=state.chosen)

"""Is this desk ready to check patients in? The checks behind `clinic-desk doctor`.

UI-free: the CLI prints the results, the desk shows the ones that are not ready
when it starts. Checks run in a fixed order, each giving one line and, when not
ready, a fix in plain words:

config → smart-card service → reader → reader not virtual → gateway (TLS, clock
skew) → cache unlocks → disk space → log folder writable.

A FAIL or a SKIPPED check (one that could not run because an earlier one failed)
means a check-in cannot go ahead; a WARN is worth fixing but does not stop one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import httpx
from pydantic import BaseModel, ConfigDict

from clinic_desk import paths
from clinic_desk.config import (
    PASSPHRASE_ENV,
    ConfigError,
    DeskSettings,
    GatewayConfig,
    production_problems,
)
from clinic_desk.eligibility.client import ssl_cause
from offline_cache import OfflineCache
from offline_cache.errors import CacheError, CacheInUse, WrongPassphrase
from offline_cache.files import CacheFiles
from reader.errors import CardError, ReaderUnavailable, ServiceNotRunning
from reader.transport import choose_reader, is_virtual_reader, list_readers

# the vpcd reader the demo's cards go to (reader.virtual_card.vpcd, port 35963)
DEMO_READER = "Virtual PCD 00 00"
SKEW_WARN_SECONDS = 30.0
SKEW_FAIL_SECONDS = 300.0
_FHIR_JSON = "application/fhir+json"


class CheckStatus(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


class CheckResult(BaseModel):
    """One line of the readiness report."""

    model_config = ConfigDict(frozen=True)

    key: str  # config, service, reader, virtual, gateway, cache, disk, logs
    title: str
    status: CheckStatus
    detail: str
    fix: str = ""
    # clock skew of the desk against the gateway (desk minus gateway), when measured
    skew_seconds: float | None = None

    @property
    def blocking(self) -> bool:
        """True when a check-in cannot go ahead because of this check."""
        return self.status in (CheckStatus.FAIL, CheckStatus.SKIPPED)

    def line(self) -> str:
        text = f"[{self.status.value.upper():>7}] {self.title}: {self.detail}"
        return f"{text}\n          fix: {self.fix}" if self.fix else text


class Readiness(BaseModel):
    """Every check, in order."""

    model_config = ConfigDict(frozen=True)

    mode: str
    results: tuple[CheckResult, ...]
    reader_name: str | None = None  # the reader the checks chose, when one was

    @property
    def ready(self) -> bool:
        return not any(r.blocking for r in self.results)

    def not_ready(self) -> list[CheckResult]:
        """The checks a receptionist should hear about (failures and warnings)."""
        return [r for r in self.results if r.status is not CheckStatus.OK]

    def get(self, key: str) -> CheckResult:
        return next(r for r in self.results if r.key == key)


async def startup_notice(settings: DeskSettings, running: RunningDesk) -> str:
    """The desk's start-up check in one line for its status line ("" when all is well).

    Production names warnings too; the demo only what would stop a check-in.
    """
    readiness = await run_checks(settings, running=running)
    shown = [
        r
        for r in readiness.results
        if r.blocking or (settings.mode == "production" and r.status is CheckStatus.WARN)
    ]
    return "; ".join(f"{r.title}: {r.detail}" for r in shown)


@dataclass
class RunningDesk:
    """What a desk that is already running holds, so its start-up check does not
    try to take the cache lock or start a second gateway."""

    cache_unlocked: bool = False
    embedded_gateway: bool = False


@dataclass
class _State:
    settings: DeskSettings
    readers: list[str] | None = None
    chosen: str | None = None
    results: list[CheckResult] = field(default_factory=list)


TITLES = {
    "config": "configuration",
    "service": "smart-card service",
    "reader": "card reader",
    "virtual": "real (not virtual) reader",
    "gateway": "eligibility gateway",
    "cache": "offline cache",
    "disk": "disk space",
    "logs": "log folder",
}


def _result(key: str, status: CheckStatus, detail: str, fix: str = "") -> CheckResult:
    return CheckResult(key=key, title=TITLES[key], status=status, detail=detail, fix=fix)


def utc_now() -> datetime:
    return datetime.now(UTC)


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
            _result(
                "config",
                CheckStatus.FAIL,
                "; ".join(settings.problems),
                f"edit {source} (then run `clinic-desk config check`)",
            )
        ]
        results += [
            _result(key, CheckStatus.SKIPPED, "not checked: the configuration must be valid first")
            for key in list(TITLES)[1:]
        ]
        return Readiness(mode="unknown", results=tuple(results))

    secret = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None
    state = _State(settings)
    state.results.append(_check_config(settings, source, secret))
    state.results.append(await asyncio.to_thread(_check_service, state))
    state.results.append(_check_reader(state))
    state.results.append(_check_virtual(state))
    state.results.append(await _check_gateway(settings, running, now))
    state.results.append(await asyncio.to_thread(_check_cache, settings, secret, running))
    state.results.append(await asyncio.to_thread(_check_disk, settings))
    state.results.append(await asyncio.to_thread(_check_logs))
    return Readiness(mode=settings.mode, results=tuple(state.results), reader_name=state.chosen)


# --- configuration -----------------------------------------------------------------------


def _check_config(settings: DeskSettings, source: Path, passphrase: str | None) -> CheckResult:
    environ = dict(os.environ)
    if passphrase is not None:
        environ[PASSPHRASE_ENV] = passphrase  # given to doctor (or typed at its prompt)
    problems = production_problems(settings, environ)
    where = str(source) if source.exists() else "no file: defaults and environment"
    if problems:
        return _result(
            "config",
            CheckStatus.FAIL,
            "; ".join(problems),
            f"edit {source} (then run `clinic-desk config check`)",
        )
    return _result("config", CheckStatus.OK, f"valid, mode {settings.mode} ({where})")


# --- smart-card service and reader --------------------------------------------------------


def _check_service(state: _State) -> CheckResult:
    demo = state.settings.mode == "demo"
    try:
        state.readers = list_readers()
    except ServiceNotRunning:
        if demo:
            return _result(
                "service",
                CheckStatus.WARN,
                "pcscd is not running: the demo uses its cards in-process",
                "sudo systemctl start pcscd (to run the demo cards through PC/SC)",
            )
        return _result(
            "service",
            CheckStatus.FAIL,
            "the smart-card service (pcscd) is not running",
            "sudo systemctl enable --now pcscd.socket",
        )
    except CardError as exc:
        return _result(
            "service",
            CheckStatus.WARN if demo else CheckStatus.FAIL,
            exc.message,
            "restart the smart-card service: sudo systemctl restart pcscd",
        )
    count = len(state.readers)
    return _result("service", CheckStatus.OK, f"pcscd is running ({count} reader(s) attached)")


def _check_reader(state: _State) -> CheckResult:
    if state.readers is None:
        status = CheckStatus.WARN if state.settings.mode == "demo" else CheckStatus.SKIPPED
        return _result("reader", status, "not checked: the smart-card service is not running")
    if state.settings.mode == "demo":
        if DEMO_READER in state.readers:
            state.chosen = DEMO_READER
            return _result("reader", CheckStatus.OK, f"the demo's virtual reader {DEMO_READER!r}")
        return _result(
            "reader",
            CheckStatus.WARN,
            f"the demo's virtual reader {DEMO_READER!r} is missing: the demo uses its cards "
            "in-process",
            "sudo apt-get install vsmartcard-vpcd (on a demo machine only, never on a desk)",
        )
    pattern = state.settings.reader.name_pattern
    try:
        state.chosen = choose_reader(state.readers, pattern)
    except ReaderUnavailable as exc:
        return _result(
            "reader",
            CheckStatus.FAIL,
            exc.message,
            "plug in the reader; `clinic-desk card readers` lists the names; set "
            "reader.name_pattern to part of the right one",
        )
    return _result("reader", CheckStatus.OK, f"{state.chosen!r} matches {pattern!r}")


def _check_virtual(state: _State) -> CheckResult:
    if state.settings.mode == "demo":
        return _result(
            "virtual",
            CheckStatus.OK,
            "demo mode: virtual readers are allowed (a production desk refuses them)",
        )
    if state.chosen is None:
        return _result("virtual", CheckStatus.SKIPPED, "not checked: no reader was chosen")
    if is_virtual_reader(state.chosen):
        return _result(
            "virtual",
            CheckStatus.FAIL,
            f"{state.chosen!r} is a virtual reader, refused in production: vpcd listens on "
            "the network, so anyone who can reach it could present a forged card",
            "use a real card reader and remove vsmartcard-vpcd: sudo apt-get remove "
            "vsmartcard-vpcd",
        )
    others = [name for name in state.readers or [] if is_virtual_reader(name)]
    if others:
        return _result(
            "virtual",
            CheckStatus.WARN,
            f"{state.chosen!r} is a real reader, but virtual readers are installed too "
            f"({', '.join(others)})",
            "sudo apt-get remove vsmartcard-vpcd (nothing on a desk needs it)",
        )
    return _result("virtual", CheckStatus.OK, f"{state.chosen!r} is not a virtual reader")


# --- gateway ---------------------------------------------------------------------------------


async def _check_gateway(
    settings: DeskSettings, running: RunningDesk | None, now: Callable[[], datetime]
) -> CheckResult:
    if settings.mode == "demo":
        if running is not None and running.embedded_gateway:
            return _result("gateway", CheckStatus.OK, "the demo's embedded gateway is running")
        return await _probe_embedded(now)
    if not settings.gateway.base_url:
        return _result("gateway", CheckStatus.SKIPPED, "not checked: gateway.base_url is not set")
    return await probe_gateway(settings.gateway, now=now)


async def _probe_embedded(now: Callable[[], datetime]) -> CheckResult:
    from clinic_desk.gateway.server import GatewayServer, GatewayServerError

    try:
        server = await asyncio.to_thread(GatewayServer(max_seconds=30).start)
    except (GatewayServerError, OSError) as exc:
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"the demo's embedded gateway cannot start: {exc}",
            "free a loopback port, or check the fixtures (clinic-desk gateway serve)",
        )
    try:
        result = await probe_gateway(GatewayConfig(base_url=server.url), now=now)
    finally:
        await asyncio.to_thread(server.stop)
    if result.status is CheckStatus.OK:
        return result.model_copy(update={"detail": "the demo's embedded gateway: " + result.detail})
    return result


def tls_context(config: GatewayConfig) -> ssl.SSLContext | CheckResult:
    """The TLS context for the gateway, or the failed check naming the unusable file."""
    try:
        context = ssl.create_default_context(
            cafile=str(config.ca_bundle) if config.ca_bundle else certifi.where()
        )
    except (OSError, ssl.SSLError) as exc:
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"the CA bundle {config.ca_bundle} (gateway.ca_bundle) cannot be used: {_reason(exc)}",
            "point gateway.ca_bundle at the PEM file of the CA that signs the gateway",
        )
    if not config.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if config.client_certificate is not None:
        password = (
            config.client_key_password.get_secret_value() if config.client_key_password else None
        )
        try:
            context.load_cert_chain(
                str(config.client_certificate),
                str(config.client_key) if config.client_key else None,
                password,
            )
        except (OSError, ssl.SSLError) as exc:
            return _result(
                "gateway",
                CheckStatus.FAIL,
                f"the client certificate {config.client_certificate} "
                f"(gateway.client_certificate) with its key {config.client_key} "
                f"(gateway.client_key) cannot be used: {_reason(exc)}",
                "check that both PEM files exist, belong together and that "
                "client_key_password is right",
            )
    return context


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc).lower().replace("_", " ")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _tls_failure(config: GatewayConfig, error: ssl.SSLError) -> CheckResult:
    if isinstance(error, ssl.SSLCertVerificationError):
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"the gateway's certificate is not trusted: {error.verify_message or _reason(error)}",
            "set gateway.ca_bundle to the CA that signs the gateway's certificate, and "
            "check that base_url uses the name the certificate is issued for",
        )
    if config.client_certificate is None:
        fix = "the gateway asks for a client certificate: set gateway.client_certificate and "
        fix += "gateway.client_key"
    else:
        fix = "check that gateway.client_certificate is this desk's certificate, issued by "
        fix += "the CA the gateway trusts, and not expired"
    return _result(
        "gateway",
        CheckStatus.FAIL,
        f"the TLS handshake with the gateway failed ({_reason(error)})",
        fix,
    )


async def probe_gateway(
    config: GatewayConfig, *, now: Callable[[], datetime] = utc_now
) -> CheckResult:
    """One ``POST /auth/challenge`` over the configured TLS: reachable, trusted, the
    client certificate accepted, and the clock skew from the answer's Date header."""
    assert config.base_url is not None
    context = tls_context(config)
    if isinstance(context, CheckResult):
        return context
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    host = urlsplit(config.base_url).netloc
    try:
        async with httpx.AsyncClient(
            verify=context, timeout=timeout, trust_env=False, follow_redirects=False
        ) as http:
            asked = now()
            started = time.perf_counter()
            response = await http.post(
                config.base_url + "/auth/challenge", headers={"Accept": _FHIR_JSON}
            )
            ms = (time.perf_counter() - started) * 1000
            answered = now()
    except httpx.TimeoutException:
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} did not answer within {config.connect_timeout:g}/{config.read_timeout:g} s",
            "check the network and the gateway; raise gateway.read_timeout for a slow link",
        )
    except httpx.TransportError as exc:
        tls = ssl_cause(exc)
        if tls is not None:
            return _tls_failure(config, tls)
        if isinstance(exc, httpx.ConnectError):
            return _result(
                "gateway",
                CheckStatus.FAIL,
                f"{host} cannot be reached ({_reason(exc.__cause__ or exc)})",
                "check gateway.base_url, the network and that the gateway is running",
            )
        if config.base_url.startswith("https:"):
            # With TLS 1.3 a server that refuses the client certificate just hangs up
            # after the handshake: the desk sees a closed connection, not a TLS alert.
            return _result(
                "gateway",
                CheckStatus.FAIL,
                f"{host} hung up without answering right after the TLS handshake: it "
                "may refuse this desk's client certificate",
                "check that gateway.client_certificate is this desk's certificate, issued "
                "by the CA the gateway trusts, and not expired",
            )
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} closed the connection without answering ({type(exc).__name__})",
            "check gateway.base_url and the gateway's logs",
        )
    if not 200 <= response.status_code < 300:
        return _result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} is reachable over TLS but answered HTTP {response.status_code}",
            "check that gateway.base_url is the root of the gateway's API",
        )
    transport = "TLS" if config.base_url.startswith("https:") else "plain HTTP on loopback"
    detail = f"{host} answered over {transport} in {ms:.0f} ms"
    return _with_skew(detail, response.headers.get("date"), asked, answered)


def _with_skew(detail: str, date: str | None, asked: datetime, answered: datetime) -> CheckResult:
    if not date:
        return _result(
            "gateway",
            CheckStatus.WARN,
            detail + "; no Date header, so the clock skew is unknown",
            "compare the desk's clock with the gateway's by hand (timedatectl)",
        )
    try:
        gateway_time = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return _result(
            "gateway",
            CheckStatus.WARN,
            detail + "; its Date header cannot be read, so the clock skew is unknown",
            "compare the desk's clock with the gateway's by hand (timedatectl)",
        )
    skew = clock_skew(gateway_time, asked, answered)
    text = f"{detail}; clock skew {skew:+.0f} s"
    fix = "turn on time synchronisation: sudo timedatectl set-ntp true"
    status = CheckStatus.OK
    if abs(skew) > SKEW_FAIL_SECONDS:
        status = CheckStatus.FAIL
    elif abs(skew) > SKEW_WARN_SECONDS:
        status = CheckStatus.WARN
    return CheckResult(
        key="gateway",
        title=TITLES["gateway"],
        status=status,
        detail=text,
        fix="" if status is CheckStatus.OK else fix,
        skew_seconds=skew,
    )


def clock_skew(gateway_time: datetime, asked: datetime, answered: datetime) -> float:
    """Desk minus gateway, in seconds, against the middle of the exchange.

    The Date header is truncated to the second, and servers such as uvicorn refresh
    it once a second: a desk up to two seconds ahead of a whole-second Date is noise.
    """
    middle = asked + (answered - asked) / 2
    skew = (middle - gateway_time).total_seconds()
    if gateway_time.microsecond == 0 and 0 <= skew < 2:
        return 0.0
    return skew


# --- cache ---------------------------------------------------------------------------------


def _check_cache(
    settings: DeskSettings, passphrase: str | None, running: RunningDesk | None
) -> CheckResult:
    if running is not None and running.cache_unlocked:
        return _result("cache", CheckStatus.OK, "unlocked by this desk")
    if settings.mode == "demo":
        return _demo_cache()
    files = CacheFiles(paths.data_dir(), paths.config_dir())
    have_data, have_key = files.database.exists(), files.key_file.exists()
    if passphrase is None:
        how = (
            f"set {PASSPHRASE_ENV}"
            if settings.cache.passphrase_source == "env"
            else f"set {PASSPHRASE_ENV}, or run doctor in a terminal to be asked"
        )
        return _result(
            "cache",
            CheckStatus.FAIL,
            "no passphrase: the offline cache is never used without one",
            how,
        )
    if not have_data and not have_key:
        if len(passphrase) < 8:
            return _result(
                "cache",
                CheckStatus.FAIL,
                "the passphrase is shorter than 8 characters",
                "choose a longer passphrase before the desk creates its cache",
            )
        return _result(
            "cache",
            CheckStatus.WARN,
            f"no offline cache yet in {files.data_dir}: the desk creates it at its first start",
            "start the desk once (or run `clinic-desk cache init`)",
        )
    try:
        cache = OfflineCache.open(
            files.data_dir, files.config_dir, passphrase, actor=settings.desk.desk_id
        )
    except CacheInUse as exc:
        return _cache_in_use(files, passphrase, exc)
    except WrongPassphrase:
        return _result(
            "cache",
            CheckStatus.FAIL,
            "the passphrase does not unlock the offline cache",
            f"check {PASSPHRASE_ENV}; if the passphrase is lost, see docs/deploy.md "
            "(“the passphrase is lost”)",
        )
    except CacheError as exc:
        return _result(
            "cache",
            CheckStatus.FAIL,
            exc.message,
            "restore the cache and its key file from the backup (docs/deploy.md)",
        )
    try:
        counts = cache.counts()
        detail = f"unlocks ({counts.snapshots} confirmed record(s) for outages)"
    except CacheError:
        detail = "unlocks"
    finally:
        cache.close()
    return _result("cache", CheckStatus.OK, detail)


def _cache_in_use(files: CacheFiles, passphrase: str, exc: CacheInUse) -> CheckResult:
    try:
        OfflineCache.unlock_key(files.config_dir, passphrase)
    except WrongPassphrase:
        return _result(
            "cache",
            CheckStatus.FAIL,
            "the passphrase does not unlock the offline cache",
            f"check {PASSPHRASE_ENV}",
        )
    except CacheError as err:
        return _result("cache", CheckStatus.FAIL, err.message, "restore the key file from backup")
    who = f"process {exc.pid}" if exc.pid else "another process"
    return _result(
        "cache",
        CheckStatus.OK,
        f"in use by {who} (a running desk); the passphrase unlocks its key",
    )


def _demo_cache() -> CheckResult:
    try:
        folder = Path(tempfile.mkdtemp(prefix="doctor-", dir=paths.ensure_dir(paths.cache_dir())))
    except OSError as exc:
        return _result(
            "cache",
            CheckStatus.FAIL,
            f"the demo cannot make its temporary cache under {paths.cache_dir()}: {_reason(exc)}",
            "make that folder writable, or set CLINIC_DESK_CACHE_DIR",
        )
    try:
        cache = OfflineCache.create(
            folder / "data", folder / "config", os.urandom(16).hex(), actor="doctor"
        )
        cache.close()
    except CacheError as exc:
        return _result("cache", CheckStatus.FAIL, exc.message, "check the disk under the cache")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _result("cache", CheckStatus.OK, "demo mode: a temporary encrypted cache works")


# --- disk and logs ---------------------------------------------------------------------------


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_disk(settings: DeskSettings) -> CheckResult:
    minimum = settings.desk.min_free_disk_mb
    lowest: tuple[int, Path] | None = None
    for folder in (paths.data_dir(), paths.log_dir()):
        try:
            free = shutil.disk_usage(_existing(folder)).free // (1024 * 1024)
        except OSError as exc:
            return _result("disk", CheckStatus.FAIL, f"{folder}: {_reason(exc)}", "check the disk")
        if lowest is None or free < lowest[0]:
            lowest = (free, folder)
    assert lowest is not None
    free, folder = lowest
    if free < minimum:
        return _result(
            "disk",
            CheckStatus.FAIL,
            f"only {free} MB free for {folder} (at least {minimum} MB needed)",
            "free some disk space (or lower desk.min_free_disk_mb)",
        )
    return _result("disk", CheckStatus.OK, f"{free} MB free (at least {minimum} MB needed)")


def _check_logs() -> CheckResult:
    folder = paths.log_dir()
    try:
        paths.ensure_dir(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError as exc:
        return _result(
            "logs",
            CheckStatus.FAIL,
            f"cannot write to {folder}: {_reason(exc)}",
            "make the folder writable by the desk's user, or set CLINIC_DESK_LOG_DIR",
        )
    return _result("logs", CheckStatus.OK, f"{folder} is writable")

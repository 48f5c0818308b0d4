"""The gateway check: one challenge through the desk's own client.

The probe builds an ``EligibilityClient`` from the same ``GatewaySettings`` the desk
uses, so the TLS context and the ``httpx.AsyncClient`` come from the one function that
builds the desk's (``eligibility.connection.http_client``): a CA bundle, a client
certificate or a timeout that fails here fails at the desk, and the other way round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from clinic_desk.domain.clock import utc_now
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.connection import GatewaySettingsError
from clinic_desk.eligibility.errors import (
    GatewayError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.readiness.model import CheckResult, CheckStatus, result
from clinic_desk.texts.said import Said

SKEW_WARN_SECONDS = 30.0
SKEW_FAIL_SECONDS = 300.0


async def probe_embedded(now: Callable[[], datetime]) -> CheckResult:
    """Start the demo's embedded gateway for a moment and probe it."""
    from clinic_desk.gateway.server import GatewayServer, GatewayServerError

    try:
        server = await asyncio.to_thread(GatewayServer(max_seconds=30).start)
    except (GatewayServerError, OSError) as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the demo's embedded gateway cannot start: {exc}",
            "free a loopback port, or check the fixtures (clinic-desk gateway serve)",
            Said.of("ready.gateway.embedded"),
        )
    try:
        found = await probe_gateway(GatewaySettings(base_url=server.url), now=now)
    finally:
        await asyncio.to_thread(server.stop)
    if found.status is CheckStatus.OK:
        return found.model_copy(update={"detail": "the demo's embedded gateway: " + found.detail})
    return found


def _settings_fix(message: str) -> str:
    if "gateway.ca_bundle" in message:
        return "point gateway.ca_bundle at the PEM file of the CA that signs the gateway"
    if "gateway.client_certificate" in message:
        return (
            "check that both PEM files exist, belong together and that "
            "gateway.client_key_password is right"
        )
    return "set gateway.base_url (then run `clinic-desk config check`)"


def _unavailable(settings: GatewaySettings, host: str, exc: GatewayUnavailable) -> CheckResult:
    if exc.code in ("timeout", "budget"):
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} did not answer within {settings.connect_timeout:g}/"
            f"{settings.read_timeout:g} s",
            "check the network and the gateway; raise gateway.read_timeout for a slow link",
            Said.of("ready.gateway.timeout", host=host),
        )
    if exc.code == "tls-untrusted":
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the gateway's certificate is not trusted ({_why(exc)})",
            "set gateway.ca_bundle to the CA that signs the gateway's certificate, and "
            "check that gateway.base_url uses the name the certificate is issued for",
            Said.of("ready.gateway.untrusted"),
        )
    if exc.code == "tls":
        if settings.client_certificate is None:
            fix = "the gateway asks for a client certificate: set gateway.client_certificate "
            fix += "and gateway.client_key"
        else:
            fix = "check that gateway.client_certificate is this desk's certificate, issued "
            fix += "by the CA the gateway trusts, and not expired"
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"the TLS handshake with the gateway failed ({_why(exc)})",
            fix,
            Said.of("ready.gateway.tls"),
        )
    if exc.code == "refused":
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} cannot be reached (the connection was refused or failed)",
            "check gateway.base_url, the network and that the gateway is running",
            Said.of("ready.gateway.refused", host=host),
        )
    if exc.code == "disconnected" and urlsplit(settings.base_url or "").scheme == "https":
        # With TLS 1.3 a server that refuses the client certificate just hangs up
        # after the handshake: the desk sees a closed connection, not a TLS alert.
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} hung up without answering right after the TLS handshake: it "
            "may refuse this desk's client certificate",
            "check that gateway.client_certificate is this desk's certificate, issued "
            "by the CA the gateway trusts, and not expired",
            Said.of("ready.gateway.hung_up", host=host),
        )
    if exc.status is not None:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} is reachable but answered HTTP {exc.status}: {exc.message}",
            "check the gateway's logs; the desk goes to its offline cache meanwhile",
            Said.of("ready.gateway.http", host=host, status=exc.status),
        )
    return result(
        "gateway",
        CheckStatus.FAIL,
        f"{host}: {exc.message}",
        "check gateway.base_url and the gateway's logs",
        Said.of("ready.gateway.refused", host=host),
    )


def _why(exc: GatewayError) -> str:
    return exc.cause or exc.message


async def probe_gateway(
    settings: GatewaySettings, *, now: Callable[[], datetime] = utc_now
) -> CheckResult:
    """One ``POST /auth/challenge`` through the desk's client: reachable, trusted, the
    client certificate accepted, and the clock skew from the answer's Date header."""
    host = urlsplit(settings.base_url or "").netloc.rpartition("@")[2] or "(no gateway.base_url)"
    try:
        client = EligibilityClient(settings)
    except GatewaySettingsError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            str(exc),
            _settings_fix(str(exc)),
            Said.of("ready.gateway.settings"),
        )
    try:
        asked = now()
        probe = await client.probe()
        answered = now()
    except GatewayUnavailable as exc:
        return _unavailable(settings, host, exc)
    except GatewayRejected as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} answered HTTP {exc.status}: {exc.outcome_text}",
            "check that gateway.base_url is the root of the gateway's API",
            Said.of("ready.gateway.http", host=host, status=exc.status),
        )
    except GatewayError as exc:
        return result(
            "gateway",
            CheckStatus.FAIL,
            f"{host} answered, but not as an eligibility gateway does ({exc.message})",
            "check that gateway.base_url is the root of the gateway's API",
            Said.of("ready.gateway.not_gateway", host=host),
        )
    finally:
        await client.aclose()
    scheme = urlsplit(settings.base_url or "").scheme
    transport = "TLS" if scheme == "https" else "plain HTTP on loopback"
    detail = f"{host} answered over {transport} in {probe.elapsed_ms:.0f} ms"
    return _with_skew(detail, probe.date_header, asked, answered)


def _with_skew(detail: str, date: str | None, asked: datetime, answered: datetime) -> CheckResult:
    unknown = "compare the desk's clock with the gateway's by hand (timedatectl)"
    if not date:
        return result(
            "gateway",
            CheckStatus.WARN,
            detail + "; no Date header, so the clock skew is unknown",
            unknown,
            Said.of("ready.gateway.skew_unknown"),
        )
    try:
        gateway_time = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return result(
            "gateway",
            CheckStatus.WARN,
            detail + "; its Date header cannot be read, so the clock skew is unknown",
            unknown,
            Said.of("ready.gateway.skew_unknown"),
        )
    if gateway_time.tzinfo is None:
        gateway_time = gateway_time.replace(tzinfo=UTC)
    skew = clock_skew(gateway_time, asked, answered)
    text = f"{detail}; clock skew {skew:+.0f} s"
    status = CheckStatus.OK
    if abs(skew) > SKEW_FAIL_SECONDS:
        status = CheckStatus.FAIL
    elif abs(skew) > SKEW_WARN_SECONDS:
        status = CheckStatus.WARN
    fix = "" if status is CheckStatus.OK else "turn on time synchronisation: "
    fix += "" if status is CheckStatus.OK else "sudo timedatectl set-ntp true"
    return CheckResult(
        key="gateway",
        title="eligibility gateway",
        status=status,
        detail=text,
        fix=fix,
        skew_seconds=skew,
        said=None
        if status is CheckStatus.OK
        else Said.of("ready.gateway.skew", seconds=f"{skew:+.0f}"),
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

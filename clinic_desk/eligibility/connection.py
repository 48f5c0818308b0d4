"""The one place that turns ``GatewaySettings`` into a TLS context and an ``httpx.AsyncClient``.

The desk, ``doctor``, ``cache reverify``, ``gateway check`` and the background
re-verification all reach the gateway through an ``EligibilityClient``, which builds its
connection here: a CA bundle or client certificate that ``doctor`` accepts is the one the
desk will use, and one it refuses stops the desk in the same words.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import certifi
import httpx

from clinic_desk import __version__
from clinic_desk.domain.fhir import FHIR_JSON
from clinic_desk.eligibility.settings import GatewaySettings


class GatewaySettingsError(ValueError):
    """The gateway settings cannot be used (a file that is not what it should be, no
    ``base_url``); ``str()`` is one plain sentence naming the setting."""


def ssl_reason(exc: BaseException) -> str:
    """A TLS or file error in plain lower-case words."""
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc).lower().replace("_", " ")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind ``exc`` (httpx wraps it a few levels down), if any."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def tls_context(settings: GatewaySettings) -> ssl.SSLContext:
    """The TLS context for the gateway: its CAs, verification, and this desk's certificate.

    Raises GatewaySettingsError naming the setting whose file cannot be used.
    """
    try:
        context = ssl.create_default_context(
            cafile=str(settings.ca_bundle) if settings.ca_bundle else certifi.where()
        )
    except (OSError, ssl.SSLError) as exc:
        raise GatewaySettingsError(
            f"the CA bundle {settings.ca_bundle} (gateway.ca_bundle) cannot be used: "
            f"{ssl_reason(exc)}"
        ) from None
    if not settings.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if settings.client_certificate is not None:
        password = (
            settings.client_key_password.get_secret_value()
            if settings.client_key_password
            else None
        )
        try:
            context.load_cert_chain(
                str(settings.client_certificate),
                str(settings.client_key) if settings.client_key else None,
                password,
            )
        except (OSError, ssl.SSLError) as exc:
            raise GatewaySettingsError(
                f"the client certificate {settings.client_certificate} "
                f"(gateway.client_certificate) with its key {settings.client_key} "
                f"(gateway.client_key) cannot be used: {ssl_reason(exc)}"
            ) from None
    return context


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url``: what must stay the same for a link to be followed."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def origin_text(url: str) -> str:
    """``scheme://host:port`` of ``url``, for messages (no path, no credentials)."""
    scheme, host, port = origin_of(url)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def timeout(settings: GatewaySettings, remaining: float | None = None) -> httpx.Timeout:
    """The settings' timeouts, none longer than ``remaining`` seconds when given."""
    cap = float("inf") if remaining is None else max(remaining, 0.001)
    return httpx.Timeout(
        connect=min(settings.connect_timeout, cap),
        read=min(settings.read_timeout, cap),
        write=min(settings.write_timeout, cap),
        pool=min(settings.pool_timeout, cap),
    )


def http_client(
    settings: GatewaySettings, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The desk's one pooled ``httpx.AsyncClient`` for the gateway at ``settings.base_url``.

    Redirects are not followed and the environment's proxies are ignored: patient
    traffic goes only where ``base_url`` says. ``transport`` replaces the network
    (unit tests only).
    """
    if settings.base_url is None:
        raise GatewaySettingsError(
            "setting 'gateway.base_url' is not set: the desk has no gateway to ask"
        )
    return httpx.AsyncClient(
        base_url=settings.base_url,
        verify=tls_context(settings),
        timeout=timeout(settings, settings.checkin_budget),
        limits=httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
            keepalive_expiry=5.0,
        ),
        follow_redirects=False,
        trust_env=False,
        headers={"Accept": FHIR_JSON, "User-Agent": f"clinic-desk/{__version__}"},
        transport=transport,
    )

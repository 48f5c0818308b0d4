"""What the settings may not say: refused anywhere, and what production still lacks.

``unsafe_settings`` refuses values that are wrong or unsafe whatever the machine holds
(plain HTTP to another computer, TLS verification off or an unencrypted cache in
production, a virtual reader in production); ``production_problems`` lists what a
production desk still lacks on this machine (files that do not exist, a passphrase
that is not set).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.transport import is_virtual_reader

if TYPE_CHECKING:
    from clinic_desk.config.settings import DeskSettings

PASSPHRASE_ENV = "CLINIC_DESK_CACHE_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 8  # the offline cache's own minimum


def unsafe_settings(settings: DeskSettings) -> list[tuple[str, str]]:
    """(key, why) for each value refused whatever the machine holds: the gateway
    section's own rules, then what production mode refuses besides."""
    gateway = settings.gateway
    production = settings.mode == "production"
    problems = [
        (f"gateway.{key}", why)
        for key, why in [*gateway.rule_problems(), *gateway.backend_problems()]
        # production refuses verification off everywhere, in its own words below
        if not (production and key == "verify_tls")
    ]
    if not production:
        return problems
    if not gateway.verify_tls:
        problems.append(
            (
                "gateway.verify_tls",
                "is refused in production: without verification anyone on the network "
                "could pose as the gateway and read patients' data",
            )
        )
    if settings.cache.passphrase_source == "none":
        problems.append(
            (
                "cache.passphrase_source",
                "'none' is refused in production: the offline cache holds patients' "
                "eligibility and must be encrypted with a passphrase (use 'env' or 'prompt')",
            )
        )
    pattern = settings.reader.name_pattern
    if pattern is not None and is_virtual_reader(pattern):
        problems.append(
            (
                "reader.name_pattern",
                f"{pattern!r} names a virtual reader, refused in production: vpcd listens "
                "on the network, so anyone who can reach it could present a forged card",
            )
        )
    return problems


def production_problems(
    settings: DeskSettings, environ: Mapping[str, str] | None = None
) -> list[str]:
    """What a production desk still lacks on this machine, one plain sentence each.

    Empty in demo mode. Checks that required settings are there, that the files
    they name exist, and that the cache's passphrase can be had.
    """
    if settings.mode != "production":
        return []
    env = os.environ if environ is None else environ
    problems: list[str] = []
    if not settings.reader.name_pattern:
        problems.append(
            "setting 'reader.name_pattern' is required in production: part of the reader's "
            "name (run `clinic-desk card readers` to see it)"
        )
    gateway = settings.gateway
    if gateway.files:
        pass  # the folder's own readiness is doctor's (readiness.terminal)
    elif not gateway.base_url:
        problems.append(
            "setting 'gateway.base_url' is required in production: the https:// address "
            "of the clinic's eligibility gateway"
        )
    elif urlsplit(gateway.base_url).scheme == "https":
        for key, what in (
            ("ca_bundle", "the CA bundle that signs the gateway's certificate"),
            ("client_certificate", "this desk's certificate for mutual TLS"),
            ("client_key", "the private key of the desk's certificate"),
        ):
            if getattr(gateway, key) is None:
                problems.append(f"setting 'gateway.{key}' is required in production: {what}")
    for key in ("ca_bundle", "client_certificate", "client_key"):
        path: Path | None = getattr(gateway, key)
        if path is None:
            continue
        if not path.exists():
            problems.append(f"setting 'gateway.{key}' names {path}, which does not exist")
        elif not path.is_file():
            problems.append(f"setting 'gateway.{key}' names {path}, which is not a file")
        elif not os.access(path, os.R_OK):
            problems.append(f"setting 'gateway.{key}' names {path}, which cannot be read")
    if settings.cache.passphrase_source == "env":
        value = env.get(PASSPHRASE_ENV, "")
        if not value:
            problems.append(
                f"cache.passphrase_source is 'env' but {PASSPHRASE_ENV} is not set: the "
                "offline cache must not be used without its passphrase (set it, or use "
                "passphrase_source = 'prompt')"
            )
        elif len(value) < MIN_PASSPHRASE_LENGTH:
            problems.append(
                f"{PASSPHRASE_ENV} is shorter than {MIN_PASSPHRASE_LENGTH} characters: "
                "too weak to protect patients' data"
            )
    return problems

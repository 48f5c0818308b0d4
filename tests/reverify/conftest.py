from __future__ import annotations

import hashlib

from tests.desk.conftest import desk, desk_ja  # noqa: F401  (the demo desk in Pilot)
from tests.gateway.conftest import (  # noqa: F401  (fixtures shared with the gateway tests)
    MutableClock,
    client,
    clock,
    credentials_for,
    dataset,
    gateway,
    settings_for,
)
from tests.production.conftest import tls_gateway  # noqa: F401  (TLS + mTLS gateway)


def fingerprint(profile_id: str) -> str:
    """The SHA-256 of a fixture card's user-authentication certificate (how the desk keys it)."""
    return hashlib.sha256(credentials_for(profile_id).certificate_der).hexdigest()

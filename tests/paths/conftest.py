from __future__ import annotations

from tests.gateway.conftest import (  # noqa: F401  (fixtures shared with the gateway tests)
    MutableClock,
    client,
    clock,
    dataset,
    gateway,
    settings_for,
)

from __future__ import annotations

from tests.desk.conftest import desk, desk_ja  # noqa: F401  (the desk's Pilot fixtures)
from tests.gateway.conftest import (  # noqa: F401  (fixtures shared with the gateway tests)
    MutableClock,
    client,
    clock,
    dataset,
    gateway,
    settings_for,
)

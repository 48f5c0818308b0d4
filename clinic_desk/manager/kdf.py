"""How much scrypt the manager's files may ask for.

The PIN hash in ``config.toml`` and the manager key file both carry their scrypt
parameters. Each parameter alone may look reasonable while together they ask for
gigabytes of memory or minutes of work (``ln=20, r=16, p=4``): a damaged or hostile file
would then exhaust the desk's memory or hang the PIN screen. Only what the desk itself
writes (N = 2^15, r = 8, p = 1: 32 MiB, well under a second), with some headroom for a
later, stronger default, is accepted.
"""

from __future__ import annotations

MAX_MEMORY_BYTES = 64 * 1024 * 1024  # scrypt needs 128 * r * N bytes
MAX_WORK = 2**20  # N * r * p: four times the default's
# What hashlib.scrypt may allocate for parameters within the bounds (with its overhead).
HASHLIB_MAXMEM = 2 * MAX_MEMORY_BYTES


def scrypt_cost_problem(n: int, r: int, p: int) -> str | None:
    """Why these parameters are refused, or None when the desk accepts them."""
    memory = 128 * r * n
    if memory > MAX_MEMORY_BYTES:
        return (
            f"its scrypt parameters (N={n}, r={r}) would need {memory // (1024 * 1024)} MiB of "
            f"memory; at most {MAX_MEMORY_BYTES // (1024 * 1024)} MiB is accepted"
        )
    if n * r * p > MAX_WORK:
        return (
            f"its scrypt parameters (N={n}, r={r}, p={p}) would take far longer than the "
            "desk's own; they are not accepted"
        )
    return None

"""The bad-input catalogue: one table of hostile or clumsy inputs and what each must give.

Each case runs the real ``clinic-desk`` command in its own process with its own
``CLINIC_DESK_HOME``; the runner checks the exit status, the one message, that no
traceback escaped, that the files named in ``unchanged`` are byte-identical afterwards,
and that no value named in ``never_shown`` reaches the output.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SCENARIOS = FIXTURES / "scenarios"
PASSPHRASE = "catalogue passphrase 7"

Prepare = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: the command, how to lay out its files, and what it must give."""

    id: str
    area: str
    argv: tuple[str, ...]
    exit: int
    message: str  # a regular expression the output must contain
    prepare: Prepare | None = None
    env: dict[str, str] = field(default_factory=dict)
    unchanged: tuple[str, ...] = ()  # paths under the case's folder, byte-identical after
    never_shown: tuple[str, ...] = ()  # values that must not appear in the output
    timeout: float = 60.0


# ---- building blocks for prepare functions -----------------------------------------


def write(name: str, content: str | bytes) -> Prepare:
    def prepare(root: Path) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return prepare


def fifo(name: str) -> Prepare:
    def prepare(root: Path) -> None:
        os.mkfifo(root / name)

    return prepare


def both(*steps: Prepare) -> Prepare:
    def prepare(root: Path) -> None:
        for step in steps:
            step(root)

    return prepare


def copy_scenario(name: str, to: str) -> Prepare:
    def prepare(root: Path) -> None:
        target = root / to
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCENARIOS / name, target)

    return prepare


def config(text: str) -> Prepare:
    return write("home/config/config.toml", text)


DEEP_JSON = "[" * 200_000 + "]" * 200_000
DEEP_TOML = "a = " + "[" * 100_000 + "]" * 100_000
GOOD_SCENARIO = "birthdate-mistyped-once.json"


def case_env(root: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment a case's command runs in: its own home, the catalogue's passphrase."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESK_")}
    env["CLINIC_DESK_HOME"] = str(root / "home")
    env["CLINIC_DESK_CACHE_PASSPHRASE"] = PASSPHRASE
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def clinic_desk(*argv: str) -> Prepare:
    """Run ``clinic-desk argv`` as part of preparing a case (it must succeed)."""

    def prepare(root: Path) -> None:
        import subprocess
        import sys

        subprocess.run(
            [str(Path(sys.executable).with_name("clinic-desk")), *argv],
            env=case_env(root, {}),
            check=True,
            capture_output=True,
            timeout=60,
        )

    return prepare


CACHE_DB = "home/data/offline-cache.db"
CACHE_KEY = "home/config/offline-cache.key"
CONFIG = "home/config/config.toml"
init_cache = clinic_desk("cache", "init")


def damage(name: str, keep: int) -> Prepare:
    """Cut the file at ``name`` to its first ``keep`` bytes (a damaged copy)."""

    def prepare(root: Path) -> None:
        path = root / name
        path.write_bytes(path.read_bytes()[:keep])

    return prepare


CASES: list[Case] = [
    # ---- fixtures and replay ----------------------------------------------------------
    Case(
        "replay-deep-json",
        "fixtures",
        ("replay", "{root}/deep.json"),
        1,
        r"nested more than 64 levels deep",
        write("deep.json", DEEP_JSON),
    ),
    Case(
        "replay-deep-json-as-json",
        "fixtures",
        ("replay", "--json", "{root}/deep.json"),
        1,
        r'"reason": "unreadable_fixture"',
        write("deep.json", DEEP_JSON),
    ),
    Case(
        "replay-not-json",
        "fixtures",
        ("replay", "{root}/bad.json"),
        1,
        r"cannot be read: it is not valid JSON",
        write("bad.json", "{"),
    ),
    Case(
        "replay-empty-file",
        "fixtures",
        ("replay", "{root}/empty.json"),
        1,
        r"cannot be read",
        write("empty.json", ""),
    ),
    Case(
        "replay-binary-file",
        "fixtures",
        ("replay", "{root}/bin.json"),
        1,
        r"cannot be read",
        write("bin.json", bytes(range(256)) * 4),
    ),
    Case(
        "replay-huge-file",
        "fixtures",
        ("replay", "{root}/huge.json"),
        1,
        r"larger than \d+ bytes",
        write("huge.json", b" " * (17 * 1024 * 1024)),
    ),
    Case(
        "replay-wrong-format",
        "fixtures",
        ("replay", "{root}/u.json"),
        1,
        r"not valid at format",
        write("u.json", '{"format": "x"}'),
    ),
    Case(
        "replay-missing",
        "fixtures",
        ("replay", "{root}/missing.json"),
        2,
        r"There is no fixture or folder",
    ),
    Case(
        "replay-unknown-card",
        "fixtures",
        ("replay", "{root}/nc.json"),
        1,
        r"no card profile called 'nobody'",
        write(
            "nc.json",
            '{"format": "clinic-desk-scenario", "version": 1, "title": "t", '
            '"card": "nobody", "steps": [], "expected": {"outcome": "shown"}}',
        ),
    ),
    Case(
        "replay-folder-one-hostile",
        "fixtures",
        ("replay", "{root}/folder"),
        1,
        r"(?s)(as expected.*nested more than|nested more than.*as expected)",
        both(
            write("folder/a-deep.json", DEEP_JSON),
            copy_scenario(GOOD_SCENARIO, "folder/b-good.json"),
        ),
    ),
    # ---- the embedded gateway -------------------------------------------------------
    Case(
        "gateway-dataset-deep",
        "gateway",
        ("gateway", "serve", "--port", "0", "--dataset", "{root}/d.json"),
        2,
        r"nested more than 64 levels deep",
        write("d.json", DEEP_JSON),
    ),
    Case(
        "gateway-dataset-device",
        "gateway",
        ("gateway", "serve", "--port", "0", "--dataset", "/dev/zero"),
        2,
        r"not a regular file",
    ),
    Case(
        "gateway-dataset-fifo",
        "gateway",
        ("gateway", "serve", "--port", "0", "--dataset", "{root}/d.json"),
        2,
        r"not a regular file",
        fifo("d.json"),
    ),
    Case(
        "gateway-dataset-missing",
        "gateway",
        ("gateway", "serve", "--port", "0", "--dataset", "{root}/none.json"),
        2,
        r"does not exist",
    ),
    Case(
        "gateway-dataset-not-json",
        "gateway",
        ("gateway", "serve", "--port", "0", "--dataset", "{root}/d.json"),
        2,
        r"cannot be read",
        write("d.json", "patients: []"),
    ),
    Case(
        "gateway-check-closed-port",
        "gateway",
        ("gateway", "check", "http://127.0.0.1:1"),
        1,
        r"cannot be reached",
    ),
    Case(
        "gateway-check-not-a-url",
        "gateway",
        ("gateway", "check", "not-a-url"),
        2,
        r"must be an http:// or https:// URL",
    ),
    # ---- the encrypted cache ----------------------------------------------------------
    Case(
        "cache-wrong-passphrase",
        "cache",
        ("cache", "unlock-test"),
        2,
        r"does not unlock this cache",
        init_cache,
        env={"CLINIC_DESK_CACHE_PASSPHRASE": "x"},
        unchanged=(CACHE_DB, CACHE_KEY),
        never_shown=(PASSPHRASE,),
    ),
    Case(
        "cache-status-wrong-passphrase",
        "cache",
        ("cache", "status", "--unlock"),
        2,
        r"does not unlock this cache",
        init_cache,
        env={"CLINIC_DESK_CACHE_PASSPHRASE": "x"},
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-purge-wrong-passphrase",
        "cache",
        ("cache", "purge"),
        2,
        r"does not unlock this cache",
        init_cache,
        env={"CLINIC_DESK_CACHE_PASSPHRASE": "x"},
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-init-twice",
        "cache",
        ("cache", "init"),
        2,
        r"already exists here .* left untouched",
        init_cache,
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-key-file-garbage",
        "cache",
        ("cache", "unlock-test"),
        2,
        r"key file .* is damaged; restore it from a backup",
        both(init_cache, write(CACHE_KEY, "garbage")),
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-database-truncated",
        "cache",
        ("cache", "unlock-test"),
        2,
        r"offline cache file is damaged; it was left untouched",
        both(init_cache, damage(CACHE_DB, 5000)),
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-status-database-truncated",
        "cache",
        ("cache", "status", "--unlock"),
        2,
        r"offline cache file is damaged",
        both(init_cache, damage(CACHE_DB, 5000)),
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-database-missing",
        "cache",
        ("cache", "unlock-test"),
        2,
        r"is missing while its key file exists",
        both(init_cache, lambda root: (root / CACHE_DB).unlink()),
        unchanged=(CACHE_KEY,),
    ),
    Case(
        "cache-rekey-no-new-passphrase",
        "cache",
        ("cache", "rekey"),
        2,
        r"no new passphrase",
        init_cache,
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    Case(
        "cache-wipe-unconfirmed",
        "cache",
        ("cache", "wipe"),
        2,
        r"add --yes to confirm",
        init_cache,
        unchanged=(CACHE_DB, CACHE_KEY),
    ),
    # ---- configuration ------------------------------------------------------------------
    Case(
        "config-not-toml",
        "config",
        ("config", "check"),
        2,
        r"config\.toml is not valid TOML",
        config("garbage"),
        unchanged=(CONFIG,),
    ),
    Case(
        "config-unknown-section",
        "config",
        ("config", "check"),
        2,
        r"unknown setting 'nope'",
        config("[nope]\nx = 1\n"),
        unchanged=(CONFIG,),
    ),
    Case(
        "config-wrong-type",
        "config",
        ("config", "check"),
        2,
        r"setting 'gateway\.base_url' .* has the value 5",
        config("[gateway]\nbase_url = 5\n"),
        unchanged=(CONFIG,),
    ),
    Case(
        "config-unknown-mode",
        "config",
        ("config", "check"),
        2,
        r"setting 'mode' .* 'banana'",
        config('mode = "banana"\n'),
        unchanged=(CONFIG,),
    ),
    # ---- the manager's review --------------------------------------------------------
    Case(
        "review-without-manager-pin",
        "review",
        ("review", "list"),
        2,
        r"no manager PIN is set yet",
        init_cache,
        unchanged=(CACHE_DB,),
    ),
    # ---- card -----------------------------------------------------------------------------
    Case(
        "card-demo-unknown-card",
        "card",
        ("card", "demo", "/missing.json"),
        2,
        r"no card fixture called '/missing\.json'",
    ),
    # ---- the command line -------------------------------------------------------------
    Case("cli-unknown-command", "cli", ("nosuch",), 2, r"invalid choice: 'nosuch'"),
    Case(
        "cli-unknown-language",
        "cli",
        ("--lang", "xx", "--version"),
        2,
        r"argument --lang: invalid choice",
    ),
]

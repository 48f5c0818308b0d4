"""Building blocks for the catalogue's cases: how to lay out a case's folder before it runs,
and what to look at afterwards.

A case's folder holds ``home/`` (its ``CLINIC_DESK_HOME``) and whatever files the case
hands to the command. Homes that cost a process or a key derivation to build (a cache, a
manager PIN) are built once per test run and copied into each case that wants one.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SCENARIOS = FIXTURES / "scenarios"
PASSPHRASE = "catalogue passphrase 7"
MANAGER_PIN = "246810"
CLI = str(Path(sys.executable).with_name("clinic-desk"))

CACHE_DB = "home/data/offline-cache.db"
CACHE_KEY = "home/config/offline-cache.key"
CONFIG = "home/config/config.toml"
MANAGER_KEY = "home/config/manager-key.json"

DEEP_JSON = "[" * 200_000 + "]" * 200_000
DEEP_TOML = "a = " + "[" * 100_000 + "]" * 100_000
GOOD_SCENARIO = "birthdate-mistyped-once.json"

Prepare = Callable[[Path], None]
Check = Callable[[Path], None]


def case_env(root: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment a case's command runs in: its own home, the catalogue's passphrase."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESK_")}
    env["CLINIC_DESK_HOME"] = str(root / "home")
    env["CLINIC_DESK_CACHE_PASSPHRASE"] = PASSPHRASE
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


# ---- files ------------------------------------------------------------------------------


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
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.mkfifo(path)

    return prepare


def folder(name: str) -> Prepare:
    """A folder where a file is expected (what was there is removed)."""

    def prepare(root: Path) -> None:
        path = root / name
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        path.mkdir(parents=True)

    return prepare


def remove(name: str) -> Prepare:
    def prepare(root: Path) -> None:
        (root / name).unlink()

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


def copy_card(name: str, to: str) -> Prepare:
    def prepare(root: Path) -> None:
        target = root / to
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / "cards" / name, target)

    return prepare


def config(text: str) -> Prepare:
    return write(CONFIG, text)


def append_config(text: str) -> Prepare:
    def prepare(root: Path) -> None:
        path = root / CONFIG
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return prepare


def damage(name: str, keep: int) -> Prepare:
    """Cut the file at ``name`` to its first ``keep`` bytes (a damaged copy)."""

    def prepare(root: Path) -> None:
        path = root / name
        path.write_bytes(path.read_bytes()[:keep])

    return prepare


def flip(name: str, start: int, count: int) -> Prepare:
    """Invert ``count`` bytes of the file at ``name`` from ``start`` (one damaged page)."""

    def prepare(root: Path) -> None:
        path = root / name
        data = bytearray(path.read_bytes())
        for index in range(start, start + count):
            data[index] ^= 0xFF
        path.write_bytes(bytes(data))

    return prepare


def edit_json(name: str, change: Callable[[dict[str, Any]], None]) -> Prepare:
    def prepare(root: Path) -> None:
        path = root / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return prepare


def scrypt_cost(section: str, **values: int) -> Callable[[dict[str, Any]], None]:
    return lambda data: data[section].update(values)


def pin_hash(ln: int, r: int, p: int) -> Prepare:
    """A PIN hash whose scrypt parameters are each in range (and together are not)."""
    return config(f'[manager]\npin_hash = "scrypt$ln={ln},r={r},p={p}${"A" * 22}${"B" * 43}"\n')


# ---- homes built by the program itself ----------------------------------------------------


def clinic_desk(*argv: str, stdin: str | None = None) -> Prepare:
    """Run ``clinic-desk argv`` as part of preparing a case (it must succeed)."""

    def prepare(root: Path) -> None:
        subprocess.run(
            [CLI, *argv],
            env=case_env(root, {}),
            check=True,
            capture_output=True,
            input=stdin,
            text=True,
            timeout=120,
        )

    return prepare


_templates: dict[str, Path] = {}
_template_root: list[Path] = []


def _template_folder(name: str) -> Path:
    if not _template_root:
        made = Path(tempfile.mkdtemp(prefix="clinic-desk-catalogue-"))
        atexit.register(shutil.rmtree, made, True)
        _template_root.append(made)
    path = _template_root[0] / name
    path.mkdir()
    return path


def template(name: str, *steps: Prepare) -> Prepare:
    """The result of ``steps``, built once per test run and copied into each case."""

    def prepare(root: Path) -> None:
        built = _templates.get(name)
        if built is None:
            built = _template_folder(name)
            for step in steps:
                step(built)
            _templates[name] = built
        shutil.copytree(built, root, dirs_exist_ok=True, symlinks=True)

    return prepare


init_cache = template("cache", clinic_desk("cache", "init"))
with_manager = template(
    "manager",
    clinic_desk("cache", "init"),
    clinic_desk("review", "set-pin", "--pin-stdin", stdin=MANAGER_PIN + "\n"),
)


@contextlib.contextmanager
def home_of(root: Path) -> Iterator[None]:
    """Run in-process code as the case's desk (its ``CLINIC_DESK_HOME``)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("CLINIC_DESK_")}
    for key in saved:
        del os.environ[key]
    os.environ["CLINIC_DESK_HOME"] = str(root / "home")
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("CLINIC_DESK_")]:
            del os.environ[key]
        os.environ.update(saved)


def sealed_flags(count: int) -> Prepare:
    """Flags raised through the desk's store port, each with a reference sealed for the
    manager (the manager key must exist)."""

    def prepare(root: Path) -> None:
        from pydantic import SecretStr

        from clinic_desk import paths
        from clinic_desk.domain.card import CardIdentity
        from clinic_desk.services.store import CacheStorePort
        from offline_cache import OfflineCache

        with home_of(root):
            cache = OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE)
            try:
                port = CacheStorePort(cache, desk_id="desk-c")
                for n in range(count):
                    cert = hashlib.sha256(f"catalogue card {n}".encode()).hexdigest()
                    identity = CardIdentity(
                        name=f"山田 太郎{n}", birthdate=date(1980, 4, 1), sex="1",
                        certificate_sha256=cert,
                    )  # fmt: skip
                    port.raise_flag(
                        "name_mismatch",
                        identity,
                        cert,
                        f"Patient/p-other-{n}",
                        SecretStr("06400021 52 3301 00"),
                    )
            finally:
                cache.close()

    return prepare


HOSTILE_NAMES = ('=HYPERLINK("http://x.example/","x")', "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1")


def hostile_card_flags(root: Path) -> None:
    """Check-ins of cards whose chips hold formulas as names, flagged as revoked through
    the real check-in (virtual card, embedded gateway, the desk's store port)."""
    from clinic_desk import paths
    from clinic_desk.scenarios.world import cards_dir
    from offline_cache import OfflineCache
    from reader.virtual_card.profile import CardProfile
    from tests.hardening.checkin import check_in_with_pin

    revoked = CardProfile.load(cards_dir() / "ito-makoto.json")
    cards = [revoked.model_copy(update={"name": name}) for name in HOSTILE_NAMES]
    with home_of(root):
        cache = OfflineCache.open(paths.data_dir(), paths.config_dir(), PASSPHRASE)
        try:
            asyncio.run(check_in_with_pin(cards, cache))
        finally:
            cache.close()


def raw_sql(*statements: str) -> Prepare:
    """Plain SQL through a second, raw SQLCipher connection: someone holding the key."""

    def prepare(root: Path) -> None:
        from offline_cache import CacheFiles, OfflineCache
        from tests.cache.support import raw_connect

        files = CacheFiles(root / "home" / "data", root / "home" / "config")
        conn: Any = raw_connect(files, OfflineCache.unlock_key(files.config_dir, PASSPHRASE))
        try:
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()

    return prepare


# ---- looking afterwards -----------------------------------------------------------------


def absent(*names: str) -> Check:
    def check(root: Path) -> None:
        for name in names:
            assert not (root / name).exists(), f"{name} was written"

    return check


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def report_is_text(name: str, rows: int) -> Check:
    """The CSV at ``name`` has ``rows`` rows and no cell a spreadsheet reads as a formula."""

    def check(root: Path) -> None:
        found = csv_rows(root / name)
        assert len(found) == rows
        for row in found:
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        assert sorted(r["card_name"] for r in found) == sorted("'" + n for n in HOSTILE_NAMES)

    return check


def private_file_without(name: str, *values: str) -> Check:
    """The file at ``name`` is owner-only and holds none of ``values``."""

    def check(root: Path) -> None:
        path = root / name
        assert path.stat().st_mode & 0o777 == 0o600, oct(path.stat().st_mode)
        text = path.read_text(encoding="utf-8")
        found = [value for value in values if value in text]
        assert found == [], f"{name} keeps {found}"

    return check

"""``[gateway] kind = "oqs-files"`` in the configuration, and doctor's check of the
terminal's folder: exists, real folders, writable, the terminal taking requests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_desk.config import ConfigError, load_settings
from clinic_desk.readiness import CheckStatus
from clinic_desk.readiness.terminal import check_terminal
from tests.oqs.conftest import INSTITUTION, cli, make_settings

NOBODY = 65534


def _write_config(home: Path, root: Path | str, *, oqs: bool = True) -> Path:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    text = '[gateway]\nkind = "oqs-files"\n'
    if oqs:
        text += f'[gateway.oqs]\nroot = "{root}"\nmedical_institution_code = "{INSTITUTION}"\n'
        text += 'encoding = "shift_jis"\ninsurer_padding = "zero"\nlookup_timeout = 8\n'
    config.write_text(text, encoding="utf-8")
    return config


def test_the_configuration_chooses_the_terminal(tmp_path: Path, root: Path) -> None:
    settings = load_settings(_write_config(tmp_path, root))
    assert settings.gateway.files and settings.gateway.oqs is not None
    assert settings.gateway.oqs.root == root
    assert settings.gateway.oqs.encoding == "shift_jis"
    assert settings.gateway.oqs.insurer_padding == "zero"
    assert settings.gateway.oqs.lookup_timeout == 8


def test_oqs_files_without_its_section_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"gateway\.oqs.*required when gateway\.kind"):
        load_settings(_write_config(tmp_path, "", oqs=False))


def test_a_relative_terminal_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="absolute path"):
        load_settings(_write_config(tmp_path, "terminal"))


def test_the_default_is_the_https_gateway() -> None:
    settings = load_settings(Path("/nonexistent/config.toml"))
    assert settings.gateway.kind == "https" and not settings.gateway.files


def test_a_ready_folder(root: Path) -> None:
    found = check_terminal(make_settings(root, archive_dir=root.parent / "archive"))
    assert found.status is CheckStatus.OK, found.detail
    assert not [p for p in root.rglob("*") if p.is_file()]  # the probe left nothing


@pytest.mark.parametrize("missing", ["", "req", "res", "face"])
def test_a_missing_folder_is_named(root: Path, missing: str) -> None:
    shutil.rmtree(root / missing) if missing else shutil.rmtree(root)
    found = check_terminal(make_settings(root))
    assert found.status is CheckStatus.FAIL
    assert "does not exist" in found.detail and "gateway.oqs.root" in found.fix


def test_a_link_or_a_file_in_place_of_a_folder_is_refused(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / "res")
    (root / "res").symlink_to(elsewhere)
    assert "is a link" in check_terminal(make_settings(root)).detail
    (root / "res").unlink()
    (root / "res").write_text("")
    assert "not a folder" in check_terminal(make_settings(root)).detail


def test_a_terminal_that_takes_no_requests(root: Path) -> None:
    request = root / "req" / "OQSsiquc01req_desk1.xml"
    request.write_text("<XmlMsg/>")
    old = time.time() - 120
    os.utime(request, (old, old))
    found = check_terminal(make_settings(root, lookup_timeout=30.0))
    assert found.status is CheckStatus.FAIL
    assert "not taking requests: 1 waiting" in found.detail
    os.utime(request, None)  # a request just written is not a sign of trouble
    assert check_terminal(make_settings(root, lookup_timeout=30.0)).status is CheckStatus.OK


@pytest.fixture
def shared() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="oqs-ready-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_the_desks_account_cannot_write(shared: Path) -> None:
    for name in ("req", "res", "face"):
        (shared / "terminal" / name).mkdir(parents=True, mode=0o755)
    (shared / "home").mkdir(mode=0o777)
    (shared / "home").chmod(0o777)
    script = (
        "import sys; from pathlib import Path; "
        "from clinic_desk.readiness.terminal import check_terminal; "
        "from clinic_desk.oqs import OqsSettings; "
        "r = check_terminal(OqsSettings(root=Path(sys.argv[1]), "
        f"medical_institution_code='{INSTITUTION}')); print(r.status.value, r.detail)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_DESK_")}
    env["CLINIC_DESK_HOME"] = str(shared / "home")
    done = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         sys.executable, "-c", script, str(shared / "terminal")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.stdout.startswith("fail the request folder"), done.stdout + done.stderr
    assert "cannot be written by this desk (Permission denied)" in done.stdout


def test_doctor_names_the_terminal(tmp_path: Path, root: Path) -> None:
    home = tmp_path / "home"
    _write_config(home, root)
    env_home = os.environ.get("CLINIC_DESK_HOME")
    os.environ["CLINIC_DESK_HOME"] = str(home)
    try:
        done = cli("config", "show")
    finally:
        if env_home is None:
            del os.environ["CLINIC_DESK_HOME"]
        else:
            os.environ["CLINIC_DESK_HOME"] = env_home
    assert done.returncode == 0, done.stderr
    assert "oqs-files" in done.stdout

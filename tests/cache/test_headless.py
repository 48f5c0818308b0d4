"""offline_cache is a headless core: it imports with Textual and the application absent."""

from __future__ import annotations

import subprocess

from tests.cache.support import PYTHON, python_env

BLOCKER = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"textual", "clinic_desk"}:
            raise ImportError(f"{name} must not be imported by offline_cache")
        return None
sys.meta_path.insert(0, Refuse())
import offline_cache
import pkgutil, importlib
for module in pkgutil.iter_modules(offline_cache.__path__):
    importlib.import_module(f"offline_cache.{module.name}")
print(sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "clinic_desk"}))
"""


def test_offline_cache_imports_without_textual_or_the_app() -> None:
    result = subprocess.run(
        [PYTHON, "-c", BLOCKER], capture_output=True, text=True, env=python_env(), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

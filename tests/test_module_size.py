"""No module over 400 lines, except a data table: a module that defines no function
and no class (the text catalogue, the typed keys, the variant-kanji table)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("clinic_desk", "reader", "offline_cache")
MAX_LINES = 400


def _is_data(tree: ast.Module) -> bool:
    return not any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
        for node in ast.walk(tree)
    )


def test_no_module_over_400_lines_but_data_tables() -> None:
    too_long = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if len(text.splitlines()) > MAX_LINES and not _is_data(ast.parse(text)):
                too_long.append(f"{path.relative_to(REPO)}: {len(text.splitlines())} lines")
    assert too_long == [], "split by concern: " + ", ".join(too_long)


def test_the_text_catalogue_is_data() -> None:
    path = REPO / "clinic_desk" / "texts" / "__init__.py"
    assert _is_data(ast.parse(path.read_text(encoding="utf-8")))

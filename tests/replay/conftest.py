from __future__ import annotations

from pathlib import Path

from clinic_desk import paths


def library() -> list[Path]:
    """Every shipped scenario fixture."""
    return sorted((paths.fixtures_dir() / "scenarios").glob("*.json"))

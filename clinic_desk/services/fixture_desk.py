"""A support scenario fixture run in the real desk."""

from __future__ import annotations

from pathlib import Path

from clinic_desk.services.desk import DeskServices


class FixtureDeskUnavailable(Exception):
    pass


async def build_fixture_services(fixture: Path) -> DeskServices:
    raise FixtureDeskUnavailable("fixture replay in the desk is not available in this build")

"""The production desk: the clinic's reader, gateway and cache, from the configuration."""

from __future__ import annotations

from clinic_desk.config import DeskSettings
from clinic_desk.services.desk import DeskServices


class ProductionUnavailable(Exception):
    pass


async def build_production_services(settings: DeskSettings) -> DeskServices:
    raise ProductionUnavailable("production mode is not available in this build")

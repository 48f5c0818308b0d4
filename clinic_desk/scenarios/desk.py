"""A support scenario fixture run in the real desk (``clinic-desk --fixture FILE``).

The desk is assembled like any other (``services.assembly``): the fixture's virtual
card in-process, a gateway on loopback serving the fixture's data with its faults,
and a temporary cache (primed as the fixture asks). The patient's part is either
played from the fixture by the scenario driver, one step at a time with a pause so
support can follow it on screen ("fixture"), or typed by the person at the keyboard
("live"): the card is on the side panel, where it can be tapped and taken away, and
the gateway can be cut. The fixture's ``drive`` field chooses; ``--drive``
overrides it. When the script runs out or does not fit what the desk asks, the
person at the keyboard takes over.

``prepare_fixture`` reads and checks the fixture before the full-screen desk
starts, so a fixture that cannot run is told on the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clinic_desk.gateway.server import GatewayServerError
from clinic_desk.scenarios.driver import ScenarioDriver, ScenarioEnded
from clinic_desk.scenarios.record import CheckInRecorder
from clinic_desk.scenarios.scenario import ScenarioError
from clinic_desk.scenarios.world import ScenarioWorld, load_world
from clinic_desk.services.assembly import DeskOptions, assemble_desk
from clinic_desk.services.desk import Closer, DeskServices
from clinic_desk.services.embedded_gateway import EmbeddedGateway
from clinic_desk.services.terminal_demo import SimulatedTerminal
from offline_cache.errors import CacheError

log = logging.getLogger("clinic_desk.fixture_desk")

Drive = Literal["fixture", "live"]
FIXTURE_READER = "fixture virtual card"
DESK_ID = "fixture-desk"
# Long enough to read each screen before the next step is played.
DEFAULT_STEP_DELAY = 1.2


class FixtureDeskUnavailable(Exception):
    """The fixture cannot be run in the desk; the message says why in plain words."""


def prepare_fixture(fixture: Path, *, allow_outside_paths: bool = False) -> ScenarioWorld:
    """The fixture read and checked (its card, its gateway's data, the files it names);
    raises FixtureDeskUnavailable. Blocking: call it before the desk starts."""
    try:
        return load_world(fixture, anywhere=allow_outside_paths)
    except ScenarioError as exc:
        raise FixtureDeskUnavailable(str(exc)) from None


@dataclass
class FixtureDesk:
    """The desk's services and, when the fixture drives, the driver playing it."""

    services: DeskServices
    driver: ScenarioDriver | None


async def build_fixture_desk(
    world: ScenarioWorld,
    *,
    drive: Drive | None = None,
    step_delay: float = DEFAULT_STEP_DELAY,
    idle_lock_seconds: float | None = None,
    recorder: CheckInRecorder | None = None,
) -> FixtureDesk:
    """The desk for ``world``, primed; ``services.start()`` starts the driver and
    ``services.stop()`` undoes it all. ``recorder`` records the check-ins after priming."""
    scenario, profile = world.scenario, world.profile
    driving: list[asyncio.Task[object]] = []

    async def start_driver(_services: DeskServices) -> Closer | None:
        if driver is None:
            return None
        driving.append(asyncio.create_task(driver.play(), name="fixture-driver"))

        async def stop_driver() -> None:
            for task in driving:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        return stop_driver

    terminal = world.terminal(DESK_ID) if scenario.gateway.kind == "oqs-files" else None
    gateway: EmbeddedGateway | SimulatedTerminal = terminal or world.embedded_gateway()
    try:
        services = await assemble_desk(
            world.cards(FIXTURE_READER),
            gateway,
            world.cache(DESK_ID),
            DeskOptions(
                kind="fixture",
                desk_id=DESK_ID,
                idle_lock_seconds=idle_lock_seconds,
                transcript=recorder.transcript if recorder is not None else None,
                starters=(start_driver,),
            ),
        )
    except (ScenarioError, GatewayServerError, CacheError) as exc:
        raise FixtureDeskUnavailable(str(exc)) from None
    runner, panel = services.runner, services.demo
    assert panel is not None
    if scenario.cache.prime_by_checkin:
        primer = ScenarioDriver(scenario, profile, runner, panel)
        try:
            await primer.prime_cache(time.monotonic() + scenario.timeout_seconds)
        except ScenarioEnded as ended:
            await services.stop()
            raise FixtureDeskUnavailable(
                f"The fixture's cache could not be primed: {ended.note}."
            ) from None
    gateway.arm()
    if recorder is not None:  # from here on: the priming check-in is not a recording
        recorder.attach(runner)
        services.update_status(recording=True)

    def announce(doing: str) -> None:
        """Say on the status line what the fixture is doing, for the people watching."""
        services.update_status(reader=f"{FIXTURE_READER} · {doing}")

    driver = (
        ScenarioDriver(
            scenario,
            profile,
            runner,
            panel,
            pace=step_delay,
            shared=True,
            announce=announce,
            face_result=terminal.face_result if terminal is not None else None,
        )
        if (drive or scenario.drive) == "fixture"
        else None
    )
    return FixtureDesk(services, driver)

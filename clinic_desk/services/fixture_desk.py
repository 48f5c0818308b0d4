"""A support scenario fixture run in the real desk (``clinic-desk --fixture FILE``).

The desk gets the fixture's virtual card (in-process), a gateway on loopback
serving the fixture's data with its faults, and a temporary cache (primed as
the fixture asks). The patient's part is either played from the fixture, one
step at a time with a pause so support can follow it on screen ("fixture"), or
typed by the person at the keyboard ("live"): the card is on the side panel,
where it can be tapped and taken away, and the gateway can be cut. The
fixture's ``drive`` field chooses; ``--drive`` overrides it. When the script
runs out or does not fit what the desk asks, the person at the keyboard takes
over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Literal

from clinic_desk import paths
from clinic_desk.checkin import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import ENDINGS, WAITING_FOR_PEOPLE, Stage
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.server import GatewayServer, GatewayServerError
from clinic_desk.scenarios.record import record_into
from clinic_desk.scenarios.replay import ReplayEnded, insert_card, prime_cache, remove_card
from clinic_desk.scenarios.scenario import Outcome, Scenario, ScenarioError
from clinic_desk.scenarios.script import RemoveTheCard, StepMisfit, action_for
from clinic_desk.scenarios.world import (
    PROCESSING_RETRY_AFTER,
    card_profile,
    enable_key_store,
    scenario_clock,
    scenario_dataset,
    seed_snapshot,
    temporary_cache,
)
from clinic_desk.services.card import ReaderCardPort
from clinic_desk.services.demo import CardSlot
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.services.gateway import ClientGatewayPort
from clinic_desk.services.store import CacheStorePort
from reader.transcript import Transcript
from reader.transport import InProcessTransport
from reader.virtual_card import pki
from reader.virtual_card.card import VirtualCard
from reader.virtual_card.profile import CardProfile

log = logging.getLogger("clinic_desk.fixture_desk")

Drive = Literal["fixture", "live"]
FIXTURE_READER = "fixture virtual card"
DESK_ID = "fixture-desk"
# Long enough to read each screen before the next step is played.
DEFAULT_STEP_DELAY = 1.2


class FixtureDeskUnavailable(Exception):
    """The fixture cannot be run in the desk; the message says why in plain words."""


class FixtureDeck:
    """The side panel of a fixture desk: its one card, and the gateway switch."""

    def __init__(
        self,
        profile: CardProfile,
        card: VirtualCard,
        slot: CardSlot,
        runner: CheckInRunner,
        server: GatewayServer,
        faults: list[Fault],
    ) -> None:
        self.profile = profile
        self._card = card
        self._slot = slot
        self._runner = runner
        self._server = server
        self._faults = faults
        self.down = False
        self.services: DeskServices | None = None

    def cards(self) -> list[str]:
        return [self.profile.profile_id]

    async def tap(self, card_id: str) -> None:
        if self._slot.card is not None:
            await self.remove()
        await insert_card(self._runner, self._slot, self._card)

    async def remove(self) -> None:
        if self._slot.card is not None:
            await remove_card(self._runner, self._slot)

    async def toggle_gateway(self) -> bool:
        self.down = not self.down
        plan = self._server.state.faults
        plan.clear()
        for fault in [Fault(kind=FaultKind.DOWN)] if self.down else self._faults:
            plan.add(fault)
        if self.services is not None:
            self.services.update_status(gateway_online=not self.down)
        return self.down


class FixtureDriver:
    """Plays the fixture's steps in the desk whenever it waits for people."""

    def __init__(
        self,
        scenario: Scenario,
        profile: CardProfile,
        runner: CheckInRunner,
        deck: FixtureDeck,
        step_delay: float,
    ) -> None:
        self.scenario = scenario
        self.profile = profile
        self.runner = runner
        self.deck = deck
        self.step_delay = step_delay
        self.played = 0
        self.total = len(scenario.steps)
        self.note = ""
        self.done = asyncio.Event()
        self.services: DeskServices | None = None

    def _announce(self, doing: str) -> None:
        """Say on the status line what the fixture is doing, for the people watching."""
        if self.services is not None:
            self.services.update_status(reader=f"{FIXTURE_READER} · {doing}")

    async def run(self) -> None:
        try:
            await self._run()
        except ReplayEnded as ended:
            self.note = ended.note
        finally:
            if self.note:
                log.info("fixture driver stopped: %s", self.note)
            self._announce(
                f"{self.played}/{self.total} steps played"
                + (": over to the desk" if self.note else "")
            )
            self.done.set()

    async def _run(self) -> None:
        await asyncio.sleep(self.step_delay)
        await self.deck.tap(self.profile.profile_id)
        self._announce("card on the reader")
        steps = list(self.scenario.steps)
        deadline = (
            time.monotonic() + self.scenario.timeout_seconds + self.step_delay * (len(steps) + 2)
        )
        while True:
            stage = await self._next_wait(deadline)
            if stage is None:
                return
            if not steps:
                self.note = f"the script has no step left for {stage.value}: over to the desk"
                return
            await asyncio.sleep(self.step_delay)
            if self.runner.machine.stage is not stage:
                continue  # someone at the keyboard answered meanwhile
            step = steps.pop(0)
            try:
                action = action_for(step, self.runner.view(), self.profile)
            except StepMisfit as exc:
                self.note = f"{exc}: over to the desk"
                return
            self.played += 1
            self._announce(f"step {self.played}/{self.total}: {step.do}")
            log.info("fixture step %d: %s at %s", self.played, step.do, stage.value)
            if isinstance(action, RemoveTheCard):
                await self.deck.remove()
            else:
                await self.runner.dispatch(action)

    async def _next_wait(self, deadline: float) -> Stage | None:
        """The waiting stage the desk settles in next, or None when the check-in is over."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                stage = self.runner.machine.stage.value
                raise ReplayEnded(Outcome.TIMED_OUT, f"still {stage} at the deadline")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.runner.settle(), remaining)
            stage = self.runner.machine.stage
            if stage in ENDINGS or stage is Stage.WAITING_FOR_CARD:
                return None
            if stage in WAITING_FOR_PEOPLE:
                return stage
            await asyncio.sleep(0.02)


class FixtureDeskServices(DeskServices):
    """A desk's services with the fixture's driver (None when people drive)."""

    driver: FixtureDriver | None = None


async def build_fixture_services(
    fixture: Path,
    *,
    drive: Drive | None = None,
    step_delay: float = DEFAULT_STEP_DELAY,
    record: Path | None = None,
) -> FixtureDeskServices:
    """The desk's services for ``fixture``, started; ``DeskServices.stop()`` undoes it all."""
    previous_key_store = enable_key_store()
    try:
        scenario = await asyncio.to_thread(Scenario.load, fixture)
        profile = await asyncio.to_thread(card_profile, scenario, fixture)
        dataset = await asyncio.to_thread(scenario_dataset, scenario, profile, fixture)
        server = await asyncio.to_thread(
            GatewayServer(
                dataset,
                processing_retry_after=PROCESSING_RETRY_AFTER,
                max_seconds=None,
                clock=scenario_clock(scenario),
            ).start
        )
    except (ScenarioError, GatewayServerError) as exc:
        pki.use_key_store(previous_key_store)
        raise FixtureDeskUnavailable(str(exc)) from None
    knobs = scenario.gateway.client.model_dump(exclude_none=True)
    client = EligibilityClient(GatewaySettings(base_url=server.url, **knobs))
    workdir = Path(tempfile.mkdtemp(prefix="fixture-", dir=paths.ensure_dir(paths.cache_dir())))
    cache = await asyncio.to_thread(temporary_cache, workdir, DESK_ID)
    slot = CardSlot()
    card = VirtualCard(profile)
    transcript = Transcript()
    runner = CheckInRunner(
        CheckInMachine(),
        ReaderCardPort(InProcessTransport(slot, reader_name=FIXTURE_READER), transcript),
        ClientGatewayPort(client),
        CacheStorePort(cache, desk_id=DESK_ID),
    )

    async def stop_everything() -> None:
        await client.aclose()
        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(cache.close)
        with contextlib.suppress(OSError):
            await asyncio.to_thread(shutil.rmtree, workdir)
        pki.use_key_store(previous_key_store)

    if scenario.cache.seed_snapshot:
        age = timedelta(days=scenario.cache.snapshot_age_days)
        try:
            await asyncio.to_thread(seed_snapshot, cache, profile, dataset, age)
        except ScenarioError as exc:
            runner.close()
            await stop_everything()
            raise FixtureDeskUnavailable(str(exc)) from None
    if scenario.cache.prime_by_checkin:
        deadline = time.monotonic() + scenario.timeout_seconds
        try:
            await prime_cache(runner, slot, card, profile, scenario, deadline)
        except ReplayEnded as ended:
            runner.close()
            await stop_everything()
            raise FixtureDeskUnavailable(
                f"The fixture's cache could not be primed: {ended.note}."
            ) from None
        runner.machine.history.clear()
    faults = scenario.gateway.fault_list()
    for fault in faults:
        server.state.faults.add(fault)
    if record is not None:
        record_into(runner, record, transcript=transcript, title=f"Recorded from {fixture.name}")

    deck = FixtureDeck(profile, card, slot, runner, server, faults)
    mode: Drive = drive or scenario.drive
    driver = (
        FixtureDriver(scenario, profile, runner, deck, step_delay) if mode == "fixture" else None
    )
    tasks: list[asyncio.Task[None]] = []

    async def start_driver(services: DeskServices) -> None:
        if driver is not None:
            tasks.append(asyncio.create_task(driver.run()))

    async def stop_driver() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    services = FixtureDeskServices(
        runner,
        status=DeskStatus(
            reader=FIXTURE_READER,
            card_source="",  # the reader line names the fixture card and the step played
            gateway_online=not any(f.kind is FaultKind.DOWN for f in faults),
            cache="temporary",
            mode="fixture",
        ),
        demo=deck,
        closers=[stop_everything, stop_driver],
        starters=[start_driver],
    )
    deck.services = services
    services.driver = driver
    if driver is not None:
        driver.services = services
    return services

"""Playing a scenario into a desk: one driver for the headless replay and the desk.

The driver puts the scenario's card on the reader through the desk's side panel,
waits until the check-in waits for people, and plays the next step; every wait is
bounded. Headless (``clinic-desk replay``) the steps follow each other at once and
a script that does not fit ends the replay as ``stuck``. In the desk
(``clinic-desk --fixture``) the steps are paced so support can follow them on
screen, the status line says which step was played, and when the script runs out
or does not fit, the person at the keyboard takes over.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.path_events import NumberLookupStarted
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import ENDINGS, WAITING_FOR_PEOPLE, Stage
from clinic_desk.scenarios.path_steps import REOPENED_BY
from clinic_desk.scenarios.scenario import STAGE_OUTCOMES, Outcome, Scenario, Step
from clinic_desk.scenarios.script import RemoveTheCard, StepMisfit, action_for, ordinary_answer
from clinic_desk.services.desk import CardPanel
from reader.virtual_card.profile import CardProfile

log = logging.getLogger("clinic_desk.scenario_driver")

# the simulated face reader: passes a dataset patient, returns the result's id once
# the desk holds it (raises TimeoutError past the deadline, LookupError for no patient)
FaceResultWriter = Callable[[str, float], Awaitable[str]]
# how often a desk shared with people looks again at a check-in that is busy
_SHARED_POLL_SECONDS = 0.02
_MAX_PRIMING_ANSWERS = 20


def _no_longer_asked(step: Step, runner: CheckInRunner) -> bool:
    """A consent the desk does not ask for: a card whose certificate allows eligibility
    only has no medication history to consent to (fixtures recorded with it replay)."""
    result = runner.view().result
    note = result.medications_note if result is not None else ""
    return step.do == "consent" and note == "certificate_eligibility_only"


class ScenarioEnded(Exception):
    """The scenario ended before the check-in did (stuck, timed out)."""

    def __init__(self, outcome: Outcome, note: str) -> None:
        super().__init__(note)
        self.outcome = outcome
        self.note = note


@dataclass(frozen=True)
class Played:
    """How playing a scenario ended."""

    outcome: Outcome
    note: str  # why it is stuck or timed out, or the steps left unplayed
    played: int

    @property
    def handed_over(self) -> bool:
        """True when the script stopped before the check-in ended."""
        return self.outcome in (Outcome.STUCK, Outcome.TIMED_OUT)


class ScenarioDriver:
    """Plays ``scenario`` into the desk of ``runner`` and ``panel``.

    ``pace`` is the pause before each step (0 headless). ``shared``: people at the
    keyboard may answer too, so a stage that moved on during the pause is not played
    into, and a busy check-in is waited for. ``announce`` tells the status line.
    """

    def __init__(
        self,
        scenario: Scenario,
        profile: CardProfile,
        runner: CheckInRunner,
        panel: CardPanel,
        *,
        pace: float = 0.0,
        shared: bool = False,
        announce: Callable[[str], None] | None = None,
        face_result: FaceResultWriter | None = None,
    ) -> None:
        self.scenario = scenario
        self.profile = profile
        self.runner = runner
        self.panel = panel
        self.pace = pace
        self.shared = shared
        self._announce = announce or (lambda _doing: None)
        self.face_result = face_result  # the simulated face reader (start "face")
        self.total = len(scenario.steps)
        self.played = 0
        self.note = ""
        self.done = asyncio.Event()

    def deadline(self) -> float:
        """When the scenario must have ended, its pauses included."""
        pauses = self.pace * (self.total + 2)
        return time.monotonic() + self.scenario.timeout_seconds + pauses

    async def prime_cache(self, deadline: float) -> None:
        """An ordinary check-in first (the cache then holds the card's confirmed record);
        raises ScenarioEnded when it does not end shown."""
        runner = self.runner
        await self.panel.tap(self.profile.profile_id)
        consent = self.scenario.cache.prime_with_consent
        for _ in range(_MAX_PRIMING_ANSWERS):
            await self._settle(deadline)
            stage = runner.machine.stage
            if stage in ENDINGS or stage not in WAITING_FOR_PEOPLE:
                break
            action = ordinary_answer(runner.view(), self.profile, consent)
            assert not isinstance(action, RemoveTheCard)
            await runner.dispatch(action)
        if runner.machine.stage is not Stage.SHOWN:
            raise ScenarioEnded(
                Outcome.STUCK, f"priming the cache ended {runner.machine.stage.value}, not shown"
            )
        await runner.dispatch(ev.Done())
        await self.panel.remove()
        await self._settle(deadline)
        runner.machine.history.clear()

    async def play(self, deadline: float | None = None) -> Played:
        """Put the card on the reader and play the steps until the check-in ends."""
        steps = list(self.scenario.steps)
        until = deadline if deadline is not None else self.deadline()
        try:
            await self._pause()
            await self._start(until)
            while (stage := await self._next_wait(until, steps)) is not None:
                if not steps:
                    raise ScenarioEnded(
                        Outcome.STUCK, f"the script has no step left for {stage.value}"
                    )
                await self._pause()
                if self.shared and self.runner.machine.stage is not stage:
                    continue  # someone at the keyboard answered meanwhile
                step = steps.pop(0)
                try:
                    action = action_for(step, self.runner.view(), self.profile)
                except StepMisfit as exc:
                    raise ScenarioEnded(Outcome.STUCK, str(exc)) from None
                self.played += 1
                self._announce(f"step {self.played}/{self.total}: {step.do}")
                if isinstance(action, RemoveTheCard):
                    await self.panel.remove()
                else:
                    await self.runner.dispatch(action)
        except ScenarioEnded as ended:
            return self._finish(Played(ended.outcome, ended.note, self.played))
        steps = [step for step in steps if not _no_longer_asked(step, self.runner)]
        note = f"{len(steps)} step(s) left unplayed" if steps else ""
        return self._finish(Played(STAGE_OUTCOMES[self.runner.machine.stage], note, self.played))

    async def _start(self, deadline: float) -> None:
        arrival = self.scenario.face
        if self.scenario.start == "face" and arrival is not None:
            if self.face_result is None:
                raise ScenarioEnded(Outcome.STUCK, "this desk has no face reader to pass")
            try:
                result_id = await self.face_result(arrival.patient, deadline)
            except (TimeoutError, LookupError) as exc:
                raise ScenarioEnded(Outcome.STUCK, str(exc)) from None
            await self.runner.dispatch(arrival.event(result_id))
            self._announce("face reader result opened")
            return
        if self.scenario.start == "numbers":
            await self.runner.dispatch(NumberLookupStarted())
            self._announce("number form opened")
            return
        await self.panel.tap(self.profile.profile_id)
        self._announce("card on the reader")

    def _finish(self, played: Played) -> Played:
        if played.handed_over:
            self.note = played.note
            log.info("scenario driver stopped: %s", played.note)
        self._announce(
            f"{played.played}/{self.total} steps played"
            + (": over to the desk" if played.handed_over else "")
        )
        self.done.set()
        return played

    async def _pause(self) -> None:
        if self.pace > 0:
            await asyncio.sleep(self.pace)

    async def _settle(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        try:
            await asyncio.wait_for(self.runner.settle(), max(remaining, 0.001))
        except TimeoutError:
            raise ScenarioEnded(
                Outcome.TIMED_OUT, f"still {self.runner.machine.stage.value} at the deadline"
            ) from None

    async def _next_wait(self, deadline: float, steps: list[Step]) -> Stage | None:
        """The waiting stage the desk settles in next, or None when the check-in is over
        (an ending the next step opens again, such as the 申立書 after the paper form,
        counts as waiting)."""
        while True:
            await self._settle(deadline)
            stage = self.runner.machine.stage
            if steps and steps[0].do in REOPENED_BY.get(stage, ()):
                return stage
            if stage in ENDINGS or stage is Stage.WAITING_FOR_CARD:
                return None
            if stage in WAITING_FOR_PEOPLE:
                return stage
            if not self.shared:
                raise ScenarioEnded(
                    Outcome.STUCK, f"settled at {stage.value}, which waits for nobody"
                )
            await asyncio.sleep(_SHARED_POLL_SECONDS)  # a person's answer is under way

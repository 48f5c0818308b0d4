"""Both sides of the counter in one test: the desk (DeskApp with the demo's services) and
the patient display (PatientDisplayApp), paired over a real Unix socket, each driven
through its own Pilot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from textual._context import active_app
from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin import Stage
from clinic_desk.patient.link import PatientDisplayLink
from clinic_desk.patient.view import PatientStage
from clinic_desk.patient_app.app import PatientDisplayApp
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.desk import DeskServices
from clinic_desk.texts import Lang
from tests.patient.support import BOUND, screen_text, socket_folder

DESK_SIZE = (120, 36)
DISPLAY_SIZE = (80, 24)


@dataclass
class Display:
    app: PatientDisplayApp
    pilot: Pilot[None]
    frames: list[str] = field(default_factory=list)

    def text(self) -> str:
        return screen_text(self.app)

    @property
    def stage(self) -> PatientStage | None:
        return self.app.view.stage if self.app.view is not None else None

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()


@dataclass
class Counter:
    desk: DeskApp
    desk_pilot: Pilot[None]
    services: DeskServices
    socket: Path
    display: Display

    @property
    def link(self) -> PatientDisplayLink:
        link = self.desk.patient_side.link
        assert link is not None
        return link

    @property
    def stage(self) -> Stage:
        return self.services.runner.machine.stage

    def desk_text(self) -> str:
        return screen_text(self.desk)

    def desk_says(self) -> str:
        """The desk's prompt and detail (the desk's main column), as one line."""
        screen = self.desk.screen
        parts = (screen.query_one(f"#{part}", Prose).text for part in ("prompt", "detail"))
        return " ".join(" ".join(parts).split())

    async def until(self, done: Callable[[], bool], what: str = "") -> None:
        """Wait (bounded) until ``done``; both apps keep running meanwhile."""
        deadline = time.monotonic() + BOUND
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited for {what or done}; desk at {self.stage}")
            await asyncio.sleep(0.02)
        await self.services.runner.settle()
        await self.desk_pilot.pause()
        await self.display.pilot.pause()

    async def shown(self, stage: PatientStage, display: Display | None = None) -> None:
        """Until the display shows ``stage`` and is up to date with the desk."""
        shown = display or self.display
        await self.until(
            lambda: shown.stage is stage and shown.app.seq == self.link.seq,
            f"the display at {stage}",
        )

    async def tap(self, card_id: str) -> None:
        """The demo's card on the reader, as the desk's panel would tap it.

        Two apps run in this test: a call into the desk from the test itself is made
        with the desk as Textual's active app (each app's own tasks carry their own).
        """
        assert self.services.demo is not None
        token = active_app.set(self.desk)
        try:
            await self.services.demo.tap(card_id)
        finally:
            active_app.reset(token)

    async def desk_press(self, *keys: str) -> None:
        await self.desk_pilot.press(*keys)
        await self.desk_pilot.pause()

    @asynccontextmanager
    async def another_display(self, lang: Lang = "en") -> AsyncIterator[Display]:
        app = PatientDisplayApp(self.socket, lang=lang, retry_seconds=0.05)
        async with app.run_test(size=DISPLAY_SIZE) as pilot:
            yield Display(app, pilot)


@asynccontextmanager
async def counter(lang: Lang = "en", display_lang: Lang = "en") -> AsyncIterator[Counter]:
    services = await build_demo_services(card_source="in_process")
    with socket_folder() as folder:
        socket = folder / "run" / "patient-display.sock"
        desk = DeskApp(services, lang=lang, patient_display=socket)
        try:
            async with desk.run_test(size=DESK_SIZE) as desk_pilot:
                await _listening(desk)
                display_app = PatientDisplayApp(socket, lang=display_lang, retry_seconds=0.05)
                async with display_app.run_test(size=DISPLAY_SIZE) as display_pilot:
                    display = Display(display_app, display_pilot)
                    display_app.frame_observer = lambda app: display.frames.append(screen_text(app))
                    built = Counter(desk, desk_pilot, services, socket, display)
                    await built.until(lambda: built.link.paired, "pairing")
                    await built.shown(PatientStage.WELCOME)
                    yield built
        finally:
            await services.stop()


async def _listening(desk: DeskApp) -> None:
    deadline = time.monotonic() + BOUND
    while desk.patient_side.link is None or not desk.patient_side.link.listening:
        assert time.monotonic() < deadline, "the desk does not listen for a display"
        await asyncio.sleep(0.02)

"""The Textual application: owns the screens, hands answers to the check-in runner."""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType

from clinic_desk.app.base import LocalisedApp
from clinic_desk.app.idle import IdleClock, events_to_clear
from clinic_desk.app.patient_side import PatientSide
from clinic_desk.app.screens.starting import StartingScreen
from clinic_desk.texts import Lang

if TYPE_CHECKING:  # imported when the desk's screen is shown: not before the first frame
    from clinic_desk.app.screens.desk import DeskScreen
    from clinic_desk.checkin import DeskView
    from clinic_desk.checkin import events as ev
    from clinic_desk.checkin.path_events import FaceCheckInChosen
    from clinic_desk.services.desk import DeskServices

# the desk's screen with the paths without a PIN (a subclass of the card desk)
DESK_SCREEN = "clinic_desk.app.screens.path_desk"

ServicesFactory = Callable[[], Awaitable["DeskServices"]]


class DeskApp(LocalisedApp):
    """The reception desk. Services come in through the constructor, so tests and
    the demo hand in virtual cards, an embedded gateway and a temporary cache.

    Given a factory instead, the desk draws its first frame at once and builds the
    services (heavy imports, the gateway client, the cache) in a worker.
    """

    CSS_PATH = "desk.tcss"
    TITLE = "clinic-desk"
    BINDINGS: ClassVar[list[BindingType]] = [
        # a desk on a 資格確認端末: the oldest face-reader check-in waiting
        Binding("f", "face_checkin", "Face reader check-in", id="app.face", show=False),
    ]

    def __init__(
        self,
        services: DeskServices | ServicesFactory,
        *,
        lang: Lang = "en",
        idle_lock_seconds: float | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        patient_display: Path | None = None,
    ) -> None:
        super().__init__(lang)
        self._idle_clock = idle_clock
        # idle this long (no key, no stage change): back to waiting for a card; by
        # default as long as the desk's services say (the same for every desk kind)
        self.idle = IdleClock(idle_lock_seconds, idle_clock) if idle_lock_seconds else None
        # the patient display pairs through this socket (None: the desk has none)
        self.patient_side = PatientSide(patient_display)
        if self.patient_side.link is not None:
            self.patient_side.link.dispatch = self.dispatch
            self.patient_side.link.on_change = self._patient_display_changed
        self.idle_check_seconds = 1.0
        self._idle_timer_started = False
        self.services: DeskServices | None = None
        self._factory: ServicesFactory | None = None
        self._desk_screen: DeskScreen | None = None
        if callable(services):
            self._factory = services
        else:
            self.services = services

    def on_mount(self) -> None:
        self.run_worker(self._start_patient_side(), name="patient-display", group="patient")
        self._start_idle_lock()
        if self.services is not None:
            self._show_desk()
            self._attach_services(self.services)
            return
        if DESK_SCREEN in sys.modules:
            self._show_desk()  # imported already (a desk started before in this process)
        else:
            # the first frame at once; the desk's screen and services come after it
            self.push_screen(StartingScreen(self.lang))
        self.run_worker(self._build(), name="desk-build", group="services")

    def _show_desk(self) -> None:
        desk = importlib.import_module(DESK_SCREEN)  # imported already: a dictionary look-up
        screen = self._desk_screen = desk.PathDeskScreen(self.lang)
        if isinstance(self.screen, StartingScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    async def _build(self) -> None:
        assert self._factory is not None
        if self._desk_screen is None:
            await asyncio.to_thread(importlib.import_module, DESK_SCREEN)
            self._show_desk()
        try:
            services = await self._factory()
        except Exception as exc:  # a desk that cannot start says why, in words
            screen = self.desk_screen
            if screen is not None:
                screen.show_startup_error(str(exc) or type(exc).__name__)
            return
        self.services = services
        self._attach_services(services)

    def _start_idle_lock(self) -> None:
        if self.idle is not None and not self._idle_timer_started:
            self._idle_timer_started = True
            self.set_interval(self.idle_check_seconds, self._clear_if_idle, name="idle-lock")

    def _attach_services(self, services: DeskServices) -> None:
        if self.idle is None and services.idle_lock_seconds:
            self.idle = IdleClock(services.idle_lock_seconds, self._idle_clock)
        self._start_idle_lock()
        services.runner.on_view = self._view_changed
        services.on_status = self.refresh_status
        self.patient_side.publish(services.runner.view())
        if services.faces is not None:
            services.faces.listen(self._face_arrived)
        screen = self.desk_screen
        if screen is not None:
            screen.services_ready(services)
        self.run_worker(services.start(), name="desk-start", group="services")
        self.refresh_status()

    async def on_unmount(self) -> None:
        await self.patient_side.stop()
        if self.services is not None:
            await self.services.stop()

    async def _start_patient_side(self) -> None:
        await self.patient_side.start()
        self.refresh_status()

    @property
    def desk_screen(self) -> DeskScreen | None:
        screen = self._desk_screen
        return screen if screen is not None and screen in self.screen_stack else None

    async def dispatch(self, event: ev.Event) -> None:
        if self.services is not None:
            await self.services.runner.dispatch(event)

    def refresh_status(self) -> None:
        screen = self.desk_screen
        if screen is not None and screen.is_mounted and self.services is not None:
            status = self.services.status()
            display = self.patient_side.state()
            screen.show_status(status.model_copy(update={"patient_display": display}))

    async def on_event(self, event: events.Event) -> None:
        if self.idle is not None and isinstance(event, events.Key | events.MouseDown):
            self.idle.touch()
        await super().on_event(event)

    async def _clear_if_idle(self) -> None:
        if self.idle is None or self.services is None or not self.idle.expired():
            return
        for event in events_to_clear(self.services.runner.machine.stage):
            await self.dispatch(event)
        self.idle.touch()

    def _face_arrived(self, result_id: str) -> None:
        """A result from the face reader: its form opens at once on an idle desk (else
        F opens the oldest waiting once the desk is free)."""
        from clinic_desk.checkin import Stage

        idle = self.services is not None and self.services.runner.machine.stage is (
            Stage.WAITING_FOR_CARD
        )
        if idle and self.desk_screen is not None and self.screen is self.desk_screen:
            self._open_face(result_id)

    def action_face_checkin(self) -> None:
        faces = self.services.faces if self.services is not None else None
        oldest = faces.desk.oldest() if faces is not None and faces.desk is not None else None
        if oldest is not None and self.desk_screen is not None and self.screen is self.desk_screen:
            self._open_face(oldest)

    def _open_face(self, result_id: str) -> None:
        from clinic_desk.app.screens.face import FaceScreen

        async def chosen(event: FaceCheckInChosen | None) -> None:
            if event is not None:
                await self.dispatch(event)

        self.push_screen(FaceScreen(result_id, self.lang), chosen)

    def _view_changed(self, view: DeskView) -> None:
        self.patient_side.publish(view)
        if self.idle is not None:
            self.idle.touch()
        screen = self.desk_screen
        if screen is not None and screen.is_mounted:
            screen.show_view(view)
        self.refresh_status()

    def _patient_display_changed(self) -> None:
        """A display paired or left: the patient's questions move to it or back."""
        screen = self.desk_screen
        if screen is not None and screen.is_mounted:
            screen.show_view(screen.current)
            screen.refresh_bindings()  # Y/N move with the questions
        self.refresh_status()

"""The Textual application: owns the screens, hands answers to the check-in runner."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.screens.desk import DeskScreen
from clinic_desk.app.strings import Lang
from clinic_desk.checkin import DeskView
from clinic_desk.checkin import events as ev
from clinic_desk.services.desk import DeskServices


class DeskApp(App[None]):
    """The reception desk. Services come in through the constructor, so tests and
    the demo hand in virtual cards, an embedded gateway and a temporary cache."""

    CSS_PATH = "desk.tcss"
    TITLE = "clinic-desk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)
    ]

    def __init__(self, services: DeskServices, *, lang: Lang = "en") -> None:
        super().__init__()
        self.services = services
        self.lang = lang
        self.animation_level = "none"
        localise_bindings(self, lang)

    def on_mount(self) -> None:
        self.services.runner.on_view = self._view_changed
        self.push_screen(DeskScreen(self.lang))
        self.services.on_status = self.refresh_status
        self.services.on_card_event = self._card_event_from_thread
        self.run_worker(self.services.start(), name="desk-start", group="services")
        self.refresh_status()

    async def on_unmount(self) -> None:
        await self.services.stop()

    @property
    def desk_screen(self) -> DeskScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                return screen
        return None

    async def dispatch(self, event: ev.Event) -> None:
        await self.services.runner.dispatch(event)

    def refresh_status(self) -> None:
        screen = self.desk_screen
        if screen is not None and screen.is_mounted:
            screen.show_status(self.services.status())

    def _view_changed(self, view: DeskView) -> None:
        screen = self.desk_screen
        if screen is not None and screen.is_mounted:
            screen.show_view(view)
        self.refresh_status()

    def _card_event_from_thread(self, event: ev.Event) -> None:
        # card monitors run in their own thread; hand the event to the loop
        self.call_from_thread(self.run_worker, self.dispatch(event), group="card-events")

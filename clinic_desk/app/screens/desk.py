"""The reception screen: renders the check-in's DeskView, sends answers back.

Keys that start or end a check-in are explicit (D, Esc, the patient's Y/N, the
receptionist's A/R/C); Enter only submits the field that is shown, and taps a demo
card only while the desk waits for a card. Digits typed while the card is being read
go into the PIN field, there from the tap on (the demo panel hands on the first ones);
the birthdate typed right after the patient's Y waits for its field (``desk_ahead``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import SecretStr
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.dates import parse_typed_date
from clinic_desk.app.screens import desk_text
from clinic_desk.app.screens.desk_ahead import BirthdateAhead
from clinic_desk.app.screens.desk_keys import DESK_BINDINGS, PIN_STAGES, allowed_keys
from clinic_desk.app.widgets.demo_panel import GATEWAY_TOGGLE, REMOVE_CARD, CardList, DemoPanel
from clinic_desk.app.widgets.digits_input import DigitsInput
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.app.widgets.result_view import ALL_CLASSES, ResultView, outcome_classes
from clinic_desk.app.widgets.status_bar import StatusBar
from clinic_desk.checkin import ENDINGS, CheckInResult, DeskView, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.services.desk import CardPanel, DeskServices, DeskStatus
from clinic_desk.texts import Lang, t

if TYPE_CHECKING:
    from clinic_desk.app.app import DeskApp
    from clinic_desk.domain.reverification import VisitAttention

# stages in which the PIN field is shown: typing may start while the card is read
RESULT_STAGES = frozenset({Stage.SHOWN, Stage.OFFLINE_SHOWN})
NARROW = 100  # columns


class DeskScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = DESK_BINDINGS

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang
        self._ready_for_services = False
        self._startup_error = ""
        self._shown_result: CheckInResult | None = None
        self._tapping = False  # a demo card is on its way to the reader
        self._submit_when_ready = False  # Enter was typed while the card was read
        self._pin = desk_text.PinWatch()
        self._ahead = BirthdateAhead(self._submit_birthdate)
        localise_bindings(self, lang)
        self.current: DeskView = DeskView(stage=Stage.WAITING_FOR_CARD)

    @property
    def desk(self) -> DeskApp:
        from clinic_desk.app.app import DeskApp

        assert isinstance(self.app, DeskApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusBar(self.lang, id="status")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Prose(id="notices", collapse=True)
                yield Prose(id="prompt")
                yield Prose(id="detail", collapse=True)
                yield DigitsInput(
                    placeholder=t("pin.placeholder", self.lang),
                    password=True,
                    max_length=4,
                    id="pin",
                )
                yield DigitsInput(
                    accepts="0123456789/-",
                    placeholder=t("birthdate.placeholder", self.lang),
                    max_length=10,
                    id="birthdate",
                )
                yield Prose(id="flash", collapse=True)
                yield ResultView(self.lang, id="result")
                yield Prose(id="next")
            yield DemoPanel(self.lang, id="demo")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("title", self.lang)
        self.query_one("#demo").display = False
        self.show_view(self.current)
        self._prose("#prompt").show(t("starting", self.lang))
        self._ready_for_services = True
        if self._startup_error:
            self.show_startup_error(self._startup_error)
        if self.desk.services is not None:
            self.services_ready(self.desk.services)

    def _prose(self, selector: str) -> Prose:
        return self.query_one(selector, Prose)

    def show_startup_error(self, message: str) -> None:
        self._startup_error = message
        if self._ready_for_services:
            self._prose("#prompt").show(t("startup_failed", self.lang, message=message))

    def services_ready(self, services: DeskServices) -> None:
        """The desk's services are up: show their status and the demo panel."""
        if not self._ready_for_services:
            return  # on_mount calls back
        demo = services.demo
        panel = self.query_one(DemoPanel)
        panel.display = demo is not None
        if demo is not None:
            panel.attach(demo)
        self.show_status(services.status())
        self.show_view(services.runner.view())
        self._focus_default()

    def _fit_panel(self) -> None:
        """Below 100 columns the demo panel gives its room to a result."""
        services = self.desk.services if self._ready_for_services else None
        has_panel = services is not None and services.demo is not None
        narrow = self.app.size.width < NARROW
        self.query_one(DemoPanel).display = has_panel and not (
            narrow and self.current.stage in RESULT_STAGES
        )

    def on_resize(self) -> None:
        if self._ready_for_services:
            self._fit_panel()

    def _focus_default(self) -> None:
        """Waiting for a card, the demo panel (when there is one) has the keys; during a
        check-in nothing does, so a stray Enter or arrow cannot tap a card."""
        panel = self.query_one(DemoPanel)
        idle = self.current.stage is Stage.WAITING_FOR_CARD and not self._tapping
        if idle and panel.display and self.desk.services is not None:
            panel.options.focus()
        else:
            self.set_focus(None)

    # -- rendering -----------------------------------------------------------
    def show_status(self, status: DeskStatus) -> None:
        self.query_one(StatusBar).show(status)
        self._show_notices(status.attention)
        self._refresh_keys()

    def _show_notices(self, attention: tuple[VisitAttention, ...]) -> None:
        stage = self.current.stage
        notices = self._prose("#notices")
        if not attention or not (stage is Stage.WAITING_FOR_CARD or stage in ENDINGS):
            notices.show("")
            return
        notices.show(desk_text.notices(attention, self.lang))

    def show_view(self, view: DeskView) -> None:
        before = self.current
        self.current = view
        lang = self.lang
        stage = view.stage
        if stage is not Stage.WAITING_FOR_CARD:
            self._tapping = False
        if stage is not before.stage:
            self.flash("")
        self._pin.see(before, view)
        self._ahead.see(stage)
        on_display = self.desk.patient_side.asks_patient(view)  # the patient display asks
        self._prose("#prompt").show(desk_text.prompt(view, lang, on_display, self._tapping))
        if stage is Stage.PIN_ENTRY:
            lines = desk_text.pin_lines(view, lang, wrong=self._pin.wrong, kept=self._pin.kept)
            self._prose("#detail").show("\n".join(lines))
        else:
            self._prose("#detail").show(desk_text.detail(view, lang, on_display=on_display))
        self.set_class(stage is Stage.OFFLINE_SHOWN, "-offline")
        self.set_class(stage in (Stage.WITHHELD, Stage.PAPER_FORM, Stage.PIN_BLOCKED), "-stop")
        self.remove_class(*ALL_CLASSES)
        if view.outcome is not None and stage in (Stage.SHOWN, Stage.WITHHELD, Stage.PAPER_FORM):
            self.add_class(*outcome_classes(view.outcome, None))

        self._fit_panel()  # before the focus: after D at 80 columns the panel is back
        pin = self.query_one("#pin", Input)
        pin.display = (
            (stage in PIN_STAGES or self._tapping)
            and not self.desk.patient_side.paired
            and not view.pin_on_pad  # typed on the reader's PIN pad
        )
        birthdate = self.query_one("#birthdate", Input)
        birthdate.display = stage is Stage.CONFIRMING_BIRTHDATE and not on_display
        if not pin.display:
            pin.value = ""
            self._submit_when_ready = False
        if not birthdate.display:
            birthdate.value = ""
        self._fit_panel()  # before the focus: a panel hidden for a result may take the keys
        if pin.display:
            pin.focus()
            self.call_later(self.on_card_list_typed_ahead)
        elif birthdate.display:
            self.set_focus(birthdate)  # at once: keys typed ahead follow the ones kept
            self._ahead.feed(birthdate)
        elif self.focused in (pin, birthdate) or self.focused is None or stage is not before.stage:
            self._focus_default()

        result = self.query_one(ResultView)
        result.display = view.result is not None
        if view.result != self._shown_result:  # costly to rebuild: only on change
            self._shown_result = view.result
            result.show(view.result)
        self._prose("#next").show(t("next.clear", lang) if stage in ENDINGS else "")
        if stage is Stage.WAITING_FOR_CARD or stage in ENDINGS:
            self.query_one(DemoPanel).refresh_labels()
        services = self.desk.services
        self._show_notices(services.status().attention if services is not None else ())
        if stage is Stage.PIN_ENTRY and before.stage is Stage.READING:
            self._submit_typed_ahead(pin)
        self._refresh_keys(before)

    async def on_card_list_typed_ahead(self, _: CardList.TypedAhead | None = None) -> None:
        pin = self.query_one("#pin", Input)  # keys typed before it had the focus
        if pin.display and self.query_one(DemoPanel).options.feed(pin):
            await self._submit_pin(pin)

    def _submit_typed_ahead(self, pin: Input) -> None:
        """Enter typed while the card was read: send the PIN now that it can go."""
        if self._submit_when_ready and len(pin.value) == 4:
            self._submit_when_ready = False
            self.call_later(self._submit_pin, pin)

    def flash(self, text: str) -> None:
        """A short message about a key that cannot act now (cleared at the next stage)."""
        self._prose("#flash").show(text)

    def _refresh_keys(self, before: DeskView | None = None) -> None:
        # The footer rebuilds on every refresh_bindings(): only when the keys change.
        if before is None or self._allowed(before) != self._allowed(self.current):
            self.refresh_bindings()
        if self._ready_for_services:
            self.query_one(KeyBar).show_for(self, hidden=self._hidden_keys())

    def _hidden_keys(self) -> set[str]:
        """Keys that work (they say why not) but are not offered now."""
        hidden: set[str] = set()
        if not self._review_available():
            hidden.add("manager_review")
        if not self.current.needs_last_try_confirmation:
            hidden.add("confirm_last_try")
        return hidden

    def _review_available(self) -> bool:
        from clinic_desk.app.screens.review import review_cache

        return self.current.stage is Stage.WAITING_FOR_CARD and review_cache(self.desk) is not None

    def on_descendant_focus(self) -> None:
        self._refresh_keys(self.current)

    on_descendant_blur = on_screen_resume = on_descendant_focus  # the keys follow the focus

    # -- actions -------------------------------------------------------------
    def _allowed(self, view: DeskView) -> dict[str, bool]:
        services = self.desk.services if self.is_attached else None
        return allowed_keys(
            view,
            attention=bool(services is not None and services.status().attention),
            on_display=self.is_attached and self.desk.patient_side.asks_patient(view),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm_last_try" and self._tapping:  # the PIN field is already there
            return True
        return self._allowed(self.current).get(action, True)

    async def action_answer(self, yes: bool) -> None:
        if self.current.stage is Stage.CONFIRMING_NAME:
            await self.desk.dispatch(ev.NameAnswered(is_me=yes))
        elif self.current.stage is Stage.CONSENT:
            await self.desk.dispatch(ev.ConsentAnswered(consent=yes))

    async def action_confirm_last_try(self) -> None:
        if not self.current.needs_last_try_confirmation:  # e.g. the card is still being read
            self.flash(t("pin.last_try.not_now", self.lang))
            return
        await self.desk.dispatch(ev.LastTryConfirmed())

    async def action_staff(self, accept: bool) -> None:
        await self.desk.dispatch(ev.StaffDecided(accept=accept))

    async def action_done(self) -> None:
        await self.desk.dispatch(ev.Done())

    async def action_cancel(self) -> None:
        await self.desk.dispatch(ev.Cancelled())

    def action_seen(self) -> None:
        if self.desk.services is not None:
            self.desk.services.attention_seen()

    def action_scroll_list(self, how: str) -> None:
        medications = self.query_one(ResultView).medications
        scroll = {
            "up": medications.scroll_up,
            "down": medications.scroll_down,
            "page_up": medications.scroll_page_up,
            "page_down": medications.scroll_page_down,
            "home": medications.scroll_home,
            "end": medications.scroll_end,
        }.get(how)
        if medications.display and scroll is not None:
            scroll(animate=False)

    def action_help(self) -> None:
        from clinic_desk.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

    def action_manager_review(self) -> None:
        from clinic_desk.app.screens.review import open_from_desk

        if self.desk.services is None:
            self.flash(t("desk.not_ready", self.lang))
        elif self.current.stage is not Stage.WAITING_FOR_CARD or self._tapping:
            self.flash(t("desk.review_not_now", self.lang))
        else:
            open_from_desk(self.desk, self.lang)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if message.input.id == "pin":
            await self._submit_pin(message.input)
        elif message.input.id == "birthdate":
            await self._submit_birthdate(message.input)

    def on_key(self, event: events.Key) -> None:
        asks = self._allowed(self.current)["answer"]
        field = self.query_one("#birthdate", Input)
        self._ahead.key(event, self.current.stage, field, asks=asks)

    async def _submit_birthdate(self, field: Input) -> None:
        typed = parse_typed_date(field.value)
        field.value = ""
        if typed is None:
            self._prose("#detail").show(t("birthdate.invalid", self.lang))
            return
        await self.desk.dispatch(ev.BirthdateTyped(birthdate=typed))

    async def _submit_pin(self, field: Input) -> None:
        view = self.current
        if view.stage is not Stage.PIN_ENTRY:  # the card is still being read: send it then
            self._submit_when_ready = True
            return
        if view.needs_last_try_confirmation:  # the digits stay until the receptionist's C
            self._pin.kept = True
            self.show_view(view)
            return
        value = field.value
        if len(value) != 4:
            self.flash(t("pin.four_digits", self.lang))
            return
        field.value = ""
        await self.desk.dispatch(ev.PinEntered(pin=SecretStr(value)))

    async def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        services = self.desk.services
        demo = services.demo if services is not None else None
        option_id = message.option.id
        if demo is None or option_id is None:
            return
        panel = self.query_one(DemoPanel)
        if option_id == GATEWAY_TOGGLE:
            panel.gateway_toggled(await demo.toggle_gateway())
            self.desk.refresh_status()
        elif option_id == REMOVE_CARD:
            await demo.remove()
        elif self.current.stage is not Stage.WAITING_FOR_CARD or self._tapping:
            self.flash(t("desk.finish_first", self.lang))
        else:
            self._tapping = True  # "Reading the card…" at once, the PIN field ready
            self.show_view(self.current)
            # in a worker: the screen keeps taking keys while the card is made and read
            self.run_worker(self._tap(demo, option_id), group="demo-tap", exclusive=True)

    async def _tap(self, demo: CardPanel, card_id: str) -> None:
        try:
            await demo.tap(card_id)
        except Exception:
            self._tapping = False  # the card never reached the reader
            self.show_view(self.current)
            raise

"""The reception screen: renders the check-in's DeskView, sends answers back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import SecretStr
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.dates import parse_typed_date
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.result_view import (
    ALL_CLASSES,
    ResultView,
    outcome_classes,
    outcome_headline,
    outcome_next_step,
)
from clinic_desk.app.widgets.status_bar import StatusBar
from clinic_desk.checkin import ENDINGS, CheckInResult, DeskView, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.services.desk import DeskServices, DeskStatus
from clinic_desk.texts import Lang, has_text, t
from clinic_desk.texts.patient import dt

if TYPE_CHECKING:
    from clinic_desk.app.app import DeskApp

GATEWAY_TOGGLE = "__gateway__"
REMOVE_CARD = "__remove__"


class DeskScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="desk.yes"),
        Binding("n", "answer(False)", "No", id="desk.no"),
        Binding("c", "confirm_last_try", "Allow last try", id="desk.confirm_last_try"),
        Binding("a", "staff(True)", "Accept", id="desk.accept"),
        Binding("r", "staff(False)", "Reject", id="desk.reject"),
        Binding("d", "done", "Next patient", id="desk.done"),
        Binding("escape", "cancel", "Cancel", id="desk.cancel"),
        Binding("f1", "help", "Help", id="desk.help"),
        Binding("m,f2", "manager_review", "Manager review", id="desk.manager_review"),
    ]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang
        self._ready_for_services = False
        self._startup_error = ""
        self._shown_result: CheckInResult | None = None
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
                yield Static("", id="prompt", markup=False)
                yield Static("", id="detail", markup=False)
                yield Input(
                    placeholder=t("pin.placeholder", self.lang),
                    password=True,
                    restrict=r"[0-9]*",
                    max_length=4,
                    id="pin",
                )
                yield Input(
                    placeholder=t("birthdate.placeholder", self.lang),
                    restrict=r"[0-9/\-]*",
                    max_length=10,
                    id="birthdate",
                )
                yield ResultView(self.lang, id="result")
                yield Static("", id="next", markup=False)
            with Vertical(id="demo"):
                yield Static(t("demo.title", self.lang), id="demo-title", markup=False)
                yield OptionList(id="demo-cards")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("title", self.lang)
        self.show_view(self.current)
        self.query_one("#prompt", Static).update(t("starting", self.lang))
        self._ready_for_services = True
        if self._startup_error:
            self.show_startup_error(self._startup_error)
        if self.desk.services is not None:
            self.services_ready(self.desk.services)

    def show_startup_error(self, message: str) -> None:
        self._startup_error = message
        if self._ready_for_services:
            self.query_one("#prompt", Static).update(
                t("startup_failed", self.lang, message=message)
            )

    def services_ready(self, services: DeskServices) -> None:
        """The desk's services are up: show their status and the demo panel."""
        if not self._ready_for_services:
            return  # on_mount calls back
        demo = services.demo
        self.query_one("#demo").display = demo is not None
        if demo is not None:
            options = self.query_one("#demo-cards", OptionList)
            for card_id in demo.cards():
                label = (
                    t(f"demo.card.{card_id}", self.lang)
                    if has_text(f"demo.card.{card_id}")
                    else card_id
                )
                options.add_option(Option(label, id=card_id))
            options.add_option(Option(t("key.remove_card", self.lang), id=REMOVE_CARD))
            options.add_option(Option(t("demo.gateway_down", self.lang), id=GATEWAY_TOGGLE))
            options.highlighted = 0
            self._focus_default()
        self.show_status(services.status())
        self.show_view(services.runner.view())

    def _focus_default(self) -> None:
        """With no input to type in, the demo panel (when there is one) has the keys."""
        demo = self.query_one("#demo")
        if demo.display and self.desk.services is not None:
            self.query_one("#demo-cards", OptionList).focus()
        else:
            self.set_focus(None)

    # -- rendering -----------------------------------------------------------
    def show_status(self, status: DeskStatus) -> None:
        self.query_one(StatusBar).show(status)

    def show_view(self, view: DeskView, *, keys_may_change: bool = False) -> None:
        # The footer rebuilds itself on every refresh_bindings(): only when keys change.
        keys_changed = keys_may_change or self._allowed(view) != self._allowed(self.current)
        self.current = view
        lang = self.lang
        stage = view.stage
        # a paired patient display asks the patient's questions; the desk says so
        on_display = self.desk.patient_side.asks_patient(view)
        prompt_key = f"stage.{stage.value}"
        if stage is Stage.PIN_ENTRY and view.pin_kind == "auth":
            prompt_key = "stage.pin_entry.auth"
        params: dict[str, object] = {}
        if stage is Stage.ERROR:
            params["message"] = view.error_message or view.error_code
        if stage is Stage.OFFLINE_SHOWN and view.result and view.result.offline_confirmed_at:
            params["date"] = view.result.offline_confirmed_at.date().isoformat()
        confirmed = view.outcome is None or view.outcome.confirms_eligibility
        if stage is Stage.OFFLINE_SHOWN and not confirmed:
            prompt_key = "stage.offline_shown.unconfirmed"
        prompt = t(prompt_key, lang, **params)
        if stage is Stage.SHOWN and view.outcome is not None:
            prompt = outcome_headline(view.outcome, lang)  # never "confirmed" for 2 or 3
        if on_display:
            prompt = self.desk.patient_side.asking(view, lang)
        self.query_one("#prompt", Static).update(prompt)
        self.query_one("#detail", Static).update(self._detail(view, on_display))
        self.set_class(stage is Stage.OFFLINE_SHOWN, "-offline")
        self.set_class(stage in (Stage.WITHHELD, Stage.PAPER_FORM, Stage.PIN_BLOCKED), "-stop")
        self.remove_class(*ALL_CLASSES)
        if view.outcome is not None and stage in (Stage.SHOWN, Stage.WITHHELD, Stage.PAPER_FORM):
            self.add_class(*outcome_classes(view.outcome, None))

        pin = self.query_one("#pin", Input)
        pin.display = stage is Stage.PIN_ENTRY and not on_display
        pin.disabled = view.needs_last_try_confirmation
        birthdate = self.query_one("#birthdate", Input)
        birthdate.display = stage is Stage.CONFIRMING_BIRTHDATE and not on_display
        if not pin.display:
            pin.value = ""
        if not birthdate.display:
            birthdate.value = ""
        if pin.display and not pin.disabled:
            pin.focus()
        elif birthdate.display:
            birthdate.focus()
        elif self.focused in (pin, birthdate) or self.focused is None:
            self._focus_default()

        result = self.query_one(ResultView)
        result.display = view.result is not None
        if view.result != self._shown_result:  # the table is costly to rebuild: only on change
            self._shown_result = view.result
            result.show(view.result)
        self.query_one("#next", Static).update(t("next.clear", lang) if stage in ENDINGS else "")
        if keys_changed:
            self.refresh_bindings()
        self.query_one(KeyBar).show_for(self)

    def _detail(self, view: DeskView, on_display: bool) -> str:
        lang = self.lang
        stage = view.stage
        keys = "" if on_display else t("confirm.keys", lang)
        if stage is Stage.PIN_ENTRY:
            tries = view.auth_pin_tries if view.pin_kind == "auth" else view.text_pin_tries
            lines = [t("pin.one_try_left" if tries == 1 else "pin.tries_left", lang, tries=tries)]
            if view.needs_last_try_confirmation:
                lines.append(t("pin.last_try", lang))
            return "\n".join(lines)
        if stage is Stage.CONFIRMING_NAME and view.card_name:
            return f"\n    {view.card_name}\n\n{keys}"
        if stage is Stage.CONFIRMING_BIRTHDATE and view.retry_birthdate:
            return t("birthdate.retry", lang)
        if stage is Stage.STAFF_DECISION and view.variant is not None:
            return (
                f"{t('variant.card', lang)}:   {view.variant.card_name}\n"
                f"{t('variant.record', lang)}: {view.variant.record_name}\n"
                f"{'; '.join(view.variant.reasons)}\n\n{t('variant.keys', lang)}"
            )
        if stage is Stage.CONSENT:
            return keys
        if stage in (Stage.WITHHELD, Stage.PAPER_FORM) and view.outcome is not None:
            # validity 4 or 5: what it means and what to do next
            lines = [outcome_headline(view.outcome, lang), outcome_next_step(view.outcome, lang)]
        else:
            lines = []
        if stage is Stage.WITHHELD and view.flagged:
            codes = [r.value for r in view.flag_reasons] or [view.error_code]
            reasons = t("reasons.separator", lang).join(self._reason(c) for c in codes)
            lines.append(t("withheld.staff", lang, reason=reasons))
            if view.flag_reference:
                lines.append(dt("reference", lang, reference=view.flag_reference))
            return "\n".join(lines)
        if stage is Stage.PAPER_FORM and lines:
            return "\n".join(lines)
        if stage is Stage.PAPER_FORM and view.error_code:
            return t("paper.cause", lang, cause=self._reason(view.error_code))
        return ""

    def _reason(self, code: str) -> str:
        key = f"reason.{code}"
        return t(key, self.lang) if has_text(key) else code

    def on_descendant_focus(self) -> None:
        self.query_one(KeyBar).show_for(self)

    def on_descendant_blur(self) -> None:
        self.query_one(KeyBar).show_for(self)

    def on_screen_resume(self) -> None:
        if self._ready_for_services:
            self.query_one(KeyBar).show_for(self)

    # -- actions -------------------------------------------------------------
    def _allowed(self, view: DeskView) -> dict[str, bool]:
        stage = view.stage
        on_display = self.desk.patient_side.asks_patient(view)
        return {
            "answer": stage in (Stage.CONFIRMING_NAME, Stage.CONSENT) and not on_display,
            "confirm_last_try": view.needs_last_try_confirmation,
            "staff": stage is Stage.STAFF_DECISION,
            "done": stage in ENDINGS,
            "cancel": stage is not Stage.WAITING_FOR_CARD and stage not in ENDINGS,
            "manager_review": stage is Stage.WAITING_FOR_CARD,
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._allowed(self.current).get(action, True)

    async def action_answer(self, yes: bool) -> None:
        if self.current.stage is Stage.CONFIRMING_NAME:
            await self.desk.dispatch(ev.NameAnswered(is_me=yes))
        elif self.current.stage is Stage.CONSENT:
            await self.desk.dispatch(ev.ConsentAnswered(consent=yes))

    async def action_confirm_last_try(self) -> None:
        await self.desk.dispatch(ev.LastTryConfirmed())

    async def action_staff(self, accept: bool) -> None:
        await self.desk.dispatch(ev.StaffDecided(accept=accept))

    async def action_done(self) -> None:
        await self.desk.dispatch(ev.Done())

    async def action_cancel(self) -> None:
        await self.desk.dispatch(ev.Cancelled())

    def action_help(self) -> None:
        from clinic_desk.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

    def action_manager_review(self) -> None:
        from clinic_desk.app.screens.review import open_from_desk

        open_from_desk(self.desk, self.lang)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if message.input.id == "pin":
            value = message.value
            message.input.value = ""
            if len(value) == 4:
                await self.desk.dispatch(ev.PinEntered(pin=SecretStr(value)))
        elif message.input.id == "birthdate":
            typed = parse_typed_date(message.value)
            message.input.value = ""
            if typed is None:
                self.query_one("#detail", Static).update(t("birthdate.invalid", self.lang))
                return
            await self.desk.dispatch(ev.BirthdateTyped(birthdate=typed))

    async def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        demo = self.desk.services.demo if self.desk.services is not None else None
        option_id = message.option.id
        if demo is None or option_id is None:
            return
        if option_id == GATEWAY_TOGGLE:
            down = await demo.toggle_gateway()
            label = t("demo.gateway_up" if down else "demo.gateway_down", self.lang)
            message.option_list.replace_option_prompt(GATEWAY_TOGGLE, label)
            self.desk.refresh_status()
        elif option_id == REMOVE_CARD:
            await demo.remove()
        else:
            await demo.tap(option_id)

"""The reception screen with the paths without a PIN: [B] the 資格確認書 numbers,
[V] the visual check (目視), [S] the 被保険者資格申立書.

A subclass of the card desk, so the card path's screen stays as it is: it adds the
keys, the forms (``widgets/path_forms.py``) under the prompt, and what each of these
stages says; the check-in machine decides as for a card.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.events import Mount
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from clinic_desk.app.screens.desk import DeskScreen
from clinic_desk.app.screens.face_panel import add_face_options, face_patient, simulated_reader
from clinic_desk.app.widgets.demo_panel import DemoPanel
from clinic_desk.app.widgets.path_forms import PathForms
from clinic_desk.app.widgets.prose import PhraseText, Prose
from clinic_desk.checkin import DeskView, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.face import NOT_CONSENTED_AT_READER
from clinic_desk.checkin.paths import NOT_ON_THIS_PATH
from clinic_desk.domain.insured_numbers import NumberForm
from clinic_desk.services.desk import DeskServices
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

NUMBERS_PATIENT = "__numbers__"
# the sample 資格確認書 the demo's number patient brings (小川みどり in the shipped dataset)
DEMO_CERTIFICATE = NumberForm(
    insurer="06139992",
    symbol="ミナト１２",
    number="3456",
    branch="01",
    birthdate="1990-07-07",
    name="小川　みどり",
)
_STAFF_REFUSALS: dict[str, TextKey] = {
    "staff_unknown": "visual.staff_unknown",
    "staff_pin_wrong": "visual.staff_pin_wrong",
    "staff_pin_locked": "visual.staff_pin_locked",
}
_NUMBER_STAGES = frozenset({Stage.NUMBER_ENTRY, Stage.LOOKING_UP_NUMBERS})
_VISUAL_FROM = frozenset({Stage.PIN_ENTRY, Stage.PIN_BLOCKED})
_DECLARE_FROM = frozenset({Stage.NUMBER_ENTRY, Stage.PAPER_FORM})


class PathDeskScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "number_lookup", "By number", id="desk.number_lookup"),
        # priority: V works while the PIN field has the focus (it takes digits only)
        Binding("v", "visual_check", "Visual check", id="desk.visual_check", priority=True),
        Binding("s,f6", "declaration", "Declaration", id="desk.declaration"),
    ]

    def __init__(self, lang: Lang) -> None:
        super().__init__(lang)
        self._visual_open = False
        self._prefill: NumberForm | None = None

    @on(Mount)
    async def _mount_forms(self) -> None:
        # the card desk's own on_mount runs as well (Textual calls each class's handler)
        forms = PathForms(self.lang, id="path-forms")
        await self.query_one("#main").mount(forms, after="#birthdate")
        services = self.desk.services
        forms.ask_staff_pin = services is not None and services.runner.staff_check is not None

    @property
    def forms(self) -> PathForms | None:
        found = self.query(PathForms)
        return found.first() if found else None

    # -- rendering ----------------------------------------------------------------
    def show_view(self, view: DeskView) -> None:
        before = self.current.stage
        super().show_view(view)
        forms = self.forms
        if forms is None:
            return
        stage = view.stage
        if stage not in _VISUAL_FROM:
            self._visual_open = False
        if stage is Stage.NUMBER_ENTRY and before is Stage.WAITING_FOR_CARD:
            forms.forget()
            if self._prefill is not None:
                forms.fill(self._prefill)
        if stage in _NUMBER_STAGES:
            forms.open("numbers", t("paths.demo_filled", self.lang) if self._prefill else "")
            forms.set_busy(stage is Stage.LOOKING_UP_NUMBERS)
        elif stage is Stage.DECLARATION:
            forms.open("declaration")
            forms.set_busy(False)
        elif self._visual_open:
            forms.open("visual", t("visual.title", self.lang))
            forms.set_busy(stage is not Stage.PIN_ENTRY and stage is not Stage.PIN_BLOCKED)
            pin = self.query_one("#pin", Input)
            pin.display = False
            if self.focused is pin:  # the card desk gave the hidden PIN field the focus
                forms.focus_first()
        else:
            forms.close()
        if stage is not before and forms.display and not forms.query("Input:disabled"):
            forms.focus_first()
        if self._visual_open:  # D would go into a field: Esc ends the check-in instead
            self.query_one("#next", Prose).show("")
        extra = self._path_detail(view)
        if extra:
            detail = self.query_one("#detail", Prose)
            detail.show("\n".join(x for x in (detail.text, extra) if x))

    def _path_detail(self, view: DeskView) -> str:
        lang, stage = self.lang, view.stage
        if stage is Stage.NUMBER_ENTRY and view.numbers_not_found:
            return "\n".join((t("numbers.not_found", lang), t("numbers.not_found.causes", lang)))
        if stage is Stage.PAPER_FORM and view.error_code == "gateway_unavailable_numbers":
            return t("paths.numbers_offline", lang)
        if stage is Stage.PAPER_FORM and view.outcome is None:  # else its next step says it
            return t("paths.declare_hint", lang)
        if stage is Stage.PIN_BLOCKED and not self._visual_open:
            return t("paths.visual_blocked", lang)
        if stage is Stage.PIN_ENTRY and not self._visual_open:
            return t("paths.visual_offer", lang)
        if stage is Stage.ERROR and view.error_code in _STAFF_REFUSALS:
            return t(_STAFF_REFUSALS[view.error_code], lang)
        if view.path == "visual" and view.staff_id:
            return t("paths.visual_mode", lang, staff=view.staff_id)
        result = view.result
        if result is not None and result.medications_note == NOT_ON_THIS_PATH:
            return t("numbers.no_medications", lang)
        if result is not None and result.medications_note == NOT_CONSENTED_AT_READER:
            return t("face.no_medications", lang)
        return ""

    def _allowed(self, view: DeskView) -> dict[str, bool]:
        allowed = super()._allowed(view)
        stage = view.stage
        allowed["number_lookup"] = stage is Stage.WAITING_FOR_CARD and not self._tapping
        allowed["visual_check"] = stage in _VISUAL_FROM and not self._visual_open
        if self._visual_open:  # the form's fields take D: Esc ends the check-in
            allowed["done"], allowed["cancel"] = False, True
        allowed["declaration"] = stage in _DECLARE_FROM
        return allowed

    # -- keys -------------------------------------------------------------------------
    async def action_number_lookup(self) -> None:
        self._prefill = None
        await self.desk.dispatch(pe.NumberLookupStarted())

    def action_visual_check(self) -> None:
        self._visual_open = True
        self.show_view(self.current)
        forms = self.forms
        if forms is not None:
            forms.focus_first()
        self._refresh_keys(None)

    async def action_cancel(self) -> None:
        if self._visual_open and self.current.stage is Stage.PIN_BLOCKED:
            await self.desk.dispatch(ev.Done())  # the check-in had ended: next patient
        else:
            await super().action_cancel()

    async def action_declaration(self) -> None:
        await self.desk.dispatch(pe.DeclarationStarted())

    async def on_path_forms_submitted(self, message: PathForms.Submitted) -> None:
        message.stop()
        await self.desk.dispatch(message.built.event)

    # -- the demo panel: a patient with a 資格確認書 -----------------------------------
    def services_ready(self, services: DeskServices) -> None:
        super().services_ready(services)
        forms = self.forms
        if forms is not None:
            forms.ask_staff_pin = services.runner.staff_check is not None
        if services.demo is None or not self._ready_for_services:
            return
        options = self.query_one(DemoPanel).options
        add_face_options(options, services, self.lang)  # the simulated 資格確認端末 only
        if _has(options):
            return
        label = PhraseText(t("demo.numbers_patient", self.lang))
        options.add_option(Option(label, id=NUMBERS_PATIENT))

    async def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        face = face_patient(message.option.id)
        if message.option.id != NUMBERS_PATIENT and face is None:
            return  # the card desk's own handler taps the card
        message.prevent_default()
        message.stop()
        reader = simulated_reader(self.desk.services)
        if face is not None and reader is not None:
            await reader.present(face)  # the result opens the face form when it arrives
            return
        if self.current.stage is not Stage.WAITING_FOR_CARD or self._tapping:
            self.flash(t("desk.finish_first", self.lang))
            return
        self._prefill = DEMO_CERTIFICATE
        await self.desk.dispatch(pe.NumberLookupStarted())


def _has(options: OptionList) -> bool:
    try:
        options.get_option(NUMBERS_PATIENT)
    except Exception:
        return False
    return True

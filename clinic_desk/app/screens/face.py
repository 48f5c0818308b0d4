"""A face-reader check-in at the counter (a desk on a 資格確認端末).

Over the desk: the patient types their birthdate, the receptionist types the name the
patient states in kana, and only then, when the gate agrees, the record is shown.
Everything it shows comes from ``FaceView`` (``checkin.face``): no field of it holds
the record before the confirmation.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.widgets.digits_input import DigitsInput
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.checkin.face import FACE_ENDINGS, FaceCheckIn, FaceStage, FaceView
from clinic_desk.services.face_desk import FaceDesk
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

MAX_KANA_INPUT = 64
_STATE: dict[int, TextKey] = {
    1: "validity.state.1",
    2: "validity.state.2",
    3: "validity.state.3",
    4: "validity.state.4",
    5: "validity.state.5",
}


class FaceScreen(ModalScreen[None]):
    """One face check-in, from the birthdate to its ending."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "staff(True)", "Accept", id="face.accept"),
        Binding("r", "staff(False)", "Reject", id="face.reject"),
        Binding("d", "close", "Next patient", id="face.done"),
        Binding("escape", "cancel", "Cancel", id="face.cancel"),
    ]

    def __init__(self, desk: FaceDesk, checkin: FaceCheckIn, lang: Lang) -> None:
        super().__init__()
        self.desk = desk
        self.checkin = checkin
        self.lang = lang
        localise_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="face"):
            yield Static(t("face.title", self.lang), id="face-title", markup=False)
            yield Static("", id="face-prompt", markup=False)
            yield DigitsInput(
                max_length=8, placeholder=t("birthdate.placeholder", self.lang), id="face-birthdate"
            )
            yield Input(max_length=MAX_KANA_INPUT, id="face-kana")
        yield KeyBar(id="face-keys")

    def on_mount(self) -> None:
        self.show(self.checkin.view())

    def show(self, view: FaceView) -> None:
        """Draw ``view``: one prompt, the one input it asks for."""
        birthdate = self.query_one("#face-birthdate", DigitsInput)
        kana = self.query_one("#face-kana", Input)
        birthdate.display = view.stage is FaceStage.CONFIRMING_BIRTHDATE
        kana.display = view.stage is FaceStage.CONFIRMING_NAME
        self.query_one("#face-prompt", Static).update(self._prompt(view))
        if birthdate.display:
            birthdate.value = ""
            birthdate.focus()
        elif kana.display:
            kana.focus()
        else:
            self.set_focus(None)  # A/R or D: no field takes the letters
        self.query_one(KeyBar).show_for(self)  # only the keys that work at this stage

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        stage = self.checkin.stage
        if action == "staff":
            return stage is FaceStage.STAFF_DECISION
        if action == "close":
            return stage in FACE_ENDINGS
        if action == "cancel":
            return stage not in FACE_ENDINGS
        return True

    def _prompt(self, view: FaceView) -> str:
        lang = self.lang
        match view.stage:
            case FaceStage.CONFIRMING_BIRTHDATE:
                if view.retry_birthdate:
                    return t("face.birthdate_retry", lang)
                return t("face.birthdate", lang)
            case FaceStage.CONFIRMING_NAME:
                return t("face.name", lang)
            case FaceStage.STAFF_DECISION:
                variant = view.variant
                assert variant is not None
                return t("face.variant", lang, stated=variant.card_name, record=variant.record_name)
            case FaceStage.SHOWN:
                result = view.result
                assert result is not None
                state = t(_STATE[result.eligibility.state.value], lang)
                return t("face.shown", lang, name=result.patient_name, state=state)
            case FaceStage.WITHHELD:
                return t("face.withheld", lang)
            case FaceStage.PAPER_FORM:
                return t("face.paper", lang)
            case FaceStage.CANCELLED:
                return t("face.cancelled", lang)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if message.input.id == "face-birthdate":
            try:
                typed = datetime.strptime(message.value, "%Y%m%d").date()
            except ValueError:
                self.query_one("#face-prompt", Static).update(t("birthdate.invalid", self.lang))
                return
            self.show(await self.desk.birthdate_typed(self.checkin, typed))
        elif message.input.id == "face-kana" and message.value.strip():
            value, message.input.value = message.value, ""
            self.show(await self.desk.name_stated(self.checkin, value))

    async def action_staff(self, accept: bool) -> None:
        if self.checkin.stage is FaceStage.STAFF_DECISION:
            self.show(await self.desk.staff_decided(self.checkin, accept))

    async def action_cancel(self) -> None:
        await self.desk.cancel(self.checkin)
        self.dismiss()

    async def action_close(self) -> None:
        if self.checkin.stage in (FaceStage.SHOWN, FaceStage.WITHHELD, FaceStage.PAPER_FORM):
            self.dismiss()

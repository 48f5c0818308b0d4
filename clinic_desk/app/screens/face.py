"""A face-reader result at the counter (a desk on a 資格確認端末): its opening form.

A result arrived from the national face reader. The receptionist types the name the
patient says, in kana, and the birthdate they say; Enter starts the check-in with
them (``FaceCheckInChosen``) and this form closes: the desk's own screen then asks
the patient to confirm, as for a 資格確認書 (the same stated-identity entry, the same
gate, the same withholding). The form shows nothing of the result: it holds only
its id.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.widgets.digits_input import DigitsInput
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.checkin import path_events as pe
from clinic_desk.texts import Lang, t

MAX_KANA_INPUT = 64


class FaceScreen(ModalScreen[pe.FaceCheckInChosen | None]):
    """The stated name (kana) and birthdate for one face result; dismissed with the
    event that starts its check-in, or None (Esc: the result keeps waiting)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Cancel", id="face.cancel"),
    ]

    def __init__(self, result_id: str, lang: Lang) -> None:
        super().__init__()
        self.result_id = result_id
        self.lang = lang
        localise_bindings(self, lang)

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="face"):
            yield Static(t("face.title", lang), id="face-title", markup=False)
            yield Static(t("face.name", lang), id="face-name-prompt", markup=False)
            yield Input(max_length=MAX_KANA_INPUT, id="face-kana")
            yield Static(t("face.birthdate", lang), id="face-birthdate-prompt", markup=False)
            yield DigitsInput(
                max_length=8, placeholder=t("birthdate.placeholder", lang), id="face-birthdate"
            )
            yield Static(t("face.next", lang), id="face-prompt", markup=False)
        yield KeyBar(id="face-keys")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_for(self)
        self.query_one("#face-kana", Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        kana = self.query_one("#face-kana", Input)
        birthdate = self.query_one("#face-birthdate", DigitsInput)
        if message.input is kana:
            if kana.value.strip():
                birthdate.focus()
            return
        if not kana.value.strip():
            kana.focus()
            return
        try:
            typed = datetime.strptime(birthdate.value, "%Y%m%d").date()
            stated = pe.StatedIdentity(name=kana.value.strip(), birthdate=typed)
        except (ValueError, ValidationError):
            self.query_one("#face-prompt", Static).update(t("birthdate.invalid", self.lang))
            return
        self.dismiss(pe.FaceCheckInChosen(result_id=self.result_id, stated=stated))

    def action_later(self) -> None:
        self.dismiss(None)

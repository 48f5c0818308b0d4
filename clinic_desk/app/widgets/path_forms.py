"""The desk's forms for the paths without a PIN: the 資格確認書 numbers, the switch to
the visual check (目視), and the 被保険者資格申立書.

Each field is checked as it is typed (the insurer number's check digit included)
and its error is said under it in the desk's language; what was typed stays after
該当資格なし so one digit can be corrected. The form builds the check-in's event;
the screen sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import SecretStr
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin import path_events as pe
from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import (
    NumberField,
    NumberForm,
    field_error,
    parse_birthdate,
    stated_name,
)
from clinic_desk.domain.visual_check import staff_id_error
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

FormKind = Literal["numbers", "visual", "declaration"]

LABELS: dict[str, TextKey] = {
    "insurer": "numbers.insurer",
    "symbol": "numbers.symbol",
    "number": "numbers.number",
    "branch": "numbers.branch",
    "birthdate": "numbers.birthdate",
    "name": "numbers.name",
    "staff": "visual.staff_id",
    "staff_pin": "visual.staff_pin",
    "card_name": "visual.name",
    "card_birthdate": "visual.birthdate",
    "copay": "declaration.copay",
}
_NUMBER_FIELDS = ("insurer", "symbol", "number", "branch", "birthdate", "name")
FIELDS: dict[FormKind, tuple[str, ...]] = {
    "numbers": _NUMBER_FIELDS,
    "visual": ("staff", "card_name", "card_birthdate"),
    "declaration": (*_NUMBER_FIELDS, "copay"),
}
_SHARES = {"10": 10, "20": 20, "30": 30}


def _today() -> date:
    return utc_now().date()


def field_problem(name: str, value: str, *, final: bool) -> str:
    """The text key of what is wrong with one field ("" when fine). While typing
    (``final`` False) an empty field is not yet an error."""
    if not final and not value.strip():
        return ""
    if name in _NUMBER_FIELDS:
        return field_error(NumberField(name), value, _today())
    if name == "staff":
        return staff_id_error(value)
    if name == "staff_pin":
        return "" if value else "visual.staff_pin.empty"
    if name == "card_name":
        return field_error(NumberField.NAME, value, _today())
    if name == "card_birthdate":
        parsed = parse_birthdate(value, _today())
        return parsed if isinstance(parsed, str) else ""
    return "" if value.strip() in _SHARES else "declaration.copay.invalid"


@dataclass
class Built:
    """A form that checked: the event to send."""

    event: pe.NumbersEntered | pe.VisualCheckChosen | pe.DeclarationRecorded


class PathForms(Vertical):
    """One of the three forms at a time (or none)."""

    # one line per field (label, input; a label too long for its column wraps), its
    # error under it; a form taller than the terminal scrolls to the focused field
    DEFAULT_CSS = """
    PathForms { height: auto; margin-bottom: 1; }
    PathForms .path-row { height: auto; }
    PathForms .path-line { height: auto; }
    PathForms Label { width: 30; height: auto; color: $text-muted; }
    PathForms Input { width: 40; height: 1; border: none; padding: 0 1; background: $boost; }
    PathForms Input:focus { background: $accent 30%; }
    PathForms .path-error { color: $error; text-style: bold; padding-left: 30; }
    """

    class Submitted(Message):
        def __init__(self, built: Built) -> None:
            super().__init__()
            self.built = built

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.kind: FormKind | None = None
        self.numbers = NumberForm()  # kept as typed across 該当資格なし
        self.ask_staff_pin = False  # a production desk asks it before a visual check
        self.display = False

    def fields(self, kind: FormKind) -> tuple[str, ...]:
        if kind == "visual" and self.ask_staff_pin:
            return ("staff", "staff_pin", "card_name", "card_birthdate")
        return FIELDS[kind]

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Prose(id="path-note", collapse=True)
        for name, key in LABELS.items():
            with Vertical(classes="path-row", id=f"path-row-{name}"):
                with Horizontal(classes="path-line"):
                    yield Label(t(key, lang))
                    # compact: a focused field keeps its one line (no border that
                    # hides what is typed in it)
                    yield Input(id=f"path-{name}", password=name == "staff_pin", compact=True)
                yield Prose(id=f"path-error-{name}", classes="path-error", collapse=True)

    # -- showing ----------------------------------------------------------------
    def open(self, kind: FormKind, note: str = "") -> None:
        """Show the ``kind`` form (the numbers typed so far filled in)."""
        first_time = self.kind != kind
        self.kind = kind
        self.display = True
        self.query_one("#path-note", Prose).show(note)
        for name in LABELS:
            self.query_one(f"#path-row-{name}").display = name in self.fields(kind)
        if first_time:
            for name in _NUMBER_FIELDS:
                self.field(name).value = self.numbers.get(NumberField(name))
            if kind == "declaration" and not self.field("copay").value:
                self.field("copay").value = "30"
            for name in self.fields(kind):
                self._say(name, "")

    def close(self) -> None:
        self.kind = None
        self.display = False

    def forget(self) -> None:
        """A new patient: nothing typed for the last one stays."""
        self.numbers = NumberForm()
        for name in LABELS:
            self.field(name).value = ""
            self._say(name, "")

    def fill(self, form: NumberForm) -> None:
        self.numbers = form
        for name in _NUMBER_FIELDS:
            self.field(name).value = form.get(NumberField(name))

    def set_busy(self, busy: bool) -> None:
        for name in LABELS:
            self.field(name).disabled = busy

    def field(self, name: str) -> Input:
        return self.query_one(f"#path-{name}", Input)

    def focus_first(self) -> None:
        if self.kind is None:
            return
        for name in self.fields(self.kind):
            if self.query_one(f"#path-error-{name}", Prose).text:
                self.field(name).focus()
                return
        for name in self.fields(self.kind):
            if not self.field(name).value:
                self.field(name).focus()
                return
        self.field(self.fields(self.kind)[0]).focus()

    def _say(self, name: str, key: str) -> None:
        text = t(key, self.lang) if key else ""  # type: ignore[arg-type]
        self.query_one(f"#path-error-{name}", Prose).show(text)

    # -- typing ---------------------------------------------------------------------
    def on_input_changed(self, message: Input.Changed) -> None:
        name = (message.input.id or "").removeprefix("path-")
        if name not in LABELS:
            return
        message.stop()
        if name in _NUMBER_FIELDS:
            self.numbers.set(NumberField(name), message.value)
        self._say(name, field_problem(name, message.value, final=False))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        if not (message.input.id or "").startswith("path-"):
            return
        message.stop()
        built = self.build()
        if built is None:
            self.focus_first()
            return
        self.post_message(self.Submitted(built))

    def build(self) -> Built | None:
        """The event of the form, or None with each wrong field's error shown."""
        kind = self.kind
        if kind is None:
            return None
        values = {name: self.field(name).value for name in self.fields(kind)}
        problems = {name: field_problem(name, v, final=True) for name, v in values.items()}
        for name, key in problems.items():
            self._say(name, key)
        if any(problems.values()):
            return None
        if kind == "visual":
            born = parse_birthdate(values["card_birthdate"], _today())
            assert isinstance(born, date)
            stated = pe.StatedIdentity(name=stated_name(values["card_name"]), birthdate=born)
            pin = self.field("staff_pin").value if self.ask_staff_pin else ""
            self.field("staff_pin").value = ""  # the PIN leaves the form at once
            return Built(
                pe.VisualCheckChosen(
                    staff_id=values["staff"].strip(),
                    stated=stated,
                    staff_pin=SecretStr(pin) if self.ask_staff_pin else None,
                )
            )
        checked = self.numbers.check(_today())
        if checked is None:  # the form's own check agrees with the fields' (kept in step)
            for which, key in self.numbers.errors.items():
                self._say(which.value, key)
            return None
        if kind == "numbers":
            return Built(pe.NumbersEntered(lookup=checked))
        declaration = InsuranceDeclaration(
            numbers=checked.numbers,
            birthdate=checked.birthdate,
            stated_name=checked.stated_name,
            copay_ratio=_SHARES[values["copay"].strip()],
        )
        return Built(pe.DeclarationRecorded(declaration=declaration))

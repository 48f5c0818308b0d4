"""The patient display: a second Textual app facing the patient.

It pairs with the desk over the desk's local socket, shows each ``PatientView`` the
desk sends, and sends the patient's answers back. It knows nothing else: no record,
no reason, no staff text ever reaches it. Large, high-contrast and one question per
screen by default; the patient switches the language with one key (or a touch), and
the next patient starts in the display's own language again. When the desk goes away
the screen forgets the patient at once and the display pairs again when it can. The
birthdate typed right after Y, before its field is shown, waits for the field.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from pydantic import SecretStr
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.theme import Theme
from textual.widgets import Button, Input, Static

from clinic_desk.patient import protocol as msg
from clinic_desk.patient.client import DeskConnection, DeskUnavailable, Refusal
from clinic_desk.patient.typed_ahead import ENTER, TypedAhead
from clinic_desk.patient.view import PatientStage, PatientView
from clinic_desk.patient_app.words import Words, words_for
from clinic_desk.texts import Lang
from clinic_desk.texts.patient import PatientTextKey, pt

# White on black, yellow for what to act on: beyond WCAG AAA contrast.
HIGH_CONTRAST = Theme(
    name="patient-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF66",
    warning="#FFFF00",
    error="#FF6666",
    dark=True,
)

_REFUSALS: dict[msg.RefusalCode, PatientTextKey] = {
    msg.RefusalCode.ALREADY_PAIRED: "link.refused.already_paired",
    msg.RefusalCode.NOT_ALLOWED: "link.refused.not_allowed",
    msg.RefusalCode.BAD_MESSAGE: "link.refused.bad_message",
    msg.RefusalCode.UNSUPPORTED: "link.refused.unsupported",
    msg.RefusalCode.DESK_CLOSING: "link.refused.desk_closing",
}

FrameObserver = Callable[["PatientDisplayApp"], None]


def _eight_digit_date(digits: str) -> date | None:
    """YYYYMMDD as typed in the birthdate field (digits only); None if it is no date."""
    if len(digits) != 8 or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


class DigitInput(Input):
    """A field for digits only: any other key stays free for the display's own keys
    (L switches the language while the PIN field has the focus)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isascii() and character.isdigit()


class PatientDisplayApp(App[None]):
    CSS_PATH = "patient.tcss"
    TITLE = "clinic-desk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", show=False, id="patient.yes"),
        Binding("n", "answer(False)", "No", show=False, id="patient.no"),
        Binding("l", "switch_language", "Language", show=False, priority=True, id="patient.lang"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="patient.quit"),
    ]

    def __init__(
        self,
        socket: Path,
        *,
        lang: Lang = "ja",
        retry_seconds: float = 1.0,
        frame_observer: FrameObserver | None = None,
    ) -> None:
        super().__init__()
        self.socket = socket
        self.default_lang: Lang = lang
        self.lang: Lang = lang
        self.retry_seconds = retry_seconds
        # called once each new screen from the desk is on the terminal (recording, tests)
        self.frame_observer = frame_observer
        self.animation_level = "none"
        self.view: PatientView | None = None  # None: not paired, nothing of a patient shown
        self.link_note: PatientTextKey = "link.waiting"
        self.pairings = 0
        self.seq = -1  # the screen shown (the desk's number for it)
        self._sending = False
        self._connection: DeskConnection | None = None
        self._ahead = TypedAhead()  # the birthdate typed right after Y

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static("", id="link", markup=False)
            yield Button("", id="language", compact=True)
        with Vertical(id="main"):
            yield Static("", id="prompt", markup=False)
            yield Static("", id="detail", markup=False)
            yield Static("", id="highlight-label", markup=False)
            # each narrow part centred on its own (Textual aligns a column as one block)
            with Center():
                yield Static("", id="highlight", markup=False)
            with Center():
                yield DigitInput(
                    password=True,
                    restrict=r"[0-9]*",
                    max_length=4,
                    id="pin",
                    select_on_focus=False,
                )
            with Center():
                yield DigitInput(
                    restrict=r"[0-9]*", max_length=8, id="birthdate", select_on_focus=False
                )
            with Center(), Horizontal(id="answers"):
                yield Button("", id="yes", variant="success")
                yield Button("", id="no", variant="error")
            yield Static("", id="after", markup=False)
        yield Static("", id="keys", markup=False)

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name
        self.render_view()
        self.run_worker(self._stay_paired(), name="desk-link", group="desk-link", exclusive=True)

    async def action_quit(self) -> None:
        self._drop_connection()  # the desk takes its questions back at once
        self.exit()

    # -- the link ----------------------------------------------------------------------
    async def _stay_paired(self) -> None:
        """Pair, show what the desk sends, and pair again after the desk goes away."""
        try:
            while True:
                try:
                    self._connection = await DeskConnection.open(self.socket)
                    self.pairings += 1
                    self.link_note = "link.paired"
                    while True:
                        await self._apply(await self._connection.next_show())
                except DeskUnavailable:
                    self.link_note = "link.waiting"
                except Refusal as refusal:
                    self.link_note = _REFUSALS[refusal.code]
                except msg.ProtocolError:
                    self.link_note = "link.desk_garbled"
                self._drop_connection()
                self._forget_patient()
                await asyncio.sleep(self.retry_seconds)
        finally:  # the display is closing
            self._drop_connection()

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _forget_patient(self) -> None:
        self.view = None
        self.seq = -1
        self._sending = False
        self.lang = self.default_lang
        self.render_view()

    async def _apply(self, show: msg.Show) -> None:
        previous = self.view
        new_patient = show.view.stage is PatientStage.WELCOME and (
            previous is None or previous.stage is not PatientStage.WELCOME
        )
        if new_patient:
            self.lang = self.default_lang
        self.view, self.seq, self._sending = show.view, show.seq, False
        self.render_view()
        # each screen reaches the terminal before the next is read
        refreshed = asyncio.Event()
        self.call_after_refresh(refreshed.set)
        await refreshed.wait()
        if self.frame_observer is not None:
            self.frame_observer(self)

    # -- rendering ---------------------------------------------------------------------
    def render_view(self) -> None:
        lang, view = self.lang, self.view
        paired = self._connection is not None
        self.query_one("#link", Static).update(pt(self.link_note, lang))
        self.query_one("#language", Button).label = Content(pt("other_language", lang))
        words = words_for(view, lang) if view is not None else Words(pt(self.link_note, lang))
        stage = view.stage if view is not None else None
        self.query_one("#prompt", Static).update(words.prompt)
        self.query_one("#detail", Static).update(
            pt("sending", lang) if self._sending else words.detail
        )
        self.query_one("#highlight-label", Static).update(words.highlight_label)
        highlight = self.query_one("#highlight", Static)
        highlight.update(words.highlight)
        highlight.display = bool(words.highlight)
        self.query_one("#highlight-label").display = bool(words.highlight_label)
        self.query_one("#after", Static).update(words.after)
        self.query_one("#keys", Static).update(words.keys)
        asking = paired and not self._sending and view is not None
        pin = self.query_one("#pin", Input)
        pin.placeholder = pt("pin.placeholder", lang)
        pin.display = (
            stage is PatientStage.PIN
            and view is not None
            and not (view.waiting_for_staff or view.on_pad)  # a PIN pad: typed on the reader
        )
        pin.disabled = not asking
        birthdate = self.query_one("#birthdate", Input)
        birthdate.placeholder = pt("birthdate.placeholder", lang)
        birthdate.display = stage is PatientStage.BIRTHDATE
        birthdate.disabled = not asking
        if not pin.display:
            pin.value = ""
        if not birthdate.display:
            birthdate.value = ""
        answers = self.query_one("#answers")
        answers.display = stage in (PatientStage.NAME, PatientStage.CONSENT)
        self.query_one("#yes", Button).label = Content(pt("yes", lang))
        self.query_one("#no", Button).label = Content(pt("no", lang))
        for button in self.query_one("#answers").query(Button):
            button.disabled = not asking
        self.screen.set_class(stage is PatientStage.NOT_CONFIRMED, "-reference")
        if stage not in (PatientStage.NAME, PatientStage.BIRTHDATE):
            self._ahead.drop()
        if pin.display and not pin.disabled:
            pin.focus()
        elif birthdate.display and not birthdate.disabled:
            self.set_focus(birthdate)  # at once: keys typed ahead follow the ones kept
            self._feed_birthdate(birthdate)
        else:
            self.set_focus(None)

    # -- the patient's answers ---------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            view = self.view
            return (
                view is not None
                and view.stage in (PatientStage.NAME, PatientStage.CONSENT)
                and not self._sending
            )
        return True

    async def action_answer(self, yes: bool) -> None:
        view = self.view
        if view is None or self._sending:
            return
        if view.stage is PatientStage.NAME:
            if yes:
                self._ahead.arm()  # what the patient types next is the birthdate
            await self._send(msg.NameAnswer(seq=self.seq, is_me=yes))
        elif view.stage is PatientStage.CONSENT:
            await self._send(msg.ConsentAnswer(seq=self.seq, consent=yes))

    def action_switch_language(self) -> None:
        self.lang = "en" if self.lang == "ja" else "ja"
        self.render_view()

    async def on_button_pressed(self, message: Button.Pressed) -> None:
        message.stop()
        if message.button.id == "language":
            self.action_switch_language()
        elif message.button.id in ("yes", "no"):
            await self.action_answer(message.button.id == "yes")

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        value, message.input.value = message.value, ""
        view = self.view
        if view is None or self._sending:
            return
        detail = self.query_one("#detail", Static)
        if message.input.id == "pin" and view.stage is PatientStage.PIN:
            if len(value) != 4:
                detail.update(pt("pin.four_digits", self.lang))
                return
            await self._send(msg.PinAnswer(seq=self.seq, pin=SecretStr(value)))
        elif message.input.id == "birthdate" and view.stage is PatientStage.BIRTHDATE:
            await self._submit_birthdate(value)

    async def _submit_birthdate(self, value: str) -> None:
        typed = _eight_digit_date(value)
        if typed is None:
            self.query_one("#detail", Static).update(pt("birthdate.invalid", self.lang))
            return
        await self._send(msg.BirthdateAnswer(seq=self.seq, birthdate=typed))

    def on_key(self, event: events.Key) -> None:
        """Keys no field took: after Y, the birthdate's digits and Enter are kept."""
        birthdate = self.query_one("#birthdate", Input)
        ready = birthdate.display and not birthdate.disabled
        if ready and event.key == ENTER:
            return  # the field has the focus now: its own binding submits it
        if self._ahead.catch(event.key, event.character):
            event.stop()
            if ready:
                self._feed_birthdate(birthdate)

    def _feed_birthdate(self, field: Input) -> None:
        fed = self._ahead.take()
        field.value = (field.value + fed.digits)[: field.max_length or None]
        field.cursor_position = len(field.value)
        if fed.submit:
            value, field.value = field.value, ""
            self.call_later(self._submit_birthdate, value)

    async def _send(self, answer: msg.Answer) -> None:
        connection = self._connection
        if connection is None:
            return
        self._sending = True
        self.render_view()
        with contextlib.suppress(DeskUnavailable):  # the link's loop notices and re-pairs
            await connection.answer(answer)

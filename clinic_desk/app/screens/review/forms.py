"""The review's forms over the queue: a flag's report, resolution or reopening; the
export of the flags on screen; the search.

Each is a modal screen that carries out its action in a thread worker and closes with
the note to show, or stays open and says what is wrong (a missing note, a file that
exists).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.dates import parse_typed_date
from clinic_desk.app.screens.review.context import Activity, default_export_path, problem_words
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.manager.errors import ManagerError
from clinic_desk.texts import plural, t
from clinic_desk.texts.keys import TextKey
from offline_cache import CacheError, FlagSummary

if TYPE_CHECKING:
    from clinic_desk.app.screens.review.queue import QueueScreen

_TITLES: dict[str, TextKey] = {
    "report": "review.form.report",
    "resolve": "review.form.resolve",
    "reopen": "review.form.reopen",
}


class ActionFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _Form(Activity, ModalScreen[str | None]):
    CSS_PATH = "../../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_form", "Close", id="review.form.close"),
    ]

    def __init__(self, queue: QueueScreen) -> None:
        super().__init__()
        self.queue = queue
        self.context = queue.context
        self.lang = queue.lang
        localise_bindings(self, self.lang)

    def _frame(self, title: str) -> ComposeResult:
        yield Prose(title, id="review-form-title")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_for(self)

    def action_dismiss_form(self) -> None:
        self.dismiss(None)

    def say(self, text: str) -> None:
        self.query_one("#review-form-message", Prose).show(text)

    def on_action_failed(self, message: ActionFailed) -> None:
        self.say(message.text)


class FlagFormScreen(_Form):
    """Mark reported (date and insurer contact), resolve (a note) or reopen (a note)."""

    def __init__(self, queue: QueueScreen, kind: str, flag: FlagSummary) -> None:
        super().__init__(queue)
        self.kind = kind
        self.flag = flag

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="review-form"):
            yield Prose(t(_TITLES[self.kind], lang), id="review-form-title")
            if self.kind == "report":
                yield Input(
                    value=f"{self.context.now().astimezone():%Y%m%d}",
                    placeholder=t("review.form.report_date", lang),
                    max_length=10,
                    restrict=r"[0-9/\-]*",
                    id="review-form-date",
                )
            placeholder: TextKey = (
                "review.form.contact" if self.kind == "report" else "review.form.note"
            )
            yield Input(placeholder=t(placeholder, lang), max_length=200, id="review-form-text")
            yield Prose(t("review.form.keys", lang), id="review-form-keys")
            yield Prose(id="review-form-message")
        yield KeyBar(id="review-form-keybar")

    def on_mount(self) -> None:
        super().on_mount()
        first = "#review-form-date" if self.kind == "report" else "#review-form-text"
        self.query_one(first, Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if message.input.id == "review-form-date":
            self.query_one("#review-form-text", Input).focus()
            return
        reported_on: date | None = None
        if self.kind == "report":
            reported_on = parse_typed_date(self.query_one("#review-form-date", Input).value)
            if reported_on is None:
                self.say(t("review.form.bad_date", self.lang))
                return
        self._act(message.value, reported_on)

    @work(thread=True, exclusive=True, group="review-action", exit_on_error=False)
    def _act(self, text: str, reported_on: date | None) -> None:
        session = self.context.session
        if session is None:
            return
        lang = self.lang
        try:
            if self.kind == "report":
                assert reported_on is not None
                session.mark_reported(self.flag.id, reported_on=reported_on, contact=text)
                note = t("review.done.reported", lang)
            elif self.kind == "resolve":
                session.resolve(self.flag.id, note=text)
                note = t("review.done.resolved", lang)
            else:
                session.reopen(self.flag.id, note=text)
                note = t("review.done.reopened", lang)
        except (ManagerError, CacheError) as exc:
            self.post_message(ActionFailed(problem_words(exc, lang)))
            return
        self.app.call_from_thread(self.dismiss, note)


class ExportScreen(_Form):
    """Write the flags on screen (as filtered and searched) to a CSV file."""

    def __init__(self, queue: QueueScreen, ids: list[str]) -> None:
        super().__init__(queue)
        self.ids = ids

    def compose(self) -> ComposeResult:
        lang = self.lang
        count = len(self.ids)
        title = t(plural(count, "review.form.export_one", "review.form.export"), lang, count=count)
        with Vertical(id="review-form"):
            yield Prose(title, id="review-form-title")
            yield Input(
                value=str(default_export_path(self.context.now())),
                max_length=1000,
                id="review-form-text",
            )
            yield Prose(t("review.form.keys", lang), id="review-form-keys")
            yield Prose(id="review-form-message")
        yield KeyBar(id="review-form-keybar")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#review-form-text", Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self._export(Path(message.value.strip()).expanduser())

    @work(thread=True, exclusive=True, group="review-action", exit_on_error=False)
    def _export(self, target: Path) -> None:
        session = self.context.session
        if session is None:
            return
        lang = self.lang
        try:
            count = session.export_csv(target, ids=self.ids, lang=lang)
        except (ManagerError, CacheError) as exc:
            self.post_message(ActionFailed(problem_words(exc, lang)))
            return
        key = plural(count, "review.done.export_one", "review.done.export")
        self.app.call_from_thread(self.dismiss, t(key, lang, count=count, path=target))


class SearchScreen(_Form):
    """What to look for; closes with the text (empty: clear the search)."""

    def __init__(self, queue: QueueScreen, current: str) -> None:
        super().__init__(queue)
        self.current = current

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="review-form"):
            yield Prose(t("review.search.prompt", lang), id="review-form-title")
            yield Input(
                value=self.current,
                placeholder=t("review.search.placeholder", lang),
                max_length=100,
                id="review-form-text",
            )
            yield Prose(t("review.search.clear", lang), id="review-form-keys")
            yield Prose(id="review-form-message")
        yield KeyBar(id="review-form-keybar")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#review-form-text", Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.dismiss(message.value)

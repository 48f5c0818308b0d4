"""The manager's review screen: the manager PIN, then the queue of flagged mismatches.

Renders what ``clinic_desk.manager.review`` returns and sends the manager's actions
back; the PIN check (scrypt), cache queries and writes run in thread workers and come
back as messages. After ``manager.idle_lock_seconds`` without a key press the screen
forgets the unsealing key and asks for the PIN again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import ClassVar, Literal

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from clinic_desk import paths
from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.dates import parse_typed_date
from clinic_desk.app.widgets.flag_list import FlagList, fit
from clinic_desk.config import ConfigError, ManagerConfig, load_settings
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.manager.errors import ManagerError
from clinic_desk.manager.pin import ManagerPin, PinCheck, Verdict
from clinic_desk.manager.review import (
    FlagDetail,
    FlagFilter,
    ReferenceState,
    ReviewSession,
    SortKey,
    UnlockResult,
    filter_and_sort,
    reason_words,
    status_words,
    unlock_review,
)
from clinic_desk.services.desk import DeskServices
from clinic_desk.services.store import CacheStorePort
from clinic_desk.texts import Lang, has_text, t
from clinic_desk.texts.patient import dt
from offline_cache import CacheError, FlagStatus, FlagSummary, OfflineCache

Mode = Literal["pin", "queue", "form"]
FormKind = Literal["report", "resolve", "reopen", "export"]
_STATUS_CYCLE: tuple[FlagStatus | None, ...] = (None, *FlagStatus)
_SORT_CYCLE: tuple[SortKey, ...] = ("date", "reason", "status")
# Column widths in terminal cells (Japanese characters take two).
_WHEN, _DESK, _REASON = 19, 14, 36


class PinChecked(Message):
    def __init__(self, result: UnlockResult | None, error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error


class PinStatus(Message):
    def __init__(self, check: PinCheck | None, error: str | None = None) -> None:
        super().__init__()
        self.check = check
        self.error = error


class FlagsLoaded(Message):
    def __init__(self, flags: list[FlagSummary], note: str = "") -> None:
        super().__init__()
        self.flags = flags
        self.note = note


class DetailLoaded(Message):
    def __init__(self, detail: FlagDetail) -> None:
        super().__init__()
        self.detail = detail


class ReviewFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def default_export_path(now: datetime) -> Path:
    """Under the data folder: ``exports/open-flags-YYYYMMDD-HHMMSS.csv``."""
    folder = paths.ensure_dir(paths.data_dir() / "exports")
    return folder / f"open-flags-{now.astimezone(UTC):%Y%m%d-%H%M%S}.csv"


class ReviewScreen(Screen[None]):
    """PIN first, then the queue. Closing (Esc) forgets the unsealing key."""

    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Close", id="review.close"),
        Binding("s", "cycle_status", "Status filter", id="review.filter_status"),
        Binding("r", "cycle_reason", "Reason filter", id="review.filter_reason"),
        Binding("o", "cycle_sort", "Sort", id="review.sort"),
        Binding("p", "form('report')", "Mark reported", id="review.mark_reported"),
        Binding("v", "form('resolve')", "Resolve", id="review.resolve"),
        Binding("u", "form('reopen')", "Reopen", id="review.reopen"),
        Binding("e", "form('export')", "Export CSV", id="review.export"),
        Binding("l", "lock", "Lock", id="review.lock"),
        Binding("f1", "help", "Help", id="review.help"),
    ]

    def __init__(
        self,
        cache: OfflineCache,
        settings: ManagerConfig,
        *,
        lang: Lang = "en",
        now: Clock = utc_now,
        idle_clock: Callable[[], float] = time.monotonic,
        key_path: Path | None = None,
    ) -> None:
        super().__init__()
        localise_bindings(self, lang)
        self.cache = cache
        self.settings = settings
        self.lang = lang
        self._now = now
        self._idle_clock = idle_clock
        self._key_path = key_path
        self.mode: Mode = "pin"
        self.session: ReviewSession | None = None
        self.all_flags: list[FlagSummary] = []
        self.shown: list[FlagSummary] = []
        self._reason_words: dict[str, str] = {}
        self._status_words = {s: status_words(s, lang) for s in FlagStatus}
        self.status_filter: FlagStatus | None = None
        self.reason_filter: str | None = None
        self.sort: SortKey = "date"
        self.form_kind: FormKind | None = None
        self.detail: FlagDetail | None = None
        self._bindings_for: tuple[Mode, FlagStatus | None] | None = None
        self._last_activity = idle_clock()

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header()
        with Vertical(id="review-pin-box"):
            yield Static(t("review.pin.prompt", lang), id="review-pin-prompt", markup=False)
            yield Input(
                placeholder=t("review.pin.placeholder", lang),
                password=True,
                max_length=32,
                restrict=r"[0-9A-Za-z]*",
                id="review-pin",
            )
            yield Static("", id="review-pin-message", markup=False)
        with Vertical(id="review-queue"):
            yield Static("", id="review-count", markup=False)
            yield Static(self._header(), id="review-head", markup=False)
            yield FlagList[FlagSummary](self._format_row, id="review-table")
            with VerticalScroll(id="review-detail-box"):
                yield Static("", id="review-detail", markup=False)
        with Vertical(id="review-form"):
            yield Static("", id="review-form-title", markup=False)
            yield Input(id="review-form-date", max_length=10, restrict=r"[0-9/\-]*")
            yield Input(id="review-form-text", max_length=200)
            yield Static(t("review.form.keys", lang), id="review-form-keys", markup=False)
        yield Static("", id="review-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("review.title", self.lang)
        localise_bindings(self._table, self.lang)
        self._show_mode("pin")
        self.set_interval(1.0, self.check_idle, name="review-idle")
        if self.settings.pin_hash is None:
            self._pin_message(t("review.pin.not_set", self.lang))
            self.query_one("#review-pin", Input).disabled = True
        else:
            self._pin_status()

    def _show_mode(self, mode: Mode) -> None:
        self.mode = mode
        self._bindings_for = None
        self.query_one("#review-pin-box").display = mode == "pin"
        self.query_one("#review-queue").display = mode != "pin"
        self.query_one("#review-form").display = mode == "form"
        if mode == "pin":
            pin = self.query_one("#review-pin", Input)
            pin.value = ""
            pin.focus()
        elif mode == "queue":
            self._table.focus()
        self.refresh_bindings()

    # -- idle lock ------------------------------------------------------------
    def _touch(self) -> None:
        self._last_activity = self._idle_clock()

    # Typing into an Input and keys taken by bindings do not reach on_key, so every
    # way the manager acts counts as activity too.
    def on_key(self, event: events.Key) -> None:
        self._touch()

    def on_input_changed(self, message: Input.Changed) -> None:
        self._touch()

    def check_idle(self) -> None:
        """Lock when unlocked and idle for ``idle_lock_seconds`` (called every second)."""
        if self.session is None:
            return
        if self._idle_clock() - self._last_activity >= self.settings.idle_lock_seconds:
            self._lock("idle")
            self._pin_message(
                t("review.pin.idle", self.lang, seconds=self.settings.idle_lock_seconds)
            )

    def _lock(self, reason: str, *, wait: bool = False) -> None:
        session, self.session = self.session, None
        self.all_flags, self.shown, self.detail = [], [], None
        self.form_kind = None
        self._table.set_rows([])
        self.query_one("#review-detail", Static).update("")
        self.query_one("#review-pin", Input).disabled = False
        self._show_mode("pin")
        self._message("")
        if session is not None:
            if wait:  # leaving the screen: one short audit row, written before we go
                session.close(reason)
            else:
                self._close_session(session, reason)

    @work(thread=True, group="review-close", exit_on_error=False, description="review close")
    def _close_session(self, session: ReviewSession, reason: str) -> None:
        session.close(reason)

    # -- PIN ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review-pin", exit_on_error=False)
    def _pin_status(self) -> None:
        try:
            check = ManagerPin(self.cache, self.settings, now=self._now).status()
        except CacheError as exc:
            self.post_message(PinStatus(None, str(exc)))
            return
        self.post_message(PinStatus(check))

    def on_pin_status(self, message: PinStatus) -> None:
        if message.error is not None:
            self._pin_message(message.error)
        elif message.check is not None:
            self._show_check(message.check, first_look=True)

    def _show_check(self, check: PinCheck, *, first_look: bool = False) -> None:
        pin = self.query_one("#review-pin", Input)
        if check.verdict is Verdict.LOCKED and check.locked_until is not None:
            until = check.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")
            self._pin_message(t("review.pin.locked", self.lang, until=until))
            pin.disabled = False
        elif first_look:
            self._pin_message(t("review.pin.tries_left", self.lang, tries=check.tries_left))
        else:
            self._pin_message(t("review.pin.wrong", self.lang, tries=check.tries_left))
        pin.focus()

    def _pin_message(self, text: str) -> None:
        self.query_one("#review-pin-message", Static).update(text)

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if message.input.id == "review-pin":
            pin = message.value
            message.input.value = ""
            if not pin:
                return
            message.input.disabled = True
            self._pin_message(t("review.pin.checking", self.lang))
            self._check_pin(pin)
        elif message.input.id == "review-form-date":
            self.query_one("#review-form-text", Input).focus()
        elif message.input.id == "review-form-text":
            self._submit_form()

    @work(thread=True, exclusive=True, group="review-pin", exit_on_error=False)
    def _check_pin(self, pin: str) -> None:
        try:
            result = unlock_review(
                self.cache, self.settings, pin, key_path=self._key_path, now=self._now
            )
        except (ManagerError, CacheError) as exc:
            self.post_message(PinChecked(None, str(exc)))
            return
        self.post_message(PinChecked(result))
        if result.session is not None:
            self._load(result.session)

    def on_pin_checked(self, message: PinChecked) -> None:
        pin = self.query_one("#review-pin", Input)
        pin.disabled = False
        if message.result is None:
            self._pin_message(message.error or "")
            pin.focus()
            return
        session = message.result.session
        if session is None:
            self._show_check(message.result.check)
            return
        self.session = session
        self._touch()
        self._pin_message("")
        self._show_mode("queue")
        self.query_one("#review-count", Static).update(t("review.loading", self.lang))
        if session.key_problem:
            self._message(t("review.key_problem", self.lang, message=session.key_problem))

    # -- queue ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def _load(self, session: ReviewSession, note: str = "") -> None:
        try:
            flags = session.queue()
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(str(exc)))
            return
        self.post_message(FlagsLoaded(flags, note))

    def on_flags_loaded(self, message: FlagsLoaded) -> None:
        if self.session is None:
            return
        self.all_flags = message.flags
        self.refresh_queue()
        if message.note:
            self._message(message.note)

    @property
    def _table(self) -> FlagList[FlagSummary]:
        return self.query_one("#review-table", FlagList)

    def _header(self) -> str:
        lang = self.lang
        return (
            fit(" " + t("review.col.when", lang), _WHEN)
            + fit(t("review.col.desk", lang), _DESK)
            + fit(t("review.col.reason", lang), _REASON)
            + t("review.col.status", lang)
        )

    def _reason(self, reason: str) -> str:
        words = self._reason_words.get(reason)
        if words is None:
            words = self._reason_words[reason] = reason_words(reason, self.lang)
        return words

    def _format_row(self, flag: FlagSummary, width: int) -> str:
        """One queue line; only called for the lines on screen."""
        return (
            fit(f" {flag.created_at.astimezone():%Y-%m-%d %H:%M}", _WHEN)
            + fit(flag.desk_id, _DESK)
            + fit(self._reason(flag.reason), _REASON)
            + self._status_words[flag.status]
        )

    def refresh_queue(self) -> None:
        """Apply the filters and sorting to the loaded flags and redraw the list."""
        selected = self._selected_id()
        flt = FlagFilter(status=self.status_filter, reason=self.reason_filter)
        self.shown = filter_and_sort(self.all_flags, flt, self.sort)
        cursor = 0
        if selected is not None:
            cursor = next((i for i, f in enumerate(self.shown) if f.id == selected), 0)
        self._table.set_rows(self.shown, cursor=cursor)
        lang = self.lang
        words = self._status_words
        all_words = t("review.all", lang)
        self.query_one("#review-count", Static).update(
            t(
                "review.count",
                lang,
                shown=len(self.shown),
                total=len(self.all_flags),
                status=words[self.status_filter] if self.status_filter else all_words,
                reason=reason_words(self.reason_filter, lang) if self.reason_filter else all_words,
                sort=t(f"review.sort.{self.sort}", lang),
            )
            + ("" if self.shown else f"   {t('review.empty', lang)}")
        )
        if self.detail is not None:
            shown = self.detail.flag
            fresh = next((f for f in self.all_flags if f.id == shown.id), None)
            if fresh is not None and fresh.status is not shown.status:
                self._open_detail(fresh.id)

    def _selected_id(self) -> str | None:
        flag = self._current_flag()
        return flag.id if flag is not None else None

    def on_flag_list_selected(self, message: FlagList.Selected) -> None:
        message.stop()
        self._touch()
        flag_id = self._selected_id()
        if flag_id is not None:
            self._open_detail(flag_id)

    @work(thread=True, exclusive=True, group="review-detail", exit_on_error=False)
    def _open_detail(self, flag_id: str) -> None:
        session = self.session
        if session is None:
            return
        try:
            detail = session.detail(flag_id)
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(str(exc)))
            return
        self.post_message(DetailLoaded(detail))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if self.session is None:
            return
        self.detail = message.detail
        self.query_one("#review-detail", Static).update(self.render_detail(message.detail))
        self.refresh_bindings()

    def render_detail(self, detail: FlagDetail) -> str:
        """The chip's identity and the insurer reference; never the record's content."""
        lang = self.lang
        flag = detail.flag
        card = flag.card_identity
        sex = str(card.get("sex", ""))
        sex_words = t(f"review.sex.{sex}", lang) if has_text(f"review.sex.{sex}") else sex
        lines = [
            f"{t('review.detail.flag', lang)}: {flag.id}   "
            f"{flag.created_at.astimezone():%Y-%m-%d %H:%M}   {flag.desk_id}   "
            f"{reason_words(flag.reason, lang)}   [{status_words(flag.status, lang)}]",
            f"{dt('review.reference', lang)}: {detail.patient_reference}",
            "",
            t("review.detail.card", lang),
            f"  {t('review.detail.name', lang)}: {card.get('name', '')}",
            f"  {t('review.detail.birthdate', lang)}: {card.get('birthdate', '')}",
            f"  {t('review.detail.sex', lang)}: {sex_words}",
            f"  {t('review.detail.certificate', lang)}: {card.get('certificate_sha256', '')}",
            "",
            t("review.detail.linked", lang),
        ]
        state = detail.reference_state
        if state is ReferenceState.UNSEALED and detail.reference is not None:
            lines += [f"  {line}" for line in detail.reference.insurer_reference.splitlines()]
            if detail.reference.linked_record_ref:
                lines.append(
                    f"  {t('review.detail.linked_ref', lang)}: {detail.reference.linked_record_ref}"
                )
        else:
            lines.append("  " + t(f"review.detail.{state.value}", lang))
            if detail.gateway_ref:
                lines.append(f"  {t('review.detail.linked_ref', lang)}: {detail.gateway_ref}")
        if flag.reported_at is not None:
            lines += [
                "",
                t(
                    "review.detail.reported",
                    lang,
                    date=f"{flag.reported_at.astimezone():%Y-%m-%d}",
                    contact=flag.insurer_contact or "",
                ),
            ]
        if flag.resolved_at is not None:
            lines.append(
                t(
                    "review.detail.resolved",
                    lang,
                    date=f"{flag.resolved_at.astimezone():%Y-%m-%d}",
                    note=flag.resolution_note or "",
                )
            )
        if detail.history:
            lines += ["", t("review.detail.history", lang)]
            for move in detail.history:
                extra = move.note or move.insurer_contact or ""
                lines.append(
                    f"  {move.at.astimezone():%Y-%m-%d %H:%M}  "
                    f"{status_words(move.from_status, lang)} → "
                    f"{status_words(move.to_status, lang)}  {extra}"
                )
        return "\n".join(lines)

    # -- filters and sorting --------------------------------------------------
    def action_cycle_status(self) -> None:
        self._touch()
        index = _STATUS_CYCLE.index(self.status_filter)
        self.status_filter = _STATUS_CYCLE[(index + 1) % len(_STATUS_CYCLE)]
        self.refresh_queue()

    def action_cycle_reason(self) -> None:
        self._touch()
        present: list[str | None] = [None, *sorted({f.reason for f in self.all_flags})]
        index = present.index(self.reason_filter) if self.reason_filter in present else 0
        self.reason_filter = present[(index + 1) % len(present)]
        self.refresh_queue()

    def action_cycle_sort(self) -> None:
        self._touch()
        self.sort = _SORT_CYCLE[(_SORT_CYCLE.index(self.sort) + 1) % len(_SORT_CYCLE)]
        self.refresh_queue()

    # -- actions --------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back", "help"):
            return True
        if self.mode != "queue" or self.session is None:
            return False
        if action == "form":
            kind = parameters[0] if parameters else None
            flag = self._current_flag()
            if kind == "export":
                return True
            if flag is None:
                return False
            if kind == "report":
                return flag.status is FlagStatus.OPEN
            if kind == "resolve":
                return flag.status is not FlagStatus.RESOLVED
            if kind == "reopen":
                return flag.status is not FlagStatus.OPEN
        return True

    def _current_flag(self) -> FlagSummary | None:
        table = self._table
        rows = table.rows
        return rows[table.cursor] if 0 <= table.cursor < len(rows) else None

    def on_flag_list_highlighted(self, message: FlagList.Highlighted) -> None:
        self._touch()
        # Redrawing the footer is the slow part of moving the cursor: only when the
        # actions that apply change (they depend on the status under the cursor).
        flag = self._current_flag()
        applies = (self.mode, flag.status if flag is not None else None)
        if applies != self._bindings_for:
            self._bindings_for = applies
            self.refresh_bindings()

    def action_form(self, kind: FormKind) -> None:
        self._touch()
        self.form_kind = kind
        self._show_mode("form")
        lang = self.lang
        title = self.query_one("#review-form-title", Static)
        day = self.query_one("#review-form-date", Input)
        text = self.query_one("#review-form-text", Input)
        day.display = kind == "report"
        text.value = ""
        if kind == "report":
            title.update(t("review.form.report", lang))
            day.value = f"{self._now().astimezone():%Y%m%d}"
            day.placeholder = t("review.form.report_date", lang)
            text.placeholder = t("review.form.contact", lang)
            day.focus()
            return
        if kind == "export":
            title.update(t("review.form.export", lang))
            text.placeholder = ""
            text.max_length = 1000
            text.value = str(default_export_path(self._now()))
        else:
            title.update(t(f"review.form.{kind}", lang))
            text.placeholder = t("review.form.note", lang)
            text.max_length = 200
        text.focus()

    def _submit_form(self) -> None:
        self._touch()
        session = self.session
        kind = self.form_kind
        if session is None or kind is None:
            return
        text = self.query_one("#review-form-text", Input).value
        if kind == "export":
            self._run_action(session, kind, "", text, None)
            return
        flag = self._current_flag()
        if flag is None:
            return
        reported_on = None
        if kind == "report":
            reported_on = parse_typed_date(self.query_one("#review-form-date", Input).value)
            if reported_on is None:
                self._message(t("review.form.bad_date", self.lang))
                return
        self._run_action(session, kind, flag.id, text, reported_on)

    @work(thread=True, exclusive=True, group="review-action", exit_on_error=False)
    def _run_action(
        self,
        session: ReviewSession,
        kind: FormKind,
        flag_id: str,
        text: str,
        reported_on: date | None,
    ) -> None:
        lang = self.lang
        try:
            if kind == "report":
                assert reported_on is not None
                session.mark_reported(flag_id, reported_on=reported_on, contact=text)
                note = t("review.done.reported", lang)
            elif kind == "resolve":
                session.resolve(flag_id, note=text)
                note = t("review.done.resolved", lang)
            elif kind == "reopen":
                session.reopen(flag_id, note=text)
                note = t("review.done.reopened", lang)
            else:
                target = Path(text.strip()).expanduser()
                count = session.export_csv(target, lang=lang)
                note = t("review.done.export", lang, count=count, path=target)
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(str(exc)))
            return
        self.app.call_from_thread(self._form_done)
        self._load(session, note)

    def _form_done(self) -> None:
        self.form_kind = None
        if self.session is not None:
            self._show_mode("queue")

    def on_review_failed(self, message: ReviewFailed) -> None:
        self._message(message.text)

    def _message(self, text: str) -> None:
        self.query_one("#review-message", Static).update(text)

    def action_back(self) -> None:
        if self.mode == "form":
            self.form_kind = None
            self._message("")
            self._show_mode("queue")
            return
        self._lock("close", wait=True)
        self.dismiss(None)

    def action_lock(self) -> None:
        self._lock("lock")

    def action_help(self) -> None:
        self._message(t("review.help", self.lang))


def open_from_desk(app: App[None], lang: Lang) -> None:
    """Push the review over the desk, on the desk's own cache (F2 / M on the desk)."""
    services = getattr(app, "services", None)
    # The runner's store port holds the cache the desk raises its flags in.
    store = services.runner.store if isinstance(services, DeskServices) else None
    cache = store.cache if isinstance(store, CacheStorePort) else None
    if not isinstance(cache, OfflineCache):
        app.notify(t("review.no_cache", lang), severity="error")
        return
    manager = services.manager if isinstance(services, DeskServices) else None
    if manager is not None:  # the demo's own manager: its PIN is no secret
        if manager.demo_pin:
            app.notify(t("review.demo_pin", lang, pin=manager.demo_pin))
        app.push_screen(ReviewScreen(cache, manager.settings, lang=lang, key_path=manager.key_path))
        return
    try:
        settings = load_settings().manager
    except ConfigError as exc:
        app.notify(exc.message, severity="error")
        return
    app.push_screen(ReviewScreen(cache, settings, lang=lang))

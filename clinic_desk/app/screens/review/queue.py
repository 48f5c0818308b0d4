"""The queue of flagged mismatches: filters, search, sorting, a flag's detail.

Cache queries run in thread workers and come back as messages. What is on screen
is what the actions and the export apply to: the export writes exactly the flags
the filters and the search show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.screens.review import columns
from clinic_desk.app.screens.review.context import (
    Activity,
    DetailLoaded,
    FlagsLoaded,
    ReviewFailed,
    SearchDone,
    problem_words,
)
from clinic_desk.app.screens.review.detail import render_detail
from clinic_desk.app.widgets.flag_list import FlagList
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.checkin.stages import FlagReason
from clinic_desk.manager.errors import ManagerError
from clinic_desk.manager.review import (
    FlagDetail,
    FlagFilter,
    ReviewSession,
    SortKey,
    filter_and_sort,
    reason_words,
    status_words,
)
from clinic_desk.texts import plural, t
from clinic_desk.texts.keys import TextKey
from offline_cache import CacheError, FlagStatus, FlagSummary

if TYPE_CHECKING:
    from clinic_desk.app.screens.review.pin import ReviewScreen

_STATUS_CYCLE: tuple[FlagStatus | None, ...] = (None, *FlagStatus)
_SORT_CYCLE: tuple[SortKey, ...] = ("date", "reason", "status")
_SORT_WORDS: dict[SortKey, TextKey] = {
    "date": "review.sort.date",
    "reason": "review.sort.reason",
    "status": "review.sort.status",
}


class QueueScreen(Activity, Screen[None]):
    CSS_PATH = "../../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="review.close"),
        # F1 early: the key bar keeps the keys that fit, and the help lists them all
        Binding("f1", "help", "Help", id="review.help"),
        Binding("s", "cycle_status", "Status filter", id="review.filter_status"),
        Binding("r", "cycle_reason", "Reason filter", id="review.filter_reason"),
        Binding("slash", "search", "Search", id="review.search", key_display="/"),
        Binding("o", "cycle_sort", "Sort", id="review.sort"),
        Binding("p", "form('report')", "Mark reported", id="review.mark_reported"),
        Binding("v", "form('resolve')", "Resolve", id="review.resolve"),
        Binding("u", "form('reopen')", "Reopen", id="review.reopen"),
        Binding("e", "export", "Export CSV", id="review.export"),
        # in the help (F1) rather than the key bar, which is full at 120 columns
        Binding("c", "claims", "Newer insurance", id="review.claims", show=False),
        Binding("n", "aliases", "Name aliases", id="review.aliases", show=False),
        Binding("l", "lock", "Lock", id="review.lock"),
    ]

    def __init__(self, owner: ReviewScreen) -> None:
        super().__init__()
        self.owner = owner
        self.context = owner.context
        self.lang = owner.lang
        localise_bindings(self, self.lang)
        self.all_flags: list[FlagSummary] = []
        self.shown: list[FlagSummary] = []
        self._reason_words: dict[str, str] = {}
        self._status_words = {s: status_words(s, self.lang) for s in FlagStatus}
        self._status_cells = columns.status_width(self._status_words.values())
        self._row_width = 0  # the width the rows were last drawn at (the header follows)
        self.status_filter: FlagStatus | None = None
        self.reason_filter: str | None = None
        self.search_text = ""
        self.search_ids: frozenset[str] | None = None
        self.sort: SortKey = "date"
        self.detail: FlagDetail | None = None
        self._keys_for: FlagStatus | bool | None = False

    @property
    def session(self) -> ReviewSession | None:
        return self.context.session

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review-queue"):
            yield Prose(t("review.loading", self.lang), id="review-count")
            yield Static(self._header(), id="review-head", markup=False)
            yield FlagList[FlagSummary](self._format_row, id="review-table")
            with VerticalScroll(id="review-detail-box"):
                yield Prose(id="review-detail")
        yield Prose(id="review-message")
        yield KeyBar(id="review-keys")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("review.title", self.lang)
        localise_bindings(self._table, self.lang)
        self._table.focus()
        session = self.session
        if session is not None:
            if session.key_problem:
                self.message(t("review.key_problem", self.lang, message=session.key_problem))
            self.load()
        self._refresh_keys()

    def on_screen_resume(self) -> None:
        self._refresh_keys(force=True)

    @property
    def _table(self) -> FlagList[FlagSummary]:
        return self.query_one("#review-table", FlagList)

    def message(self, text: str) -> None:
        self.query_one("#review-message", Prose).show(text)

    # -- loading ----------------------------------------------------------------
    def load(self, note: str = "") -> None:
        if self.session is not None:
            self._load(self.session, note)

    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def _load(self, session: ReviewSession, note: str) -> None:
        try:
            flags = session.queue()
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(problem_words(exc, self.lang)))
            return
        self.post_message(FlagsLoaded(flags, note))

    def on_flags_loaded(self, message: FlagsLoaded) -> None:
        if self.session is None:
            return
        self.all_flags = message.flags
        self.refresh_queue()
        if message.note:
            self.message(message.note)

    def on_review_failed(self, message: ReviewFailed) -> None:
        self.message(message.text)

    # -- the list -------------------------------------------------------------------
    def _header(self) -> str:
        lang = self.lang
        return columns.line(
            " " + t("review.col.when", lang),
            t("review.col.desk", lang),
            t("review.col.reason", lang),
            t("review.col.status", lang),
            reason_cells=self._reason_cells(self._row_width or self.app.size.width - 2),
        )

    def _reason_cells(self, width: int) -> int:
        return columns.reason_width(width, self._status_cells)

    def _show_header(self) -> None:
        self.query_one("#review-head", Static).update(self._header())

    def _reason(self, reason: str) -> str:
        words = self._reason_words.get(reason)
        if words is None:
            words = self._reason_words[reason] = reason_words(reason, self.lang)
        return words

    def _format_row(self, flag: FlagSummary, width: int) -> str:
        """One queue line; only called for the lines on screen."""
        if width != self._row_width:  # a new width: the header follows the rows
            self._row_width = width
            self.call_later(self._show_header)
        return columns.line(
            f" {flag.created_at.astimezone():%Y-%m-%d %H:%M}",
            flag.desk_id,
            self._reason(flag.reason),
            self._status_words[flag.status],
            reason_cells=self._reason_cells(width),
        )

    def refresh_queue(self) -> None:
        """Apply the filters, the search and the sorting to the loaded flags; redraw."""
        selected = self.current_flag()
        flt = FlagFilter(status=self.status_filter, reason=self.reason_filter)
        shown = filter_and_sort(self.all_flags, flt, self.sort)
        if self.search_ids is not None:
            shown = [f for f in shown if f.id in self.search_ids]
        self.shown = shown
        cursor = 0
        if selected is not None:
            cursor = next((i for i, f in enumerate(shown) if f.id == selected.id), 0)
        self._table.set_rows(shown, cursor=cursor)
        self._show_count()
        if self.detail is not None:
            fresh = next((f for f in shown if f.id == self.detail.flag.id), None)
            if fresh is None:  # the flag on the detail pane is filtered away: clear it
                self._show_detail(None)
            elif fresh.status is not self.detail.flag.status:
                self._open_detail(fresh.id)
        self._refresh_keys(force=True)

    def _show_count(self) -> None:
        lang = self.lang
        all_words = t("review.all", lang)
        total = len(self.all_flags)
        count = t(
            plural(total, "review.count.one", "review.count"),
            lang,
            shown=len(self.shown),
            total=total,
        )
        reason = self.reason_filter
        text = (
            count
            + "   "
            + t(
                "review.filters",
                lang,
                status=self._status_words[self.status_filter] if self.status_filter else all_words,
                reason=reason_words(reason, lang) if reason else all_words,
                sort=t(_SORT_WORDS[self.sort], lang),
            )
        )
        if self.search_text:
            text += "   " + t("review.filters.search", lang, text=self.search_text)
        if not self.shown:
            text += f"   {t('review.empty', lang)}"
        self.query_one("#review-count", Prose).show(text)

    def current_flag(self) -> FlagSummary | None:
        table = self._table
        rows = table.rows
        return rows[table.cursor] if 0 <= table.cursor < len(rows) else None

    def on_flag_list_highlighted(self, message: FlagList.Highlighted) -> None:
        self.context.touch()
        self._refresh_keys()

    def _refresh_keys(self, *, force: bool = False) -> None:
        # Redrawing the footer is the slow part of moving the cursor: only when the
        # actions that apply change (they depend on the status under the cursor).
        flag = self.current_flag()
        applies = flag.status if flag is not None else None
        if force or applies != self._keys_for:
            self._keys_for = applies
            self.refresh_bindings()
            self.query_one(KeyBar).show_for(self)

    # -- detail -------------------------------------------------------------------
    def on_flag_list_selected(self, message: FlagList.Selected) -> None:
        message.stop()
        self.context.touch()
        flag = self.current_flag()
        if flag is not None:
            self._open_detail(flag.id)

    @work(thread=True, exclusive=True, group="review-detail", exit_on_error=False)
    def _open_detail(self, flag_id: str) -> None:
        session = self.session
        if session is None:
            return
        try:
            detail = session.detail(flag_id)
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(problem_words(exc, self.lang)))
            return
        self.post_message(DetailLoaded(detail))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if self.session is not None:
            self._show_detail(message.detail)

    def _show_detail(self, detail: FlagDetail | None) -> None:
        self.detail = detail
        text = render_detail(detail, self.lang) if detail is not None else ""
        self.query_one("#review-detail", Prose).show(text)

    # -- filters, search and sorting ----------------------------------------------
    def action_cycle_status(self) -> None:
        index = _STATUS_CYCLE.index(self.status_filter)
        self.status_filter = _STATUS_CYCLE[(index + 1) % len(_STATUS_CYCLE)]
        self.refresh_queue()

    def action_cycle_reason(self) -> None:
        present: list[str | None] = [None, *sorted({f.reason for f in self.all_flags})]
        index = present.index(self.reason_filter) if self.reason_filter in present else 0
        self.reason_filter = present[(index + 1) % len(present)]
        self.refresh_queue()

    def action_cycle_sort(self) -> None:
        self.sort = _SORT_CYCLE[(_SORT_CYCLE.index(self.sort) + 1) % len(_SORT_CYCLE)]
        self.refresh_queue()

    def action_search(self) -> None:
        from clinic_desk.app.screens.review.forms import SearchScreen

        def searched(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                self.search_text, self.search_ids = "", None
                self.refresh_queue()
            elif self.session is not None:
                self.message(t("review.search.searching", self.lang))
                self._search(self.session, text.strip())

        self.app.push_screen(SearchScreen(self, self.search_text), callback=searched)

    @work(thread=True, exclusive=True, group="review-search", exit_on_error=False)
    def _search(self, session: ReviewSession, text: str) -> None:
        try:
            ids = session.search(text)
        except (ManagerError, CacheError) as exc:
            self.post_message(ReviewFailed(problem_words(exc, self.lang)))
            return
        self.post_message(SearchDone(text, ids))

    def on_search_done(self, message: SearchDone) -> None:
        self.search_text, self.search_ids = message.text, message.ids
        self.message("")
        self.refresh_queue()

    # -- actions ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close", "help", "lock"):
            return True
        if self.session is None:
            return False
        if action == "export":
            return bool(self.shown)
        if action == "form":
            kind = parameters[0] if parameters else None
            flag = self.current_flag()
            if flag is None:
                return False
            if kind == "report":
                return flag.status is FlagStatus.OPEN
            if kind == "resolve":
                return flag.status is not FlagStatus.RESOLVED
            if kind == "reopen":
                return flag.status is not FlagStatus.OPEN
        return True

    def action_form(self, kind: str) -> None:
        from clinic_desk.app.screens.review.forms import FlagFormScreen

        flag = self.current_flag()
        if flag is None or kind not in ("report", "resolve", "reopen"):
            return
        self.app.push_screen(FlagFormScreen(self, kind, flag), callback=self._acted)

    def action_export(self) -> None:
        from clinic_desk.app.screens.review.forms import ExportScreen

        if not self.shown:
            self.message(t("review.error.nothing_to_export", self.lang))
            return
        ids = [f.id for f in self.shown]
        self.app.push_screen(ExportScreen(self, ids), callback=self._acted)

    def _acted(self, note: str | None) -> None:
        if note:
            self.load(note)

    def action_claims(self) -> None:
        """The visits shown with validity 3, for the claims clerk (again: every flag)."""
        wanted = FlagReason.NEWER_COVERAGE.value
        self.reason_filter = None if self.reason_filter == wanted else wanted
        self.refresh_queue()

    def action_aliases(self) -> None:
        from clinic_desk.app.screens.review.aliases import AliasScreen

        self.app.push_screen(AliasScreen(self))

    def action_lock(self) -> None:
        self.owner.lock_review("lock")

    def action_close(self) -> None:
        self.owner.close_review()

    def action_help(self) -> None:
        self.message(t("review.help", self.lang))

"""The manager's list of names the gate has learned: approve or revoke an alias.

Behind the manager PIN (opened from the review's queue). Each line shows the
alias's status in words, the card's spelling and the record's, the record it is
tied to and who proposed it. A approves a proposal, X revokes; each change is
written with its audit row in a thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, OptionList
from textual.widgets.option_list import Option

from clinic_desk.app.bindings import localise_bindings
from clinic_desk.app.screens.review.context import Activity
from clinic_desk.app.widgets.key_bar import KeyBar
from clinic_desk.app.widgets.prose import Prose
from clinic_desk.identity.aliases import AliasError, AliasStatus, NameAlias
from clinic_desk.manager.aliases import AliasReview
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey
from offline_cache import CacheError

if TYPE_CHECKING:
    from clinic_desk.app.screens.review.queue import QueueScreen

STATUS_WORDS: dict[AliasStatus, TextKey] = {
    AliasStatus.PROPOSED: "aliases.status.proposed",
    AliasStatus.APPROVED: "aliases.status.approved",
    AliasStatus.REVOKED: "aliases.status.revoked",
}


def alias_line(alias: NameAlias, lang: Lang) -> str:
    """One alias as the manager reads it (spellings: for the manager only)."""
    return t(
        "aliases.line",
        lang,
        status=t(STATUS_WORDS[alias.status], lang),
        card=alias.card_spelling,
        record=alias.record_spelling,
        ref=alias.record_ref,
        by=alias.proposed_by,
        on=alias.proposed_at.date().isoformat(),
    )


class AliasesLoaded(Message):
    def __init__(self, aliases: list[NameAlias], note: str) -> None:
        super().__init__()
        self.aliases = aliases
        self.note = note


class AliasScreen(Activity, Screen[None]):
    CSS_PATH = "../../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="review.close"),
        Binding("a", "approve", "Approve", id="aliases.approve"),
        Binding("x", "revoke", "Revoke", id="aliases.revoke"),
    ]

    def __init__(self, queue: QueueScreen) -> None:
        super().__init__()
        self.context = queue.context
        self.lang = queue.lang
        self.review = AliasReview(self.context.cache, now=self.context.now)
        self.aliases: list[NameAlias] = []
        localise_bindings(self, self.lang)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="aliases"):
            yield Prose(t("aliases.title", self.lang), id="aliases-title")
            yield OptionList(id="aliases-list")
        yield Prose(id="aliases-message")
        yield KeyBar(id="aliases-keys")

    def on_mount(self) -> None:
        self.title = "clinic-desk"
        self.sub_title = t("aliases.title", self.lang)
        self.query_one(OptionList).focus()
        self._load("")

    def message(self, text: str) -> None:
        self.query_one("#aliases-message", Prose).show(text)

    @work(thread=True, exclusive=True, group="aliases", exit_on_error=False)
    def _load(self, note: str) -> None:
        try:
            aliases = self.review.aliases()
        except CacheError as exc:
            self.post_message(AliasesLoaded([], str(exc)))
            return
        self.post_message(AliasesLoaded(aliases, note))

    def on_aliases_loaded(self, message: AliasesLoaded) -> None:
        self.aliases = message.aliases
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(
            Option(Text(alias_line(a, self.lang)), id=a.alias_id) for a in message.aliases
        )
        if message.aliases:
            listing.highlighted = 0
        self.message(message.note or ("" if message.aliases else t("aliases.none", self.lang)))
        self.query_one(KeyBar).show_for(self)

    def current(self) -> NameAlias | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.aliases):
            return None
        return self.aliases[index]

    def action_approve(self) -> None:
        alias = self.current()
        if alias is not None:
            self._change(alias.alias_id, "approve")

    def action_revoke(self) -> None:
        alias = self.current()
        if alias is not None:
            self._change(alias.alias_id, "revoke")

    @work(thread=True, exclusive=True, group="aliases", exit_on_error=False)
    def _change(self, alias_id: str, how: str) -> None:
        self.context.touch()
        try:
            if how == "approve":
                self.review.approve(alias_id)
                note = t("aliases.approved", self.lang)
            else:
                self.review.revoke(alias_id)
                note = t("aliases.revoked", self.lang)
        except AliasError:
            note = t("aliases.not_now", self.lang)
        except CacheError as exc:
            note = str(exc)
        self._load(note)

    def action_close(self) -> None:
        self.dismiss()

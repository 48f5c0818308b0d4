"""Footer texts of key bindings in the desk's language.

Each binding has an id; ``BINDING_TEXTS`` names the catalogue text of each one
that is shown. A shown binding without an entry keeps its English description,
which the language tests catch.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

# the desk's medication list scrolls with these without having the focus
LIST_SCROLL_BINDINGS = [
    Binding("up", "scroll_list('up')", show=False, id="desk.scroll_up"),
    Binding("down", "scroll_list('down')", show=False, id="desk.scroll_down"),
    Binding("pageup", "scroll_list('page_up')", show=False, id="desk.page_up"),
    Binding("pagedown", "scroll_list('page_down')", show=False, id="desk.page_down"),
    Binding("home", "scroll_list('home')", show=False, id="desk.scroll_home"),
    Binding("end", "scroll_list('end')", show=False, id="desk.scroll_end"),
]

BINDING_TEXTS: dict[str, TextKey] = {
    "app.quit": "key.quit",
    "review_app.quit": "key.quit",
    "desk.yes": "key.yes",
    "desk.no": "key.no",
    "desk.confirm_last_try": "key.confirm_last_try",
    "desk.accept": "key.accept",
    "desk.reject": "key.reject",
    "desk.done": "key.done",
    "desk.cancel": "key.cancel",
    "desk.help": "key.help",
    "desk.manager_review": "key.manager_review",
    "desk.seen": "key.seen",
    "help.close": "key.close",
    "face.cancel": "key.cancel",
    "app.face": "key.face",
    "help.close_f1": "key.close",
    "review.close": "key.close",
    "review.filter_status": "key.filter_status",
    "review.filter_reason": "key.filter_reason",
    "review.search": "key.search",
    "review.sort": "key.sort",
    "review.mark_reported": "key.mark_reported",
    "review.resolve": "key.resolve",
    "review.reopen": "key.reopen",
    "review.export": "key.export",
    "review.lock": "key.lock",
    "review.help": "key.help",
    "review.detail": "key.detail",
    "review.form.close": "key.close",
    "review.aliases": "key.aliases",
    "review.claims": "key.claims",
    "aliases.approve": "key.approve",
    "aliases.revoke": "key.revoke",
    # the desk's paths without a PIN (app/screens/path_desk.py)
    "desk.number_lookup": "key.number_lookup",
    "desk.visual_check": "key.visual_check",
    "desk.declaration": "key.declaration",
}


def localise_bindings(node: DOMNode, lang: Lang) -> None:
    """Give each binding of ``node`` with a known id its catalogue text in ``lang``."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=t(BINDING_TEXTS[b.id], lang))
            if b.id in BINDING_TEXTS
            else b
            for b in bindings
        ]

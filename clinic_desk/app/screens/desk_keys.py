"""Which of the desk's keys work in a check-in's stage (pure: a function of the view)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from clinic_desk.app.bindings import LIST_SCROLL_BINDINGS
from clinic_desk.checkin import ENDINGS, DeskView, Stage

PIN_STAGES = frozenset({Stage.READING, Stage.PIN_ENTRY})

DESK_BINDINGS: list[BindingType] = [
    Binding("y", "answer(True)", "Yes", id="desk.yes"),
    Binding("n", "answer(False)", "No", id="desk.no"),
    # priority: C works while the PIN field has the focus (it keeps the digits)
    Binding("c", "confirm_last_try", "Allow last try", id="desk.confirm_last_try", priority=True),
    Binding("a", "staff(True)", "Accept", id="desk.accept"),
    Binding("r", "staff(False)", "Reject", id="desk.reject"),
    Binding("d", "done", "Next patient", id="desk.done"),
    Binding("k", "seen", "Seen", id="desk.seen"),
    Binding("escape", "cancel", "Cancel", id="desk.cancel"),
    Binding("f1", "help", "Help", id="desk.help"),
    Binding("m,f2", "manager_review", "Manager review", id="desk.manager_review"),
    *LIST_SCROLL_BINDINGS,  # the medication list scrolls without having the focus
]


def allowed_keys(view: DeskView, *, attention: bool, on_display: bool) -> dict[str, bool]:
    """Action name → whether it works now. ``attention``: re-checked visits wait to be
    noticed; ``on_display``: the patient answers on the patient display."""
    stage = view.stage
    at_rest = stage is Stage.WAITING_FOR_CARD or stage in ENDINGS
    return {
        "answer": stage in (Stage.CONFIRMING_NAME, Stage.CONSENT) and not on_display,
        # while the PIN field is shown C always answers: it allows, or says when it will
        "confirm_last_try": view.needs_last_try_confirmation or stage in PIN_STAGES,
        "staff": stage is Stage.STAFF_DECISION,
        "done": stage in ENDINGS,
        "seen": attention and at_rest,
        "cancel": stage is not Stage.WAITING_FOR_CARD and stage not in ENDINGS,
        "scroll_list": view.result is not None,
    }

"""The birthdate typed ahead at the desk.

While the patient is asked "is this your name?" nothing has the focus, so the keys
typed right after Y ("y19720819" and Enter, in one burst) reach the screen before the
birthdate field is there. The screen hands each key here: the digits and the Enter
after Y are kept (``clinic_desk.patient.typed_ahead``) and put in the birthdate field
as soon as it is shown; an Enter among them submits it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.widgets import Input

from clinic_desk.checkin import Stage
from clinic_desk.patient.typed_ahead import ENTER, TypedAhead

_ASKING = frozenset({Stage.CONFIRMING_NAME, Stage.CONFIRMING_BIRTHDATE})


class BirthdateAhead:
    """Keeps the keys typed after the patient's Y for the birthdate field; ``submit``
    sends the field as the field's own Enter would."""

    def __init__(self, submit: Callable[[Input], Awaitable[None]]) -> None:
        self.keys = TypedAhead()
        self._submit = submit

    def see(self, stage: Stage) -> None:
        """A new view: keys kept for a birthdate nobody will ask for are dropped."""
        if stage not in _ASKING:
            self.keys.drop()

    def key(self, event: events.Key, stage: Stage, field: Input, *, asks: bool) -> None:
        """A key that reached the screen (``asks``: the desk's own Y/N answer now)."""
        self.see(stage)
        if stage is Stage.CONFIRMING_NAME and event.key == "y" and asks:
            self.keys.arm()  # Y goes on to its binding
            return
        if field.display and event.key == ENTER:
            return  # the field is there: its own binding submits it
        if not self.keys.catch(event.key, event.character):
            return
        event.stop()
        event.prevent_default()
        if field.display:
            self.feed(field)

    def feed(self, field: Input) -> None:
        """Put the digits kept so far in ``field`` (on screen now), and submit it when an
        Enter followed them."""
        fed = self.keys.take()
        if fed.digits:
            room = field.max_length - len(field.value) if field.max_length else len(fed.digits)
            field.value += fed.digits[: max(room, 0)]
            field.cursor_position = len(field.value)
        if fed.submit:
            field.call_later(self._submit, field)

"""The PIN on the reader's PIN pad: when the check-in asks for the PIN and the card's
reader takes it on its own keypad, the PIN entry starts on the reader at once.

The check-in machine is not changed for it: ``PadEntry`` watches the check-in as a
runner observer and answers the PIN question with an empty ``PinEntered``; the card
port (``ReaderCardPort`` with a pad) then sends the reader a VERIFY without a PIN and
the patient types it on the reader. The last try still waits for the receptionist's
confirmation (``LastTryConfirmed``) before the pad is asked.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.runner import CheckInRunner
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView

log = logging.getLogger("clinic_desk.checkin")

# what the check-in passes on instead of a PIN: the pad's card port never sends it
ON_THE_PAD = SecretStr("")


class PadEntry:
    """Add ``observe`` to a runner's observers."""

    def __init__(self, runner: CheckInRunner) -> None:
        self.runner = runner
        self._tasks: set[asyncio.Task[None]] = set()

    def observe(self, event: ev.Event, before: DeskView, machine: CheckInMachine) -> None:
        view = machine.view()
        if view.stage is not Stage.PIN_ENTRY or not view.pin_on_pad:
            return
        if view.needs_last_try_confirmation:
            return  # the receptionist's C first; then this runs again
        asked = before.stage is not Stage.PIN_ENTRY or isinstance(event, ev.LastTryConfirmed)
        if not asked:
            return
        generation = machine.generation
        task = asyncio.get_running_loop().create_task(
            self.runner.dispatch(ev.PinEntered(pin=ON_THE_PAD), generation)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

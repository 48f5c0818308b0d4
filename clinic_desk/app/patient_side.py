"""The patient display as the receptionist sees it: whether one is paired, and what
the desk says instead of asking when the patient answers on it."""

from __future__ import annotations

import logging
from pathlib import Path

from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.patient.link import PatientDisplayLink
from clinic_desk.patient.socket_file import SocketFileError
from clinic_desk.texts import Lang
from clinic_desk.texts.patient import DeskTextKey, dt

log = logging.getLogger("clinic_desk.patient_display")

_ASKING: dict[Stage, DeskTextKey] = {
    Stage.PIN_ENTRY: "asking.pin_entry",
    Stage.CONFIRMING_NAME: "asking.confirming_name",
    Stage.CONFIRMING_BIRTHDATE: "asking.confirming_birthdate",
    Stage.CONSENT: "asking.consent",
}


class PatientSide:
    """The desk's patient display, if it has one: the link, and its state in words."""

    def __init__(self, socket: Path | None) -> None:
        self.link = PatientDisplayLink(path=socket) if socket is not None else None
        self.unavailable = False

    async def start(self) -> None:
        if self.link is None:
            return
        try:
            await self.link.start()
        except SocketFileError as exc:  # the desk works on without a patient display
            log.warning("patient display unavailable: %s", exc.message)
            self.unavailable = True

    async def stop(self) -> None:
        if self.link is not None:
            await self.link.stop()

    def publish(self, view: DeskView) -> None:
        if self.link is not None:
            self.link.publish(view)

    @property
    def paired(self) -> bool:
        """A patient display is paired: the patient types the PIN there."""
        return self.link is not None and self.link.paired

    def asks_patient(self, view: DeskView) -> bool:
        """The patient answers ``view``'s question on the display, not at the desk."""
        return self.link is not None and self.link.asks_patient(view)

    def state(self) -> str:
        """For the status line: "" (no display configured), paired, waiting, unavailable."""
        if self.link is None:
            return ""
        if self.unavailable:
            return "unavailable"
        return "paired" if self.link.paired else "waiting"

    @staticmethod
    def asking(view: DeskView, lang: Lang) -> str:
        """What the desk says while the patient answers on the display."""
        key = _ASKING.get(view.stage)
        return dt(key, lang) if key is not None else ""

"""One check-in as a UI-free state machine (no Textual here)."""

from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.stages import ENDINGS, FlagReason, Stage
from clinic_desk.checkin.view import CheckInResult, DeskView

__all__ = ["ENDINGS", "CheckInMachine", "CheckInResult", "DeskView", "FlagReason", "Stage"]

"""Errors of the manager's review, each one plain sentence for the screen or the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Literal


class ManagerError(Exception):
    """Base class: ``str(error)`` is a plain sentence."""


class PinFormatError(ManagerError):
    """A new manager PIN that is too short, too long or has odd characters."""


class PinNotSet(ManagerError):
    def __init__(self) -> None:
        super().__init__("no manager PIN is set yet: run `clinic-desk review set-pin` first")


class PinHashUnreadable(ManagerError):
    def __init__(self, why: str = "") -> None:
        super().__init__(
            f"the manager PIN hash in the configuration cannot be used{': ' + why if why else ''}; "
            "set the PIN again with `clinic-desk review set-pin --reset`"
        )


class ConfigWriteError(ManagerError):
    """The configuration file could not be updated; it was left as it was."""


class ManagerKeyMissing(ManagerError):
    def __init__(self) -> None:
        super().__init__("there is no manager key on this desk yet")


class ManagerKeyDamaged(ManagerError):
    """The manager key file cannot be read; it is left untouched."""


class ReferencesUnreadable(ManagerError):
    """An export would leave out sealed insurer references: it is refused, not written."""


class ManagerKeyWrongPin(ManagerError):
    def __init__(self) -> None:
        super().__init__(
            "the manager key does not open with this PIN "
            "(it was made with a different PIN; see docs/manager-review.md)"
        )


class SealBroken(ManagerError):
    def __init__(self) -> None:
        super().__init__(
            "the sealed insurer reference cannot be opened: it was sealed for another "
            "manager key or was changed"
        )


InputProblem = Literal[
    "contact_required",
    "future_date",
    "note_required",
    "file_exists",
    "no_folder",
    "cannot_write",
    "locked",
]


class ReviewInputError(ManagerError):
    """A manager's entry that cannot be taken (empty note, missing contact …).

    ``problem`` names it, so a screen can say it in its own language; ``path`` and
    ``reason`` are what the words need.
    """

    def __init__(
        self, message: str, problem: InputProblem, *, path: Path | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.problem = problem
        self.path = path
        self.reason = reason

"""The patient's keys typed ahead of the birthdate field.

A patient who confirms their name with Y often types the birthdate at once
("y19720819" and Enter), before the birthdate field is on screen. Both screens that
ask (the desk and the patient display) keep those digits and the Enter here, in the
order typed, and hand them to the field when it appears; another question instead
(the name was not theirs, the check-in ended) drops them. Bounded: a held key down
keeps no more than a birthdate's worth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# digits of a birthdate as it may be typed (2026-11-27 is 10 characters), and one Enter
MAX_DIGITS = 10
ENTER = "enter"


@dataclass
class Fed:
    """What the field gets: the digits caught, and whether an Enter came after them."""

    digits: str = ""
    submit: bool = False


@dataclass
class TypedAhead:
    """Digits and Enter kept from the patient's Y until the birthdate field is shown."""

    armed: bool = False
    _digits: list[str] = field(default_factory=list)
    _enter: bool = False

    def arm(self) -> None:
        """The patient said yes to their name: what they type next is the birthdate."""
        self.armed = True
        self._digits.clear()
        self._enter = False

    def drop(self) -> None:
        """Another question came (or none): nothing typed ahead is kept."""
        self.armed = False
        self._digits.clear()
        self._enter = False

    def catch(self, key: str, character: str | None) -> bool:
        """Keep ``key`` when it belongs to the birthdate (a digit, or Enter after the
        digits); True when it was taken."""
        if not self.armed:
            return False
        if key == ENTER:
            self._enter = self._enter or bool(self._digits)
            return True
        if character is None or len(character) != 1 or not character.isdecimal():
            return False
        if not character.isascii():
            return False
        if not self._enter and len(self._digits) < MAX_DIGITS:
            self._digits.append(character)
        return True

    def take(self) -> Fed:
        """Hand over what was caught, in order (the field is on screen now); keys that
        arrive later still go to the field, until an Enter has been handed over."""
        fed = Fed("".join(self._digits), self._enter)
        self._digits.clear()
        self._enter = False
        if fed.submit:
            self.armed = False
        return fed

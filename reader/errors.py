"""Typed errors of the card layer. Every one carries a plain-language ``message``.

The messages are written for the receptionist at the desk: they say what
happened and what to do, and never contain a PIN or personal data.
"""

from __future__ import annotations


class CardLeftField(Exception):
    """A card emulator's card is no longer in the field (its transport turns this into
    ``NoCard`` or ``CardRemoved``)."""


class CardError(Exception):
    """Base of every error the reader layer raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the smart-card service and the reader -------------------------------------------


class ReaderUnavailable(CardError):
    """The card cannot be reached: no service, no reader, or the reader went away."""


class ServiceNotRunning(ReaderUnavailable):
    def __init__(self) -> None:
        super().__init__(
            "The smart-card service is not running. Start pcscd "
            "(sudo systemctl start pcscd) and try again."
        )


class NoReader(ReaderUnavailable):
    def __init__(self, pattern: str | None = None, available: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.available = available
        if pattern is None:
            message = "No card reader is connected. Plug in the reader and try again."
        elif available:
            message = (
                f"No card reader matches {pattern!r}. Connected readers: "
                + ", ".join(available)
                + "."
            )
        else:
            message = f"No card reader matches {pattern!r}: no reader is connected."
        super().__init__(message)


class AmbiguousReader(ReaderUnavailable):
    """Several readers match: the desk must be configured, never guess."""

    def __init__(self, pattern: str | None, matches: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.matches = matches
        which = (
            "Several card readers are connected"
            if pattern is None
            else (f"Several card readers match {pattern!r}")
        )
        super().__init__(f"{which} ({', '.join(matches)}). Configure which one the desk uses.")


class ReaderUnplugged(ReaderUnavailable):
    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__(f"The card reader {reader!r} was unplugged. Plug it in again.")


class ReaderBusy(ReaderUnavailable):
    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__(
            f"The card reader {reader!r} is in use by another program. Close it and try again."
        )


class VirtualReaderRefused(ReaderUnavailable):
    """A vsmartcard virtual reader outside demo/test mode: anyone on the network could
    present a forged card through it."""

    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__(
            f"The reader {reader!r} is a virtual reader; a desk must use a real card reader. "
            "Virtual readers are for demos and tests only."
        )


class NoCard(CardError):
    def __init__(self, reader: str) -> None:
        self.reader = reader
        super().__init__("No card is in the reader. Place the card on the reader.")


class CardRemoved(CardError):
    def __init__(self) -> None:
        super().__init__(
            "The card was removed during the read. Nothing was read; place the card again."
        )


class CardCommunicationError(CardError):
    """The reader reported a transmission failure the card layer cannot classify."""


# --- the card itself ------------------------------------------------------------------


class NotAMyNumberCard(CardError):
    def __init__(self) -> None:
        super().__init__("This card is not a My Number card.")


class WrongPin(CardError):
    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        tries = "1 try" if tries_left == 1 else f"{tries_left} tries"
        super().__init__(f"The PIN is wrong. {tries} left before the card locks.")


class PinBlocked(CardError):
    def __init__(self) -> None:
        super().__init__(
            "The PIN is locked after too many wrong tries. "
            "The card holder must have it reset at their municipal office."
        )


class LastTryNeedsConfirmation(CardError):
    """Only one try is left: a VERIFY is sent only with an explicit confirmation."""

    def __init__(self) -> None:
        self.tries_left = 1
        super().__init__(
            "Only 1 PIN try is left; a wrong PIN now locks the card. Confirm before trying again."
        )


class InvalidPinFormat(CardError):
    def __init__(self) -> None:
        super().__init__("The PIN must be exactly 4 digits. Nothing was sent to the card.")


class SecurityStatusNotSatisfied(CardError):
    def __init__(self) -> None:
        super().__init__("The card refused: the PIN has not been verified for this step.")


class CardFileMissing(CardError):
    def __init__(self, file_id: str) -> None:
        self.file_id = file_id
        super().__init__(f"The card has no file {file_id} (status 6A 82).")


class UnexpectedStatus(CardError):
    def __init__(self, sw: int, step: str) -> None:
        self.sw = sw
        self.step = step
        super().__init__(f"The card answered {sw >> 8:02X} {sw & 0xFF:02X} while {step}.")

    @property
    def sw_hex(self) -> str:
        return f"{self.sw:04X}"


class MalformedCardData(CardError):
    def __init__(self, what: str) -> None:
        super().__init__(f"The card's data could not be read: {what}.")


class ForbiddenCommand(CardError):
    """The APDU layer refused a command that a check-in does not need."""

    def __init__(self, description: str, *, reach: bool = False) -> None:
        what = f"would reach {description}" if reach else f"is not allowed: {description}"
        super().__init__(f"Refused to send a command that {what}.")
        self.description = description


class ForbiddenFile(ForbiddenCommand):
    """The APDU layer refused a command that would reach a file the desk must not touch."""

    def __init__(self, description: str) -> None:
        super().__init__(description, reach=True)


# --- PIN pads (PC/SC part 10) ------------------------------------------------------------


class PinPadUnavailable(CardError):
    """The reader has no PIN pad the desk can use (no FEATURE_VERIFY_PIN_DIRECT)."""

    def __init__(self, reader: str) -> None:
        super().__init__(
            f"The card reader {reader} has no PIN pad the desk can use. "
            "Use a reader with a PIN pad, or allow keyboard entry in the configuration."
        )


class PinPadTimeout(CardError):
    """The PIN pad answered 64 00: nobody finished typing in time. No try was spent."""

    def __init__(self) -> None:
        super().__init__(
            "No PIN was typed on the card reader in time. No try was used; ask the patient "
            "to try again."
        )


class PinPadCancelled(CardError):
    """The PIN pad answered 64 01: the cancel key was pressed. No try was spent."""

    def __init__(self) -> None:
        super().__init__("The PIN entry was cancelled on the card reader. No try was used.")


class PinPadRefused(CardError):
    """The reader refused the PIN-pad request (e.g. 6B 80, or a PC/SC failure)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"The card reader's PIN pad could not be used: {detail}.")

"""Typed errors of the 資格確認端末 file exchange.

Each error's message is one plain sentence without personal data (file ids,
codes and folder names only). ``terminal_message`` keeps what the terminal
wrote in an ``.err`` file or an ErrorMessage element: it may name the request's
fields, so it is for support screens, never for logs.
"""

from __future__ import annotations


class OqsError(Exception):
    """Base of every error of ``clinic_desk.oqs``."""

    def __init__(self, message: str, *, code: str, file_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.file_id = file_id


class OqsFormatError(OqsError):
    """A file from the terminal cannot be read: not well-formed, hostile (entities,
    DTDs, too large, too deep), an encoding it does not declare, or missing items.

    The one error the parsers raise."""

    def __init__(self, message: str, *, code: str = "format", file_id: str | None = None) -> None:
        super().__init__(message, code=code, file_id=file_id)


class OqsInputError(OqsError, ValueError):
    """What the desk asked for cannot be put into a request (e.g. a 7-digit insurer number)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="input")


class OqsUnavailable(OqsError):
    """The terminal's folders cannot be used: missing, not writable, not regular files."""


class OqsTimeout(OqsUnavailable):
    """No answer before the deadline. ``processing`` is True when the terminal had said
    "processing" (SegmentOfResult 2); ``withdrawn`` when the request was taken back
    before the terminal read it."""

    def __init__(self, message: str, *, file_id: str, processing: bool, withdrawn: bool) -> None:
        super().__init__(message, code="processing" if processing else "timeout", file_id=file_id)
        self.processing = processing
        self.withdrawn = withdrawn


class OqsTerminalError(OqsError):
    """The terminal answered with an error: an ``.err`` file, SegmentOfResult abnormal
    end, or ProcessingResultStatus error."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        file_id: str | None = None,
        terminal_code: str | None = None,
        terminal_message: str | None = None,
    ) -> None:
        super().__init__(message, code=code, file_id=file_id)
        self.terminal_code = terminal_code
        self.terminal_message = terminal_message


class OqsMismatchError(OqsError):
    """A response under this request's name answers another request (another
    ArbitraryFileIdentifier or medical institution code): never used, kept aside."""

    def __init__(self, message: str, *, file_id: str) -> None:
        super().__init__(message, code="mismatch", file_id=file_id)

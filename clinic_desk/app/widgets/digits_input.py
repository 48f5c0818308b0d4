"""An input for digits (a PIN, a date) that leaves every other key to the screen.

Textual's ``Input`` claims every printable key, so the receptionist's C could not
reach the screen while the PIN field has the focus. This one claims only the
characters it accepts.
"""

from __future__ import annotations

from textual.widgets import Input


class DigitsInput(Input):
    def __init__(
        self,
        *,
        accepts: str = "0123456789",
        placeholder: str = "",
        password: bool = False,
        max_length: int = 0,
        id: str | None = None,
    ) -> None:
        pattern = "".join("\\" + ch if ch in "-\\]^" else ch for ch in accepts)
        super().__init__(
            placeholder=placeholder,
            password=password,
            restrict=f"[{pattern}]*",
            max_length=max_length,
            id=id,
        )
        self.accepts = accepts

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in self.accepts

"""A text not yet put into words: a catalogue key and its values.

Parts below the screens (the readiness checks, the services) know *what* to say but
not the desk's language; they hand a ``Said`` up and the screen says it with ``say``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from clinic_desk.texts.keys import TextKey


class Said(BaseModel):
    """One sentence of the catalogue with the values that fill it in."""

    model_config = ConfigDict(frozen=True)

    key: TextKey
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, key: TextKey, **values: object) -> Said:
        return cls(key=key, values=tuple((name, str(value)) for name, value in values.items()))


class Finding(BaseModel):
    """What one readiness check found that keeps the desk from being ready."""

    model_config = ConfigDict(frozen=True)

    check: TextKey  # ready.check.*
    said: Said

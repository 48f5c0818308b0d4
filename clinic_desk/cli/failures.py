"""An error from below the command line, said in the command line's language.

The cache's and the manager's errors have a sentence per kind in the catalogue. Any
other error's sentence is English: a Japanese command line says that the command
failed and shows the sentence as the detail (the codes and paths it names matter to
support).
"""

from __future__ import annotations

from clinic_desk.cli import CliError
from clinic_desk.cli.language import current, w
from clinic_desk.manager.error_words import error_words
from clinic_desk.paths import HOME_ENV, LocationError


def words(exc: BaseException | str) -> str:
    """What went wrong in the command line's language."""
    if isinstance(exc, str):
        return exc if current() == "en" else w("cli.error.detail", detail=exc)
    if isinstance(exc, LocationError) and current() == "ja":
        return location_words(exc)
    problems = config_words(exc)
    if problems is not None:
        return w("cli.config.unusable", problems="\n".join(f"  - {p}" for p in problems))
    said = error_words(exc, current())
    if said is not None:
        return said
    return words(getattr(exc, "message", None) or str(exc))


def location_words(exc: LocationError) -> str:
    """A folder that is a file, in the command line's language."""
    if exc.variable is None:
        return w("cli.location.file", blocker=exc.blocker, value=exc.value, env=HOME_ENV)
    if exc.blocker == exc.value:
        return w("cli.location.variable_file", variable=exc.variable, value=exc.value)
    return w(
        "cli.location.inside_file", variable=exc.variable, value=exc.value, blocker=exc.blocker
    )


def config_words(exc: BaseException) -> list[str] | None:
    """A configuration's problems in Japanese when each has the catalogue's words
    (``ConfigError.said``); None for English and for other errors."""
    from clinic_desk.config import ConfigError
    from clinic_desk.texts import say

    if current() == "ja" and isinstance(exc, ConfigError) and exc.said:
        return [say(said, "ja") for said in exc.said]
    return None


def failed(exc: BaseException | str) -> CliError:
    """The ``CliError`` that reports ``exc``."""
    return CliError(words(exc))

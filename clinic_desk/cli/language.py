"""The language of the command line: its help, its usage errors and its messages.

``--lang`` (wherever it stands on the command line), else the configuration's
``desk.lang``, else the locale. It is chosen before the parser is built, so that
``--help`` and argparse's own messages ("usage:", "the following arguments are
required" …) are said in it too: argparse looks its words up through its module's
``_`` and ``ngettext``, which ``speaking`` points at the catalogue for as long as the
command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from clinic_desk.texts import Lang, default_lang, t
from clinic_desk.texts.cli_argparse import ARGPARSE_JA
from clinic_desk.texts.keys import TextKey

_current: list[Lang] = []


def current() -> Lang:
    """The language of the command running now (the locale's outside ``speaking``)."""
    return _current[-1] if _current else default_lang()


def w(key: TextKey, **params: object) -> str:
    """A catalogue text in the command line's language."""
    return t(key, current(), **params)


def chosen_lang(argv: Sequence[str]) -> Lang:
    """``--lang`` from the command line, else the configuration's, else the locale's."""
    for index, token in enumerate(argv):
        if token == "--":
            break
        value = None
        if token == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif token.startswith("--lang="):
            value = token.split("=", 1)[1]
        if value == "ja":
            return "ja"
        if value == "en":
            return "en"
    return _configured() or default_lang()


def _configured() -> Lang | None:
    from clinic_desk.config import ConfigError, load_settings

    try:
        return load_settings().desk.lang
    except (ConfigError, OSError, ValueError):
        return None  # the command itself says what is wrong with the configuration


def _argparse_words(message: str) -> str:
    return ARGPARSE_JA.get(message, message) if current() == "ja" else message


def _argparse_plural(singular: str, plural: str, count: int) -> str:
    return _argparse_words(singular if count == 1 else plural)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, with sentences broken between words by display width: a
    Japanese sentence has no spaces to break at, and each of its letters is two
    columns wide."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        from clinic_desk.app.linebreak import wrap

        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))


class Parser(argparse.ArgumentParser):
    """The command line's parser; its subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


@contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """Run a command in ``lang``: the catalogue's texts and argparse's own words."""
    module = vars(argparse)
    saved = (module["_"], module["ngettext"])
    _current.append(lang)
    module["_"], module["ngettext"] = _argparse_words, _argparse_plural
    try:
        yield
    finally:
        _current.pop()
        module["_"], module["ngettext"] = saved

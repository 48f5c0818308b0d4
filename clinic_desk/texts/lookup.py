"""Looking a text up: ``t(key, lang, **params)`` and the sentences made of several.

``CATALOGUE`` starts empty here; ``clinic_desk.texts`` (the data) fills it when the
package is imported, which happens before any of its modules is.
"""

from __future__ import annotations

from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.lang import Lang
from clinic_desk.texts.said import Finding, Said

CATALOGUE: dict[TextKey, dict[Lang, str]] = {}


def t(key: TextKey, lang: Lang, **params: object) -> str:
    """The text for ``key`` in ``lang``, with ``params`` filled in."""
    text = CATALOGUE[key][lang]
    return text.format(**params) if params else text


def say(said: Said, lang: Lang) -> str:
    """A ``Said`` in ``lang``."""
    return t(said.key, lang, **dict(said.values))


def say_findings(findings: tuple[Finding, ...] | list[Finding], lang: Lang) -> str:
    """What keeps the desk from being ready, each check by its name, in ``lang``."""
    return t("ready.separator", lang).join(
        t("ready.finding", lang, check=t(f.check, lang), finding=say(f.said, lang))
        for f in findings
    )


def plural(count: int, one: TextKey, many: TextKey) -> TextKey:
    """``one`` for a count of 1, ``many`` otherwise (Japanese has one form for both)."""
    return one if count == 1 else many

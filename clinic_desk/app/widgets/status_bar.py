"""The always-visible line of reader, gateway and cache status, in words.

The line is built by priority: what a receptionist must know first (the gateway is
offline, visits wait for a re-check, the cache, visits that need attention) comes
first and stays; what fits after it (the reader, the mode) is added whole or left
out, never cut in the middle of a word. What keeps the desk from checking patients
in (not ready) has a second line of its own.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.widgets import Static

from clinic_desk.app.linebreak import wrap
from clinic_desk.services.desk import DeskStatus
from clinic_desk.texts import Lang, plural, say_findings, t
from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.patient import DeskTextKey, dt

SEPARATOR = " │ "

_DISPLAY_STATES: dict[str, DeskTextKey] = {
    "paired": "status.paired",
    "waiting": "status.waiting",
    "unavailable": "status.unavailable",
}

_WORDS: dict[str, TextKey] = {
    "unlocked": "status.unlocked",
    "temporary": "status.temporary",
    "damaged": "status.damaged",
    "demo": "status.demo",
    "production": "status.production",
    "fixture": "status.fixture",
    "pcscd": "status.pcscd",
    "in_process": "status.in_process",
}


def status_parts(status: DeskStatus, lang: Lang) -> list[tuple[str, ...]]:
    """The line's parts, most important first; each part as its longest form first,
    then shorter forms that may stand in for it when the line is short."""

    def word(code: str) -> str:
        if not code:
            return t("status.none", lang)
        key = _WORDS.get(code)
        return t(key, lang) if key is not None else code

    if status.gateway_online is None:
        gateway = t("status.unknown", lang)
    else:
        gateway = t("status.online" if status.gateway_online else "status.offline", lang)
    parts: list[tuple[str, ...]] = []
    if status.recording:  # check-ins are written into fixtures: people must know
        parts.append((t("status.recording", lang),))
    parts.append((f"{t('status.gateway', lang)}: {gateway}",))
    display = _DISPLAY_STATES.get(status.patient_display)
    if display is not None:  # where the patient's questions are asked
        parts.append((f"{dt('status.label', lang)}: {dt(display, lang)}",))
    if status.awaiting_reverify > 0:
        parts.append((t("status.awaiting_reverify", lang, count=status.awaiting_reverify),))
    parts.append((f"{t('status.cache', lang)}: {word(status.cache)}",))
    attention = len(status.attention)
    if attention:  # also shown in full on the idle screen
        key = plural(attention, "status.attention.one", "status.attention")
        parts.append((t(key, lang, count=attention),))
    reader_label = t("status.reader", lang)
    if status.card_source == "in_process":
        parts.append((f"{reader_label}: {word('in_process')}",))
    elif status.card_source:
        reader = status.reader or t("status.none", lang)
        parts.append(
            (  # short of room, how the card is read says more than the reader's name
                f"{reader_label}: {reader} ({word(status.card_source)})",
                f"{reader_label}: {word(status.card_source)}",
            )
        )
    else:
        parts.append((f"{reader_label}: {status.reader or t('status.none', lang)}",))
    parts.append((f"{t('status.mode', lang)}: {word(status.mode)}",))
    return parts


def fit_parts(parts: list[tuple[str, ...]], width: int) -> str:
    """The parts that fit in ``width`` cells, by priority, each whole (its longest form
    that fits). The first part alone is shortened at a word boundary if it must be."""
    chosen: list[str] = []
    used = 0
    for forms in parts:
        gap = cell_len(SEPARATOR) if chosen else 0
        form = next((f for f in forms if used + gap + cell_len(f) <= width), None)
        if form is None:
            if not chosen:  # the most important part never disappears: shorten it by words
                head = wrap(forms[-1], max(1, width - 1))[0]
                chosen.append(head + "…")
                used = cell_len(chosen[0])
            continue
        chosen.append(form)
        used += gap + cell_len(form)
    return SEPARATOR.join(chosen)


def notice_line(status: DeskStatus, lang: Lang) -> str:
    """What keeps the desk from checking patients in, on a line of its own, in the
    desk's language (``status.notice`` is the English form for the log)."""
    if not status.not_ready:
        return ""
    return t("status.not_ready_line", lang, findings=say_findings(status.not_ready, lang))


class StatusLine:
    """Rich renderable: the parts fitted to the width it is drawn at; what is not ready
    on a second line, shortened at a word if it must be."""

    def __init__(self, parts: list[tuple[str, ...]], notice: str = "") -> None:
        self.parts = parts
        self.notice = notice

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        yield Text(fit_parts(self.parts, width), no_wrap=True)
        if self.notice:
            yield Text(fit_parts([(self.notice,)], width), no_wrap=True)


class StatusBar(Static):
    DEFAULT_CLASSES = "status-bar"

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._lang = lang
        self.status = DeskStatus()

    @property
    def full_text(self) -> str:
        """Every part, as the line would read with room for all of them."""
        parts = [forms[0] for forms in status_parts(self.status, self._lang)]
        notice = notice_line(self.status, self._lang)
        return SEPARATOR.join(parts) + (f"\n{notice}" if notice else "")

    def show(self, status: DeskStatus) -> None:
        self.status = status
        self.set_class(status.gateway_online is False or bool(status.not_ready), "-offline")
        self.update(StatusLine(status_parts(status, self._lang), notice_line(status, self._lang)))

"""The always-visible line of reader, gateway and cache status, in words."""

from __future__ import annotations

from textual.widgets import Static

from clinic_desk.services.desk import DeskStatus
from clinic_desk.texts import Lang, has_text, t
from clinic_desk.texts.patient import DeskTextKey, dt

_DISPLAY_STATES: dict[str, DeskTextKey] = {
    "paired": "status.paired",
    "waiting": "status.waiting",
    "unavailable": "status.unavailable",
}


class StatusBar(Static):
    DEFAULT_CLASSES = "status-bar"

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._lang = lang
        self.status = DeskStatus()

    def _word(self, code: str) -> str:
        if not code:
            return t("status.none", self._lang)
        return t(f"status.{code}", self._lang) if has_text(f"status.{code}") else code

    def show(self, status: DeskStatus) -> None:
        self.status = status
        lang = self._lang
        if status.gateway_online is None:
            gateway = t("status.unknown", lang)
        else:
            gateway = t("status.online" if status.gateway_online else "status.offline", lang)
        reader = status.reader or t("status.none", lang)
        if status.card_source == "in_process":
            reader = t("status.in_process", lang)
        elif status.card_source:
            reader += f" ({t('status.' + status.card_source, lang)})"
        parts = [
            f"{t('status.reader', lang)}: {reader}",
            f"{t('status.gateway', lang)}: {gateway}",
            f"{t('status.cache', lang)}: {self._word(status.cache)}",
            f"{t('status.mode', lang)}: {t('status.' + status.mode, lang)}",
        ]
        if status.recording:  # check-ins are written into fixtures: people must know
            parts.append(t("status.recording", lang))
        display = _DISPLAY_STATES.get(status.patient_display)
        if display is not None:
            parts.append(f"{dt('status.label', lang)}: {dt(display, lang)}")
        if status.awaiting_reverify > 0:
            parts.append(t("status.awaiting_reverify", lang, count=status.awaiting_reverify))
        if status.notice:
            parts.append(f"{t('status.not_ready', lang)}: {status.notice}")
        self.set_class(status.gateway_online is False or bool(status.notice), "-offline")
        self.update(" │ ".join(parts))

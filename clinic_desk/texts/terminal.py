"""Texts for a desk on a 資格確認端末 (the file exchange). Merged into ``CATALOGUE``."""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

TERMINAL_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    "error.card_at_face_reader": {
        "ja": "この受付は資格確認端末の顔認証付きカードリーダーでマイナンバーカードを確認します。"
        "患者さんに顔認証付きカードリーダーをご案内ください。",
        "en": "This desk checks My Number cards at the 資格確認端末's face-recognition card "
        "reader: please guide the patient to it.",
    },
}

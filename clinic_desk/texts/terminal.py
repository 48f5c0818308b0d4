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
    "error.visual_unavailable": {
        "ja": "この受付ではマイナンバーカードの目視確認はできません（資格確認端末を使う受付です）。"
        "カードは顔認証付きカードリーダーで確認してください。"
        "資格確認書の方は B で番号から確認できます。",
        "en": "A visual check of a My Number card is not available on this desk (it uses the "
        "資格確認端末): check the card at the face-recognition card reader. An eligibility "
        "certificate can still be looked up by its numbers with B.",
    },
    "face.title": {
        "ja": "顔認証付きカードリーダーで受付された方がいます",
        "en": "A patient checked in at the face-recognition card reader",
    },
    "face.name": {
        "ja": "患者さんにお名前を名乗っていただき、カナで入力してください。",
        "en": "Ask the patient to say their name and type it in kana.",
    },
    "face.birthdate": {
        "ja": "患者さんがおっしゃる生年月日を西暦8桁で入力してください。",
        "en": "Type the birthdate the patient says: 8 digits, year first.",
    },
    "face.next": {
        "ja": "Enterで受付を始めます。記録は本人確認が済むまで表示しません。"
        "［Esc］あとで（F で再開）",
        "en": "Enter starts the check-in; nothing of the record is shown until the patient "
        "is confirmed. [Esc] later (F opens it again)",
    },
    "face.no_medications": {
        "ja": "顔認証付きカードリーダーで薬剤情報の提供に同意されていないため、"
        "薬剤情報は取得していません。",
        "en": "The patient did not agree at the face-recognition card reader to share their "
        "medication information: none was fetched.",
    },
    "error.face_result_gone": {
        "ja": "この顔認証の結果は受付待ちの一覧にありません"
        "（別の受付で開かれたか、古くなりました）。",
        "en": "This face reader result is no longer waiting (opened at another desk, or "
        "dropped as too old).",
    },
    "demo.face.consented": {
        "ja": "顔認証付きカードリーダーで受付（薬剤情報の提供に同意）",
        "en": "Checks in at the face reader (agrees to share medications)",
    },
    "demo.face.not_consented": {
        "ja": "顔認証付きカードリーダーで受付（薬剤情報の提供なし）",
        "en": "Checks in at the face reader (shares no medications)",
    },
    "key.face": {"ja": "顔認証の受付", "en": "Face reader check-in"},
}

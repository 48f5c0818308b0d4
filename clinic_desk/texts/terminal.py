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
    "face.birthdate": {
        "ja": "患者さんに生年月日を西暦8桁で入力していただいてください。",
        "en": "Ask the patient to type their birthdate: 8 digits, year first.",
    },
    "face.birthdate_retry": {
        "ja": "生年月日が一致しません。もう一度入力していただいてください。",
        "en": "The birthdate does not match: ask the patient to type it once more.",
    },
    "face.name": {
        "ja": "患者さんにお名前を名乗っていただき、カナで入力してください。",
        "en": "Ask the patient to say their name and type it in kana.",
    },
    "face.variant": {
        "ja": "表記の違い（職員のみ）：名乗ったお名前「{stated}」、記録「{record}」。"
        "［A］同一人物として承認／［R］却下",
        "en": "Notation differs (staff only): stated {stated!r}, record {record!r}. "
        "[A] accept as the same person / [R] reject",
    },
    "face.shown": {
        "ja": "確認できました：{name}　資格：{state}",
        "en": "Confirmed: {name}. Eligibility: {state}",
    },
    "face.withheld": {
        "ja": "本人確認ができなかったため、記録は表示しません。管理者に報告しました。"
        "紙の様式で受付してください。",
        "en": "The identity could not be confirmed: the record is withheld and flagged for "
        "the manager. Please use the paper form.",
    },
    "face.paper": {
        "ja": "該当する資格がありません。紙の様式で受付してください。",
        "en": "No qualification was found. Please use the paper form.",
    },
    "face.cancelled": {"ja": "この受付を中止しました。", "en": "This check-in was cancelled."},
    "key.face": {"ja": "顔認証の受付", "en": "Face reader check-in"},
}

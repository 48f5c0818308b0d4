"""What the desk and the patient display say while the PIN is typed on the card
reader's own keypad (a PIN-pad reader), in Japanese and English."""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts import Lang

PadTextKey = Literal[
    "prompt",
    "detail",
    "desk.on_display",
    "error.card_pin_pad_timeout",
    "error.card_pin_pad_cancelled",
    "error.card_pin_pad_refused",
    "error.card_pin_pad_unavailable",
]

PAD_TEXTS: dict[PadTextKey, dict[Lang, str]] = {
    "prompt": {
        "ja": "カードリーダーのボタンで4桁の暗証番号を入力し、OKを押してください。",
        "en": "Please type your 4-digit PIN on the card reader's keypad and press OK.",
    },
    "detail": {
        "ja": "暗証番号は画面には表示されず、パソコンにも送られません。"
        "カードリーダーが2回入力を求めることがあります。",
        "en": "The PIN is never shown on a screen and never reaches the computer. "
        "The reader may ask for it twice.",
    },
    "desk.on_display": {
        "ja": "患者さんがカードリーダーのボタンで暗証番号を入力しています。",
        "en": "The patient is typing the PIN on the card reader's keypad.",
    },
    "error.card_pin_pad_timeout": {
        "ja": "カードリーダーで時間内に暗証番号が入力されませんでした。入力回数は減っていません。"
        "カードを置き直して、もう一度お試しください。",
        "en": "No PIN was typed on the card reader in time. No try was used. "
        "Place the card again to try once more.",
    },
    "error.card_pin_pad_cancelled": {
        "ja": "カードリーダーで暗証番号の入力が取り消されました。入力回数は減っていません。"
        "カードを置き直して、もう一度お試しください。",
        "en": "The PIN entry was cancelled on the card reader. No try was used. "
        "Place the card again to try once more.",
    },
    "error.card_pin_pad_refused": {
        "ja": "カードリーダーの暗証番号入力ボタンを使えませんでした。"
        "リーダーの接続と設定を確認してください。",
        "en": "The card reader's PIN pad could not be used. Check the reader and the "
        "configuration.",
    },
    "error.card_pin_pad_unavailable": {
        "ja": "このカードリーダーには暗証番号入力用のボタンがありません。"
        "設定により、ボタン付きのカードリーダーが必要です。",
        "en": "This card reader has no PIN pad, and the configuration requires one.",
    },
}

# the check-in's error codes for what the PIN pad answered
PAD_ERRORS: dict[str, PadTextKey] = {
    "card_pin_pad_timeout": "error.card_pin_pad_timeout",
    "card_pin_pad_cancelled": "error.card_pin_pad_cancelled",
    "card_pin_pad_refused": "error.card_pin_pad_refused",
    "card_pin_pad_unavailable": "error.card_pin_pad_unavailable",
}


def padt(key: PadTextKey, lang: Lang, **params: object) -> str:
    """The PIN-pad text ``key`` in ``lang``."""
    text = PAD_TEXTS[key][lang]
    return text.format(**params) if params else text

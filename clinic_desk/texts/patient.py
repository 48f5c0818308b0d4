"""Every text of the patient display, in Japanese and English.

Plain, neutral words for someone at the counter, often elderly: what to do now, and at
the end what happened and whom to ask. Never a reason code, never a staff-only word.
The language switch names the other language in itself ("English", "日本語"), so that a
patient who cannot read the current one can find it: the one word of the other
language on each screen.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts import Lang

PatientTextKey = Literal[
    "title",
    "welcome",
    "please_wait",
    "pin.card_info",
    "pin.user_auth",
    "pin.tries_left",
    "pin.one_try_left",
    "pin.waiting_for_staff",
    "pin.placeholder",
    "pin.four_digits",
    "name.question",
    "birthdate.question",
    "birthdate.retry",
    "birthdate.placeholder",
    "birthdate.invalid",
    "consent.question",
    "staff_checking",
    "checked_in",
    "not_confirmed",
    "not_confirmed.reference",
    "not_confirmed.contact",
    "not_confirmed.contact_clinic",
    "paper_form",
    "pin_locked",
    "see_staff",
    "stopped",
    "take_card",
    "sending",
    "yes",
    "no",
    "other_language",
    "keys.yes_no",
    "keys.enter",
    "keys.language",
    "link.waiting",
    "link.paired",
    "link.refused.already_paired",
    "link.refused.not_allowed",
    "link.refused.bad_message",
    "link.refused.unsupported",
    "link.refused.desk_closing",
    "link.desk_garbled",
]

PATIENT_TEXTS: dict[PatientTextKey, dict[Lang, str]] = {
    "title": {"ja": "受付", "en": "Check-in"},
    "welcome": {
        "ja": "マイナンバーカードを\nカードリーダーに置いてください。",
        "en": "Please place your My Number card\non the card reader.",
    },
    "please_wait": {"ja": "少々お待ちください…", "en": "One moment, please…"},
    "pin.card_info": {
        "ja": "暗証番号（数字4桁）を入力して、\nEnter キーを押してください。",
        "en": "Please type your PIN (4 digits)\nand press Enter.",
    },
    "pin.user_auth": {
        "ja": "利用者証明用の暗証番号（数字4桁）を入力して、\nEnter キーを押してください。",
        "en": "Please type the PIN for user authentication (4 digits)\nand press Enter.",
    },
    "pin.tries_left": {"ja": "あと {tries} 回入力できます。", "en": "{tries} tries left."},
    "pin.one_try_left": {"ja": "あと 1 回入力できます。", "en": "1 try left."},
    "pin.waiting_for_staff": {
        "ja": "あと1回間違えるとカードがロックされます。\n入力の前に、受付の者がお声がけします。",
        "en": "One more wrong PIN would lock the card.\n"
        "The receptionist will speak with you before you type.",
    },
    "pin.placeholder": {"ja": "暗証番号", "en": "PIN"},
    "pin.four_digits": {
        "ja": "数字4桁で入力してください。",
        "en": "Please type 4 digits.",
    },
    "name.question": {"ja": "こちらはあなたのお名前ですか？", "en": "Is this your name?"},
    "birthdate.question": {
        "ja": "生年月日を西暦8桁で入力して、Enter キーを押してください。\n"
        "（例：1965年3月8日 → 19650308）",
        "en": "Please type your date of birth as 8 digits and press Enter.\n"
        "(e.g. 8 March 1965 → 19650308)",
    },
    "birthdate.retry": {
        "ja": "先ほどの日付は、カードの生年月日と異なっていました。\nもう一度入力してください。",
        "en": "That date does not match the card.\nPlease type it once more.",
    },
    "birthdate.placeholder": {"ja": "例 19650308", "en": "e.g. 19650308"},
    "birthdate.invalid": {
        "ja": "年・月・日を8桁の数字で入力してください（例：19650308）。",
        "en": "Please type 8 digits: year, month, day (e.g. 19650308).",
    },
    "consent.question": {
        "ja": "これまでのお薬の情報を、\n医師・薬剤師が診療に使うことに同意しますか？",
        "en": "May the doctor and pharmacist see\nyour past medication records for your care?",
    },
    "staff_checking": {
        "ja": "受付の者が確認しています。\n少々お待ちください。",
        "en": "The receptionist is checking.\nOne moment, please.",
    },
    "checked_in": {
        "ja": "受付が完了しました。\nありがとうございました。",
        "en": "You are checked in.\nThank you.",
    },
    "not_confirmed": {
        "ja": "本日は、保険の資格を自動で確認できませんでした。\n"
        "お客様の操作に問題があったわけではありません。\n"
        "受付の者が別の方法でご案内します。",
        "en": "We could not confirm your insurance automatically today.\n"
        "Nothing you did caused this.\n"
        "The receptionist will help you check in another way.",
    },
    "not_confirmed.reference": {"ja": "お問い合わせ番号", "en": "Reference"},
    "not_confirmed.contact": {
        "ja": "後日お問い合わせの際は、この番号を\n"
        "当院の受付、またはご加入の健康保険（保険者）にお伝えください。",
        "en": "If you ask about this later, quote this reference\n"
        "to this clinic's reception or to your health insurer.",
    },
    "not_confirmed.contact_clinic": {
        "ja": "後日お問い合わせの際は、当院の受付にお申し出ください。",
        "en": "If you ask about this later, please speak to this clinic's reception.",
    },
    "paper_form": {
        "ja": "本日はオンラインで保険の資格を確認できません。\n受付の者が紙の書類でご案内します。",
        "en": "Your insurance cannot be checked online right now.\n"
        "The receptionist will help you with a paper form.",
    },
    "pin_locked": {
        "ja": "カードの暗証番号がロックされています。\n"
        "暗証番号の再設定は、お住まいの市区町村の窓口でできます。\n"
        "本日の受付は、受付の者がご案内します。",
        "en": "Your card's PIN is locked.\n"
        "It can be reset at your city or town office.\n"
        "The receptionist will help you check in today.",
    },
    "see_staff": {
        "ja": "受付を完了できませんでした。\n受付の者がご案内します。",
        "en": "The check-in could not be completed.\nThe receptionist will help you.",
    },
    "stopped": {
        "ja": "受付を中止しました。\n受付の者の案内に従ってください。",
        "en": "The check-in was stopped.\nPlease follow the receptionist's guidance.",
    },
    "take_card": {"ja": "カードをお取りください。", "en": "Please take your card."},
    "sending": {"ja": "確認しています…", "en": "Checking…"},
    "yes": {"ja": "はい［Y］", "en": "Yes [Y]"},
    "no": {"ja": "いいえ［N］", "en": "No [N]"},
    # each language named in itself: see the module's docstring
    "other_language": {"ja": "English", "en": "日本語"},
    "keys.yes_no": {"ja": "［Y］はい　［N］いいえ", "en": "[Y] yes   [N] no"},
    "keys.enter": {"ja": "［Enter］決定", "en": "[Enter] OK"},
    "keys.language": {"ja": "［L］English", "en": "[L] 日本語"},
    "link.waiting": {
        "ja": "受付の画面と接続しています…",
        "en": "Connecting to the reception desk…",
    },
    "link.paired": {"ja": "受付と接続済み", "en": "Connected to the desk"},
    "link.refused.already_paired": {
        "ja": "この受付には別の患者用画面が接続されています。",
        "en": "Another patient display is already connected to this desk.",
    },
    "link.refused.not_allowed": {
        "ja": "受付と異なるユーザーで起動されているため接続できません。",
        "en": "This display runs as another user than the desk and cannot connect.",
    },
    "link.refused.bad_message": {
        "ja": "受付が、この画面から届いたデータを受け付けませんでした。",
        "en": "The desk did not accept what this display sent.",
    },
    "link.refused.unsupported": {
        "ja": "受付と画面のバージョンが異なるため接続できません。",
        "en": "The desk runs another version and cannot connect to this display.",
    },
    "link.refused.desk_closing": {"ja": "受付が終了しています。", "en": "The desk is closing."},
    "link.desk_garbled": {
        "ja": "受付から読み取れないデータが届いたため、接続し直します。",
        "en": "The desk sent something unreadable; connecting again.",
    },
}


def pt(key: PatientTextKey, lang: Lang, **params: object) -> str:
    """The patient display's text ``key`` in ``lang``."""
    text = PATIENT_TEXTS[key][lang]
    return text.format(**params) if params else text


# What the receptionist's desk says about the patient display.
DeskTextKey = Literal[
    "status.label",
    "status.paired",
    "status.waiting",
    "status.unavailable",
    "asking.pin_entry",
    "asking.confirming_name",
    "asking.confirming_birthdate",
    "asking.consent",
    "reference",
    "review.reference",
]

DESK_TEXTS: dict[DeskTextKey, dict[Lang, str]] = {
    "status.label": {"ja": "患者用画面", "en": "Patient display"},
    "status.paired": {"ja": "接続中", "en": "paired"},
    "status.waiting": {"ja": "未接続", "en": "not paired"},
    "status.unavailable": {"ja": "使用不可", "en": "unavailable"},
    "asking.pin_entry": {
        "ja": "患者さんが患者用画面で暗証番号を入力しています。",
        "en": "The patient is typing the PIN on the patient display.",
    },
    "asking.confirming_name": {
        "ja": "患者さんが患者用画面で、カードのお名前がご本人のものか確認しています。",
        "en": "The patient is confirming on the patient display that the name on the card is "
        "theirs.",
    },
    "asking.confirming_birthdate": {
        "ja": "患者さんが患者用画面で生年月日を入力しています。",
        "en": "The patient is typing their birthdate on the patient display.",
    },
    "asking.consent": {
        "ja": "患者さんが患者用画面で、薬剤情報の提供に同意するか回答しています。",
        "en": "The patient is answering on the patient display whether to share their "
        "medication history.",
    },
    "reference": {
        "ja": "お問い合わせ番号：{reference}（患者さんにお伝えください。管理者の確認画面と"
        "保険者向けCSVにも同じ番号が載ります）",
        "en": "Reference for the patient: {reference} (read it out or write it down; the "
        "manager's review and the insurer CSV carry the same reference)",
    },
    "review.reference": {
        "ja": "お問い合わせ番号（受付で患者さんにお伝えした番号）",
        "en": "Patient's reference (given to the patient at the desk)",
    },
}


def dt(key: DeskTextKey, lang: Lang, **params: object) -> str:
    """The desk's text ``key`` about the patient display, in ``lang``."""
    text = DESK_TEXTS[key][lang]
    return text.format(**params) if params else text

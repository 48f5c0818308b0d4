"""Texts for the reception paths without a PIN: lookup by number (資格確認書), the
visual check (目視) and the 被保険者資格申立書. Merged into ``CATALOGUE``."""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

PATHS_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    # --- the number form: labels ------------------------------------------------------
    "numbers.title": {
        "ja": "資格確認書・資格情報のお知らせで確認",
        "en": "Check by the numbers on an eligibility certificate",
    },
    "numbers.insurer": {"ja": "保険者番号", "en": "Insurer number"},
    "numbers.symbol": {"ja": "記号", "en": "Symbol"},
    "numbers.number": {"ja": "番号", "en": "Number"},
    "numbers.branch": {"ja": "枝番", "en": "Branch"},
    "numbers.birthdate": {"ja": "生年月日", "en": "Birthdate"},
    "numbers.name": {"ja": "氏名（ご本人の申告）", "en": "Name (as the patient states it)"},
    "numbers.no_medications": {
        "ja": "この確認方法では薬剤情報は表示されません（マイナ保険証と本人の同意が必要です）。",
        "en": "No medication history on this path: it needs the My Number card and the "
        "patient's consent.",
    },
    "numbers.looking_up": {"ja": "番号で資格を照会しています…", "en": "Looking up by number…"},
    # --- the number form: what is wrong with a field -------------------------------------
    "numbers.insurer.empty": {
        "ja": "保険者番号を入力してください。",
        "en": "Type the insurer number.",
    },
    "numbers.insurer.not_digits": {
        "ja": "保険者番号は数字だけです。",
        "en": "The insurer number has digits only.",
    },
    "numbers.insurer.length": {
        "ja": "保険者番号は6桁（国民健康保険）または8桁です。",
        "en": "The insurer number has 6 digits (national health insurance) or 8 digits.",
    },
    "numbers.insurer.check_digit": {
        "ja": "保険者番号の検証番号（最後の1桁）が合いません。"
        "3と8など読み違いがないか確認してください。",
        "en": "The insurer number's check digit (the last digit) does not fit. Check for a "
        "misread digit, such as 3 and 8.",
    },
    "numbers.symbol.too_long": {
        "ja": "記号は40文字までです。",
        "en": "The symbol has at most 40 characters.",
    },
    "numbers.symbol.invalid": {
        "ja": "記号に使えない文字があります。",
        "en": "The symbol has a character that cannot be used.",
    },
    "numbers.number.empty": {
        "ja": "番号を入力してください。",
        "en": "Type the number.",
    },
    "numbers.number.too_long": {
        "ja": "番号は40文字までです。",
        "en": "The number has at most 40 characters.",
    },
    "numbers.number.invalid": {
        "ja": "番号に使えない文字があります。",
        "en": "The number has a character that cannot be used.",
    },
    "numbers.branch.digits": {
        "ja": "枝番は数字2桁です（例：01）。記載がなければ空欄にしてください。",
        "en": "The branch has 2 digits (e.g. 01). Leave it empty if the certificate has none.",
    },
    "numbers.birthdate.empty": {
        "ja": "生年月日を入力してください（例：1980-04-01）。",
        "en": "Type the birthdate (e.g. 1980-04-01).",
    },
    "numbers.birthdate.format": {
        "ja": "生年月日は西暦の年月日で入力してください（例：1980-04-01 または 19800401）。",
        "en": "Type the birthdate as year, month, day (e.g. 1980-04-01 or 19800401).",
    },
    "numbers.birthdate.future": {
        "ja": "生年月日が今日より後になっています。",
        "en": "The birthdate is after today.",
    },
    "numbers.birthdate.too_old": {
        "ja": "生年月日が古すぎます。年を確認してください。",
        "en": "The birthdate is too early. Check the year.",
    },
    "numbers.name.empty": {
        "ja": "ご本人が申告する氏名を入力してください。",
        "en": "Type the name the patient states.",
    },
    "numbers.name.too_long": {
        "ja": "氏名は64文字までです。",
        "en": "The name has at most 64 characters.",
    },
    "numbers.name.invalid": {
        "ja": "氏名に使えない文字があります。",
        "en": "The name has a character that cannot be used.",
    },
    # --- 該当資格なし ----------------------------------------------------------------------
    "numbers.not_found": {
        "ja": "該当資格なし：この番号と生年月日に当てはまる資格が見つかりません。",
        "en": "No qualification found for these numbers and birthdate.",
    },
    "numbers.not_found.causes": {
        "ja": "よくある原因：数字の読み違い・打ち間違い（3と8、1と7など）、"
        "保険者での新規加入の登録がまだ済んでいない。入力はそのまま残っています。"
        "1桁直して再照会できます。解決しなければ被保険者資格申立書へ進んでください。",
        "en": "Usual causes: a digit misread or mistyped (3 and 8, 1 and 7), or a new "
        "enrolment the insurer has not registered yet. What you typed is kept: correct one "
        "digit and look up again. If nothing helps, go on to the self-declaration form.",
    },
    # --- the visual check (目視) -------------------------------------------------------------
    "visual.staff_id": {"ja": "職員番号", "en": "Staff id"},
    "visual.staff_id.empty": {
        "ja": "目視確認に切り替えるには職員番号を入力してください。",
        "en": "Type your staff id to switch to the visual check.",
    },
    "visual.staff_id.invalid": {
        "ja": "職員番号は半角の英数字と「-」「_」「.」で32文字までです。",
        "en": "A staff id has up to 32 half-width letters, digits, '-', '_' or '.'.",
    },
    # --- the desk's forms of these paths, the 申立書 -------------------------------------
    "stage.number_entry": {
        "ja": "資格確認書・資格情報のお知らせの番号を入力し、Enterで照会してください。",
        "en": "Type the numbers from the eligibility certificate (or the eligibility "
        "notice) and press Enter to look them up.",
    },
    "stage.declaration": {
        "ja": "被保険者資格申立書：ご本人が申告する保険の内容を記録します（10割請"
        "求にはしません）。",
        "en": "Self-declaration of insurance: record the insurance the patient "
        "states. Do not charge the full fee.",
    },
    "stage.declared": {
        "ja": "申立書を記録しました。申告の負担割合で会計してください。ゲートウェイ"
        "が応答したら番号で再確認し、違いがあれば請求を直します。",
        "en": "Declaration recorded: charge the share stated. When the gateway "
        "answers, it is re-checked by number and the claim corrected if "
        "anything differs.",
    },
    "paths.numbers_offline": {
        "ja": "ゲートウェイにつながらないため番号で照会できません。［S］で被保険者"
        "資格申立書へ進んでください。",
        "en": "The gateway is not answering, so the numbers cannot be looked up. "
        "Press [S] for the self-declaration form.",
    },
    "paths.declare_hint": {
        "ja": "解決しないときは［S］で被保険者資格申立書へ進めます。",
        "en": "If nothing helps, press [S] for the self-declaration form.",
    },
    "paths.demo_filled": {
        "ja": "見本の資格確認書の内容を入力済みです。Enterで照会します。",
        "en": "The sample certificate's numbers are filled in: press Enter to look them up.",
    },
    "declaration.copay": {
        "ja": "本日の負担割合（10・20・30％）",
        "en": "Share charged today (10, 20 or 30 %)",
    },
    "declaration.copay.invalid": {
        "ja": "負担割合は 10、20、30 のいずれかを入力してください。",
        "en": "Type the share as 10, 20 or 30.",
    },
    "visual.title": {
        "ja": "目視確認：カードの顔写真とご本人を見比べてから、職員番号と券面の氏名"
        "・生年月日を入力してください。暗証番号は使いません。",
        "en": "Visual check: compare the card's photo with the person, then type your "
        "staff id and the name and birthdate on the card's face. No PIN is "
        "used.",
    },
    "visual.name": {
        "ja": "氏名（カード券面）",
        "en": "Name (on the card's face)",
    },
    "visual.birthdate": {
        "ja": "生年月日（カード券面）",
        "en": "Birthdate (on the card's face)",
    },
    "paths.visual_mode": {
        "ja": "目視確認（職員番号 {staff}）：暗証番号は使っていません。",
        "en": "Visual check by staff {staff}: no PIN was used.",
    },
    "paths.visual_blocked": {
        "ja": "［V］で目視確認に切り替えてください。できないときは紙の様式で受付してください。",
        "en": "Press [V] to switch to the visual check; otherwise use the paper form.",
    },
    "paths.visual_offer": {
        "ja": "暗証番号を入力できないときは、［V］で目視確認に切り替えられます。",
        "en": "If the patient cannot enter a PIN, press [V] to switch to the visual check.",
    },
    "key.number_lookup": {
        "ja": "番号で確認",
        "en": "By number",
    },
    "key.visual_check": {
        "ja": "目視確認",
        "en": "Visual check",
    },
    "key.declaration": {
        "ja": "申立書",
        "en": "Declaration",
    },
    "demo.numbers_patient": {
        "ja": "資格確認書の患者（カードなし）",
        "en": "Patient with an eligibility certificate (no card)",
    },
    "demo.card.mori-haruka": {
        "ja": "顔認証のみのカード",
        "en": "Card for the face reader only",
    },
    "visual.staff_pin": {
        "ja": "職員の暗証番号",
        "en": "Staff PIN",
    },
    "visual.staff_pin.empty": {
        "ja": "目視確認に切り替えるには職員の暗証番号を入力してください。",
        "en": "Type your staff PIN to switch to the visual check.",
    },
    "visual.staff_unknown": {
        "ja": "この職員番号は目視確認を行えません（設定に登録がありません）。",
        "en": "This staff id may not make visual checks (it is not configured).",
    },
    "visual.staff_pin_wrong": {
        "ja": "職員の暗証番号が違います。もう一度カードを置いてやり直してください。",
        "en": "The staff PIN was not right. Place the card again and retry.",
    },
    "visual.staff_pin_locked": {
        "ja": "職員の暗証番号を続けて間違えたため、しばらく使えません。",
        "en": "Too many wrong staff PINs: this staff id is locked for a while.",
    },
    "help.paths": {
        "ja": "番号・目視・申立書：B 資格確認書の番号で確認（カード待ちの画面で）"
        "。V 目視確認に切り替える（暗証番号の入力時・ロック時）。S または"
        " F6 被保険者資格申立書（番号の入力画面・紙の様式の画面で）。Ta"
        "b 次の入力欄。",
        "en": "Without a PIN: B look up the numbers of an eligibility certificate "
        "(while waiting for a card). V switch to the visual check (at the PIN, "
        "or a blocked PIN). S or F6 the self-declaration form (at the number "
        "form or the paper form). Tab the next field.",
    },
}

# what the desk's prompt says at each stage of these paths (stage value → text)
PATH_STAGE_PROMPTS: dict[str, TextKey] = {
    "number_entry": "stage.number_entry",
    "looking_up_numbers": "numbers.looking_up",
    "declaration": "stage.declaration",
    "declared": "stage.declared",
}

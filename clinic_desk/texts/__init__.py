"""Every text the desk shows, in Japanese and English: data only.

This module is the desk's own table (``DESK_TEXTS``) and puts it with the other
tables of the package into ``CATALOGUE``. Screens look texts up with
``t(key, lang, **params)`` (``texts.lookup``; the languages in ``texts.lang``),
both exported here. ``key`` is a ``TextKey``
(``clinic_desk.texts.keys``), so mypy refuses a key that does not exist and a key
built at run time; code that turns a code into words keeps an explicit mapping
of code to key. The tests check that the keys and the catalogue agree, that every
key has both languages and that every key is used.
"""

from __future__ import annotations

from clinic_desk.texts.cli import CLI_HELP_TEXTS
from clinic_desk.texts.cli_messages import CLI_MESSAGES_TEXTS
from clinic_desk.texts.cli_tools import CLI_TOOLS_TEXTS
from clinic_desk.texts.eligibility import ELIGIBILITY_TEXTS
from clinic_desk.texts.failures import FAILURE_TEXTS
from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.lang import Lang, default_lang
from clinic_desk.texts.lookup import CATALOGUE, plural, say, say_findings, t
from clinic_desk.texts.paths import PATHS_TEXTS
from clinic_desk.texts.readiness import READINESS_TEXTS
from clinic_desk.texts.terminal import TERMINAL_TEXTS

__all__ = ["CATALOGUE", "Lang", "TextKey", "default_lang", "plural", "say", "say_findings", "t"]

DESK_TEXTS: dict[TextKey, dict[Lang, str]] = {
    "title": {"ja": "受付", "en": "Reception"},
    "starting": {"ja": "起動しています…", "en": "Starting…"},
    "startup_failed": {
        "ja": "受付を開始できません：{message}",
        "en": "The desk cannot start: {message}",
    },
    # status bar
    "status.reader": {"ja": "カードリーダー", "en": "Reader"},
    "status.gateway": {"ja": "資格確認", "en": "Gateway"},
    "status.cache": {"ja": "キャッシュ", "en": "Cache"},
    "status.mode": {"ja": "モード", "en": "Mode"},
    "status.online": {"ja": "接続中", "en": "online"},
    "status.offline": {"ja": "オフライン", "en": "OFFLINE"},
    "status.unknown": {"ja": "確認中", "en": "checking"},
    "status.not_ready_line": {"ja": "【未準備】{findings}", "en": "NOT READY: {findings}"},
    "status.none": {"ja": "なし", "en": "none"},
    "status.demo": {"ja": "デモ", "en": "demo"},
    "status.production": {"ja": "本番", "en": "production"},
    "status.fixture": {"ja": "サポート再現", "en": "support fixture"},
    "status.unlocked": {"ja": "解錠済み", "en": "unlocked"},
    "status.temporary": {"ja": "一時ファイル", "en": "temporary"},
    "status.damaged": {"ja": "破損", "en": "DAMAGED"},
    "status.pcscd": {"ja": "仮想カード・pcscd経由", "en": "virtual card via pcscd"},
    "status.in_process": {"ja": "仮想カード・プロセス内", "en": "virtual card, in-process"},
    "status.awaiting_reverify": {"ja": "再確認待ち {count}件", "en": "{count} awaiting re-check"},
    "status.recording": {"ja": "● 記録中", "en": "● RECORDING"},
    "status.attention": {
        "ja": "要確認のオフライン受付 {count}件",
        "en": "{count} offline visits need attention",
    },
    "status.attention.one": {
        "ja": "要確認のオフライン受付 1件",
        "en": "1 offline visit needs attention",
    },
    # stages
    "stage.waiting_for_card": {
        "ja": "マイナンバーカードをカードリーダーに置いてください。",
        "en": "Place the My Number card on the reader.",
    },
    "stage.reading": {"ja": "カードを読み取っています…", "en": "Reading the card…"},
    "stage.pin_entry": {
        "ja": "暗証番号（数字4桁）を入力してください。",
        "en": "Please type your 4-digit PIN.",
    },
    "stage.pin_entry.auth": {
        "ja": "利用者証明用の暗証番号（数字4桁）を入力してください。",
        "en": "Please type the 4-digit PIN for user authentication.",
    },
    "pin.tries_left": {"ja": "残り {tries} 回", "en": "{tries} tries left"},
    "pin.one_try_left": {"ja": "残り 1 回", "en": "1 try left"},
    "pin.last_try": {
        "ja": "注意：あと1回間違えるとカードがロックされます（市区町村窓口での再設定が必要）。",
        "en": "Warning: one more wrong PIN locks the card (only the municipal office can "
        "reset it).",
    },
    "pin.last_try.ask": {
        "ja": "受付担当者の確認が必要です［C］。",
        "en": "The receptionist must confirm to go on [C].",
    },
    "pin.last_try.allowed": {
        "ja": "受付担当者が最後の1回を許可しました。落ち着いて入力してください。",
        "en": "The receptionist allowed the last try. Type the PIN carefully.",
    },
    "pin.last_try.not_now": {
        "ja": "［C］は、最後の1回の注意が表示されているときに押してください。",
        "en": "C works only while the last-try warning is shown.",
    },
    "pin.last_try.kept": {
        "ja": "入力した数字はそのままです。受付担当者が［C］を押すと送信できます。",
        "en": "Your digits are kept. They can be sent once the receptionist presses C.",
    },
    "pin.wrong": {
        "ja": "暗証番号が違います。",
        "en": "That PIN was not right.",
    },
    "pin.four_digits": {
        "ja": "暗証番号は数字4桁です。",
        "en": "The PIN has 4 digits.",
    },
    "pin.placeholder": {"ja": "暗証番号", "en": "PIN"},
    "stage.authenticating": {
        "ja": "カードを確認しています…",
        "en": "Checking the card…",
    },
    "stage.fetching": {
        "ja": "資格情報を照会しています…",
        "en": "Fetching eligibility…",
    },
    "stage.looking_up_cache": {
        "ja": "資格確認サーバーに接続できません。保存済みの確認結果を探しています…",
        "en": "The eligibility gateway is unavailable. Looking for the last confirmed result…",
    },
    "stage.confirming_name": {
        "ja": "ご本人の確認です。こちらはあなたのお名前ですか？",
        "en": "Please confirm: is this your name?",
    },
    "confirm.keys": {"ja": "［Y］はい　［N］いいえ", "en": "[Y] yes   [N] no"},
    "stage.confirming_birthdate": {
        "ja": "生年月日を入力してください（例：19800401）。",
        "en": "Please type your birthdate (e.g. 19800401).",
    },
    "birthdate.retry": {
        "ja": "入力された生年月日がカードと一致しません。もう一度入力してください。",
        "en": "That birthdate does not match the card. Please type it again.",
    },
    "birthdate.placeholder": {"ja": "例：19650308", "en": "e.g. 19650308"},
    "birthdate.invalid": {
        "ja": "8桁の数字で入力してください（例：19800401）。",
        "en": "Please type 8 digits, e.g. 19800401.",
    },
    "stage.staff_decision": {
        "ja": "【受付担当者のみ】氏名の表記が異なります。同一人物か確認してください。",
        "en": "[Staff only] The name is written differently. Check it is the same person.",
    },
    "variant.card": {"ja": "カードの氏名", "en": "Name on the card"},
    "variant.record": {"ja": "資格情報の氏名", "en": "Name in the record"},
    "variant.keys": {
        "ja": "［A］同一人物として受け付ける　［R］受け付けない",
        "en": "[A] accept   [R] reject",
    },
    "stage.consent": {
        "ja": "過去の薬剤情報を医師・薬剤師に提供することに同意しますか？",
        "en": "Do you agree to share your medication history with the doctor and pharmacist?",
    },
    "stage.fetching_medications": {
        "ja": "薬剤情報を取得しています…",
        "en": "Fetching medications…",
    },
    "stage.shown": {"ja": "資格確認が完了しました。", "en": "Eligibility confirmed."},
    "stage.offline_shown": {
        "ja": "オフライン — {date} に確認済みの情報です。回線復旧後に再確認します。",
        "en": "OFFLINE — confirmed on {date}. It will be checked again when the gateway is back.",
    },
    "stage.withheld": {
        "ja": "この資格情報を確認できませんでした。紙の様式で受付してください。",
        "en": "We could not confirm this record. Please use the paper form.",
    },
    "stage.paper_form": {
        "ja": "オンラインで資格を確認できません。"
        "資格確認書または被保険者資格申立書（紙）で受付してください。",
        "en": "Eligibility cannot be confirmed online. Please use the paper form "
        "(eligibility certificate or self-declaration of coverage).",
    },
    "stage.pin_blocked": {
        "ja": "暗証番号を使えません（ロック中、または暗証番号のない顔認証カード）。"
        "ロックの解除は市区町村の窓口です。",
        "en": "The PIN is locked or the card has none (face authentication only); "
        "only the municipal office can reset a PIN.",
    },
    "stage.error": {"ja": "エラー：{message}", "en": "Error: {message}"},
    "error.generic": {
        "ja": "予期しない問題で受付を続けられません（コード：{code}）。"
        "カードを置き直すか、紙の様式で受付してください。",
        "en": "An unexpected problem stopped the check-in (code: {code}). "
        "Place the card again or use the paper form.",
    },
    "error.card_changed": {
        "ja": "途中でカードが替わりました。",
        "en": "The card changed during the check-in.",
    },
    "error.card_removed": {
        "ja": "読み取り中にカードが外されました。",
        "en": "The card was taken away during the read.",
    },
    "error.card_not_a_my_number_card": {
        "ja": "マイナンバーカードではありません。",
        "en": "This is not a My Number card.",
    },
    "error.card_reader": {
        "ja": "カードリーダーを使えません。接続を確認してください。",
        "en": "The card reader cannot be used. Check its connection.",
    },
    "error.card_data": {
        "ja": "カードの内容を読み取れません。",
        "en": "The card's data cannot be read.",
    },
    "error.gateway_unavailable": {
        "ja": "資格確認サーバーに接続できません。",
        "en": "The eligibility gateway cannot be reached.",
    },
    "error.gateway_refused": {
        "ja": "資格確認サーバーがこのカードを受け付けませんでした（コード：{code}）。",
        "en": "The eligibility gateway refused this card (code: {code}).",
    },
    "stage.cancelled": {"ja": "受付を中止しました。", "en": "Check-in cancelled."},
    "next.clear": {"ja": "［D］次の方へ", "en": "[D] next patient"},
    "desk.finish_first": {
        "ja": "受付の途中です。先に［D］次の方へ、または［Esc］中止を押してください。",
        "en": "A check-in is under way: press D (next patient) or Esc (cancel) first.",
    },
    "desk.review_not_now": {
        "ja": "管理者レビューはカード待ちの画面でのみ開けます。受付を終えてから押してください。",
        "en": "The manager review opens only while the desk waits for a card: "
        "finish this check-in first.",
    },
    "desk.not_ready": {
        "ja": "まだ準備中です。少しお待ちください。",
        "en": "The desk is still starting. Please wait a moment.",
    },
    "withheld.staff": {
        "ja": "管理者確認用に記録しました（理由：{reason}）。",
        "en": "Flagged for the manager's review (reason: {reason}).",
    },
    "paper.cause": {"ja": "原因：{cause}", "en": "Cause: {cause}"},
    # why a check-in stopped (shown to staff)
    "reason.name_mismatch": {
        "ja": "資格情報の氏名がカードと一致しません",
        "en": "the record's name differs from the card",
    },
    "reason.birthdate_mismatch": {
        "ja": "資格情報の生年月日がカードと一致しません",
        "en": "the record's birthdate differs from the card",
    },
    "reason.patient_said_not_me": {
        "ja": "ご本人が「自分ではない」と回答",
        "en": "the patient said the name is not theirs",
    },
    "reason.typed_birthdate_differs": {
        "ja": "入力された生年月日がカードと一致しません",
        "en": "the typed birthdate differs from the card",
    },
    "reason.several_qualifications": {
        "ja": "複数の資格が該当（ひも付け誤りの可能性）",
        "en": "several qualifications match (a possible wrong link)",
    },
    "reason.revoked_certificate": {
        "ja": "カードの証明書が失効しています",
        "en": "the card's certificate is revoked",
    },
    "reason.variant_rejected_by_staff": {
        "ja": "表記違いを受付担当者が否認",
        "en": "staff did not accept the name variant",
    },
    "reason.gateway_unavailable_nothing_cached": {
        "ja": "資格確認サーバーに接続できず、保存済みの確認結果もありません",
        "en": "the gateway is unavailable and nothing is cached for this card",
    },
    "reason.no_qualification_found": {
        "ja": "資格が見つかりません",
        "en": "no qualification was found",
    },
    # result
    "result.patient": {"ja": "患者さん", "en": "Patient"},
    "result.insurer": {"ja": "保険者", "en": "Insurer"},
    "result.symbol_number": {"ja": "記号・番号・枝番", "en": "Symbol · number · branch"},
    "result.relationship": {"ja": "本人・家族", "en": "Insured / dependent"},
    "result.copay": {"ja": "負担割合", "en": "Copay"},
    "result.period": {"ja": "有効期間", "en": "Valid"},
    "result.period.range": {"ja": "{start} ～ {end}", "en": "{start} to {end}"},
    "result.period.open": {"ja": "{start} から（終了日なし）", "en": "from {start} (no end date)"},
    "result.insured": {"ja": "本人", "en": "insured"},
    "result.dependent": {"ja": "家族", "en": "dependent"},
    "coverage.active": {"ja": "有効", "en": "active"},
    "coverage.cancelled": {"ja": "喪失", "en": "cancelled"},
    "coverage.draft": {"ja": "仮登録", "en": "draft"},
    "coverage.entered-in-error": {"ja": "誤登録", "en": "entered in error"},
    "result.status": {"ja": "資格", "en": "Status"},
    "result.medications.count": {
        "ja": "薬剤情報（新しい順・{count}件）",
        "en": "Medication history (newest first, {count} entries)",
    },
    "result.medications.scroll": {
        "ja": "↑↓・PgUp/PgDn・Home/End で一覧をスクロール",
        "en": "Up/Down, PgUp/PgDn, Home/End scroll the list",
    },
    "med.days": {"ja": "{days}日分", "en": "{days} days"},
    "med.one_day": {"ja": "1日分", "en": "1 day"},
    "med.prescriber": {"ja": "処方：{name}", "en": "prescribed by {name}"},
    "med.pharmacy": {"ja": "調剤：{name}", "en": "dispensed at {name}"},
    "result.no_medications": {"ja": "薬剤情報はありません。", "en": "No medication history."},
    "result.medications_unavailable": {
        "ja": "薬剤情報を取得できませんでした。",
        "en": "The medication history could not be fetched.",
    },
    "result.no_consent": {
        "ja": "薬剤情報の提供に同意されていません。",
        "en": "No consent to share medication history.",
    },
    # --- validity states (OQSCD006) and what the desk makes of each -----------------
    "validity.state.1": {"ja": "有効", "en": "valid"},
    "validity.state.2": {"ja": "無効", "en": "invalid"},
    "validity.state.3": {
        "ja": "無効（新しい資格あり）",
        "en": "invalid, a newer qualification exists",
    },
    "validity.state.4": {"ja": "該当資格なし", "en": "no qualification found"},
    "validity.state.5": {"ja": "複数該当", "en": "several qualifications match"},
    "outcome.banner": {"ja": "【{word}】{title}", "en": "[{word}] {title}"},
    "outcome.next": {"ja": "次の対応：{action}", "en": "Next: {action}"},
    "outcome.confirmed.word": {"ja": "確認済み", "en": "CONFIRMED"},
    "outcome.confirmed.title": {"ja": "資格確認が完了しました。", "en": "Eligibility confirmed."},
    "outcome.confirmed.next": {
        "ja": "表示の負担割合で受付してください。",
        "en": "check the patient in with the copay shown.",
    },
    "outcome.coverage_ended.word": {"ja": "資格喪失", "en": "INSURANCE ENDED"},
    "outcome.coverage_ended.title": {
        "ja": "この保険の資格は終了しています（無効）。資格は確認できていません。",
        "en": "This insurance has ended (invalid). Eligibility is NOT confirmed.",
    },
    "outcome.coverage_ended.next": {
        "ja": "現在加入している保険の資格確認書などを提示していただいてください。"
        "お持ちでない場合は被保険者資格申立書に記入していただき、通常の負担割合で受付します。",
        "en": "ask for the patient's current insurance (eligibility certificate or notice). "
        "If they have none with them, have them fill in the self-declaration of coverage "
        "and charge the usual share.",
    },
    "outcome.newer_coverage.word": {"ja": "新しい資格あり", "en": "NEWER INSURANCE"},
    "outcome.newer_coverage.title": {
        "ja": "この保険は無効です。新しい資格があります。資格は確認できていません。",
        "en": "This insurance is invalid: a newer one exists. Eligibility is NOT confirmed.",
    },
    "outcome.newer_coverage.next": {
        "ja": "新しい保険の資格確認書などを提示していただき、その保険で受付してください。",
        "en": "ask for the new insurance (its eligibility certificate or notice) "
        "and check the patient in under it.",
    },
    "outcome.no_record.word": {"ja": "該当資格なし", "en": "NO RECORD"},
    "outcome.no_record.title": {
        "ja": "このカードに該当する資格が見つかりません。",
        "en": "No qualification was found for this card.",
    },
    "outcome.no_record.next": {
        "ja": "保険者側の登録誤り（番号の入力ミスなど）か、"
        "加入の登録がまだ済んでいない可能性があります。資格確認書の番号で確認するか、被保険者資格申立書（紙）で受付してください。",
        "en": "the insurer's data may hold a typo, or the enrolment is not registered yet. "
        "Check with the numbers on the eligibility certificate, or use the paper "
        "self-declaration of coverage.",
    },
    "outcome.several_match.word": {"ja": "保留", "en": "WITHHELD"},
    "outcome.several_match.title": {
        "ja": "複数の資格が該当したため表示しません（ひも付け誤りの可能性）。",
        "en": "Several qualifications match, so nothing is shown (a possible wrong link).",
    },
    "outcome.several_match.next": {
        "ja": "資格確認書または紙の様式で受付してください。記録は管理者が確認します。",
        "en": "check the patient in with the eligibility certificate or the paper form; "
        "the manager reviews the flag.",
    },
    "stage.offline_shown.unconfirmed": {
        "ja": "オフライン — {date} 時点で保存された結果です。回線復旧後に再確認します。",
        "en": "OFFLINE — the result saved on {date}. It will be checked again when the "
        "gateway is back.",
    },
    "reasons.separator": {"ja": "、", "en": "; "},
    # the identity gate's reasons, shown to staff beside a name variant
    "gate.birthdate-same": {"ja": "生年月日は同じ", "en": "the birthdates are the same"},
    "gate.birthdate-differs": {"ja": "生年月日が異なる", "en": "the birthdates differ"},
    "gate.name-same": {"ja": "氏名の表記は同じ", "en": "the names are spelled the same"},
    "gate.name-same-normalised": {
        "ja": "空白・全角半角・大文字小文字・ひらがな/カタカナの違いを除けば氏名は同じ",
        "en": "the names are spelled the same once spacing, character width, letter case "
        "and hiragana/katakana are set aside",
    },
    "gate.name-kanji-variant": {
        "ja": "氏名の違いは同じ漢字の異体字（旧字・新字など）のみ",
        "en": "the names differ in variant forms of the same kanji (such as old and new forms)",
    },
    "gate.name-small-kana": {
        "ja": "氏名の違いは小書きのかなと通常のかなのみ",
        "en": "the names differ in small and full-size kana",
    },
    "gate.name-iteration-mark": {
        "ja": "一方は踊り字（々など）、もう一方は同じ文字を繰り返して表記",
        "en": "one name repeats a character with an iteration mark where the other writes it out",
    },
    "gate.name-variation-selector": {
        "ja": "氏名の違いは字形の選択（異体字セレクタ）のみ",
        "en": "the names differ in the glyph chosen for a character",
    },
    "gate.name-latin-accent": {
        "ja": "氏名の違いはラテン文字のアクセント記号のみ",
        "en": "the names differ in accents on Latin letters",
    },
    "gate.record-name-unknown-characters": {
        "ja": "資格情報の氏名に国のシステムで表せない文字（●）があり、ほかの文字は一致",
        "en": "the record's name has characters the national system cannot spell; "
        "all its other characters agree",
    },
    "gate.name-differs": {"ja": "氏名が異なる", "en": "the names differ"},
    "gate.name-length-differs": {
        "ja": "氏名の文字数が異なる",
        "en": "the names have a different number of characters",
    },
    "gate.card-name-empty": {"ja": "カードの氏名が空", "en": "the card's name is empty"},
    "gate.record-name-empty": {"ja": "資格情報の氏名が空", "en": "the record's name is empty"},
    "gate.card-name-unknown-mark": {
        "ja": "カードの氏名に不明文字の記号がある（カードには本来ない）",
        "en": "the card's name contains a mark for an unknown character, "
        "which a card never carries",
    },
    "gate.record-name-unreadable": {
        "ja": "資格情報の氏名に読める文字がない（不明文字の記号のみ）",
        "en": "the record's name has no readable characters, only marks for unknown characters",
    },
    # offline visits that re-verification did not confirm (shown at the counter)
    "visits.title": {
        "ja": "【受付担当者へ】オフライン受付の再確認結果",
        "en": "[Staff] Offline visits re-checked with a different answer",
    },
    "visits.changed": {
        "ja": "{when} の受付：資格の内容が変わっていました（{fields}）。"
        "請求内容を修正してください。",
        "en": "Visit at {when}: the coverage has changed ({fields}). Correct the visit's claim.",
    },
    "visits.rejected": {
        "ja": "{when} の受付：資格を確認できませんでした。"
        "患者さんに新しい保険証等を確認し、請求を見直してください。",
        "en": "Visit at {when}: eligibility was not confirmed. Ask the patient for their "
        "current insurance and review the claim.",
    },
    "visits.flagged": {
        "ja": "{when} の受付：別人の資格にひも付いていました。管理者レビューに記録しました。",
        "en": "Visit at {when}: the card is linked to another person's record. "
        "Flagged for the manager's review.",
    },
    "visits.seen": {
        "ja": "［K］確認済みにする",
        "en": "[K] mark as seen",
    },
    "field.insurer_number": {"ja": "保険者番号", "en": "insurer number"},
    "field.symbol": {"ja": "記号", "en": "symbol"},
    "field.number": {"ja": "番号", "en": "number"},
    "field.branch": {"ja": "枝番", "en": "branch"},
    "field.copay_ratio": {"ja": "負担割合", "en": "copay"},
    "field.period_start": {"ja": "開始日", "en": "start date"},
    "field.period_end": {"ja": "終了日", "en": "end date"},
    "field.validity": {"ja": "有効性", "en": "validity"},
    # bindings
    "key.yes": {"ja": "はい", "en": "Yes"},
    "key.no": {"ja": "いいえ", "en": "No"},
    "key.cancel": {"ja": "中止", "en": "Cancel"},
    "key.done": {"ja": "次の方へ", "en": "Next patient"},
    "key.help": {"ja": "ヘルプ", "en": "Help"},
    "key.confirm_last_try": {"ja": "最終回を許可", "en": "Allow last try"},
    "key.accept": {"ja": "受け付ける", "en": "Accept"},
    "key.reject": {"ja": "受け付けない", "en": "Reject"},
    "key.quit": {"ja": "終了", "en": "Quit"},
    "key.remove_card": {"ja": "カードを外す", "en": "Remove card"},
    "key.seen": {"ja": "確認済み", "en": "Seen"},
    "key.search": {"ja": "検索", "en": "Search"},
    "quit.hint": {
        "ja": "終了するには Ctrl+Q を押してください。",
        "en": "Press Ctrl+Q to quit.",
    },
    "demo.title": {
        "ja": "デモ用カード\nEnterでかざす\n暗証番号は1234",
        "en": "Demo cards\nEnter taps · PIN 1234",
    },
    "demo.tries_left": {"ja": "暗証番号の残り{tries}回", "en": "PIN: {tries} tries left"},
    "demo.one_try_left": {"ja": "暗証番号の残り1回", "en": "PIN: 1 try left"},
    "demo.pin_locked": {"ja": "暗証番号ロック中", "en": "PIN locked"},
    "demo.card.yamada-taro": {"ja": "通常の患者", "en": "Ordinary patient"},
    "demo.card.takahashi-ichiro": {"ja": "氏名の異体字（髙/高）", "en": "Name variant (髙/高)"},
    "demo.card.watanabe-hanako": {"ja": "記録の氏名に●", "en": "● in the record's name"},
    "demo.card.sato-ken": {"ja": "別人の記録にひも付け", "en": "Linked to someone else"},
    "demo.card.kato-yuki": {"ja": "複数の資格が該当", "en": "Several qualifications"},
    "demo.card.kobayashi-sachiko": {"ja": "資格喪失", "en": "Coverage lost"},
    "demo.card.ito-makoto": {"ja": "失効した証明書", "en": "Revoked certificate"},
    "demo.gateway_down": {"ja": "資格確認サーバー停止", "en": "Gateway down"},
    "demo.gateway_up": {"ja": "資格確認サーバー再開", "en": "Gateway back up"},
    "help.title": {"ja": "ヘルプ", "en": "Help"},
    "help.close": {
        "ja": "このヘルプは Esc または F1 で閉じます。",
        "en": "Esc or F1 closes this help.",
    },
    "help.text": {
        "ja": "患者さん：カードを置き、暗証番号（数字4桁）を入力し、お名前と生年月日を"
        "確認します。Y はい、N いいえ。\n"
        "\n"
        "受付担当者：\n"
        "  Esc　受付を中止\n"
        "  D　次の方へ（画面を消す）\n"
        "  C　暗証番号の最後の1回を許可\n"
        "  A / R　氏名の表記違いを受け付ける／受け付けない\n"
        "  K　オフライン受付の再確認結果を確認済みにする\n"
        "  M または F2　管理者レビュー（カード待ちの画面でのみ）\n"
        "\n"
        "薬剤情報の一覧：↑↓ 1行、PgUp/PgDn 1画面、Home/End 先頭／末尾。\n"
        "デモ用カード：↑↓ で選び Enter でかざす（カード待ちの画面でのみ）。\n"
        "\n"
        "Ctrl+Q　終了",
        "en": "Patient: place the card, type the 4-digit PIN, confirm name and "
        "birthdate. Y yes, N no.\n"
        "\n"
        "Receptionist:\n"
        "  Esc  cancel the check-in\n"
        "  D  next patient (clears the screen)\n"
        "  C  allow the card's last PIN try\n"
        "  A / R  accept / reject a name variant\n"
        "  K  mark the re-check results of offline visits as seen\n"
        "  M or F2  manager review (only while waiting for a card)\n"
        "\n"
        "Medication list: Up/Down one line, PgUp/PgDn one page, Home/End first / last.\n"
        "Demo cards: Up/Down to choose, Enter to tap (only while waiting for a card).\n"
        "\n"
        "Ctrl+Q  quit",
    },
    # manager review
    "key.manager_review": {"ja": "管理者レビュー", "en": "Manager review"},
    "review.title": {"ja": "管理者レビュー", "en": "Manager review"},
    "review.pin.prompt": {
        "ja": "管理者の暗証番号を入力してください。",
        "en": "Type the manager PIN.",
    },
    "review.pin.placeholder": {"ja": "管理者暗証番号", "en": "Manager PIN"},
    "review.pin.tries_left": {"ja": "残り {tries} 回", "en": "{tries} tries left"},
    "review.pin.one_try_left": {"ja": "残り 1 回", "en": "1 try left"},
    "review.pin.wrong": {
        "ja": "暗証番号が違います。残り {tries} 回。",
        "en": "That is not the manager PIN. {tries} tries left.",
    },
    "review.pin.wrong_one": {
        "ja": "暗証番号が違います。残り 1 回。",
        "en": "That is not the manager PIN. 1 try left.",
    },
    "review.pin.locked": {
        "ja": "間違いが続いたためロックしました。{until} まで入力できません。",
        "en": "Too many wrong PINs: locked until {until}.",
    },
    "review.pin.not_set": {
        "ja": "管理者の暗証番号が未設定です。`clinic-desk review set-pin` で設定してください。",
        "en": "No manager PIN is set yet. Set one with `clinic-desk review set-pin`.",
    },
    "review.pin.checking": {"ja": "確認しています…", "en": "Checking…"},
    "review.pin.idle": {
        "ja": "{seconds} 秒操作がなかったためロックしました。",
        "en": "Locked after {seconds} seconds without a key press.",
    },
    "review.key_problem": {
        "ja": "管理者鍵を開けません：{message}",
        "en": "The manager key cannot be opened: {message}",
    },
    "review.csv.sealed_unreadable": {
        "ja": "（封印を開けません：以前の管理者鍵で封印されたか、変更されています）",
        "en": "(sealed; cannot be opened: sealed for an earlier manager key, or changed)",
    },
    "review.loading": {"ja": "読み込んでいます…", "en": "Loading…"},
    "review.count": {
        "ja": "{shown} 件表示（全 {total} 件）",
        "en": "{shown} of {total} flags",
    },
    "review.count.one": {"ja": "{shown} 件表示（全 1 件）", "en": "{shown} of 1 flag"},
    "review.filters": {
        "ja": "絞り込み：状態 {status}・理由 {reason}　並び順：{sort}",
        "en": "filter: status {status}, reason {reason}   sort: {sort}",
    },
    "review.filters.search": {"ja": "検索：「{text}」", "en": "search: \u201c{text}\u201d"},
    "review.search.prompt": {
        "ja": "氏名・日付（生年月日または記録日）・カード（証明書の先頭）で検索します。",
        "en": "Search by name, date (birthdate or day flagged) or card "
        "(the start of its certificate fingerprint).",
    },
    "review.search.placeholder": {"ja": "検索する言葉", "en": "Search for"},
    "review.search.clear": {
        "ja": "空のまま Enter で検索を解除します。",
        "en": "Enter with nothing typed clears the search.",
    },
    "review.search.searching": {"ja": "検索しています…", "en": "Searching…"},
    "review.empty": {"ja": "該当する記録はありません。", "en": "No flags match."},
    "review.all": {"ja": "すべて", "en": "all"},
    "review.col.when": {"ja": "日時", "en": "When"},
    "review.col.desk": {"ja": "受付", "en": "Desk"},
    "review.col.reason": {"ja": "理由", "en": "Reason"},
    "review.col.status": {"ja": "状態", "en": "Status"},
    "review.sort.date": {"ja": "日時", "en": "date"},
    "review.sort.reason": {"ja": "理由", "en": "reason"},
    "review.sort.status": {"ja": "状態", "en": "status"},
    "review.status.open": {"ja": "未対応", "en": "open"},
    "review.status.reported": {"ja": "保険者に報告済み", "en": "reported to insurer"},
    "review.status.resolved": {"ja": "解決済み", "en": "resolved"},
    "review.reason.name_mismatch": {"ja": "氏名の不一致", "en": "Name mismatch"},
    "review.reason.birthdate_mismatch": {"ja": "生年月日の不一致", "en": "Birthdate mismatch"},
    "review.reason.patient_said_not_me": {
        "ja": "患者さんが「本人ではない」と回答",
        "en": 'Patient said "not me"',
    },
    "review.reason.typed_birthdate_differs": {
        "ja": "入力された生年月日が不一致",
        "en": "Typed birthdate differs",
    },
    "review.reason.several_qualifications": {
        "ja": "複数の資格が該当",
        "en": "Several qualifications match",
    },
    "review.reason.revoked_certificate": {"ja": "失効した証明書", "en": "Revoked certificate"},
    "review.reason.mislink_found_after_offline_checkin": {
        "ja": "オフライン受付後の再確認で別人の記録と判明",
        "en": "Re-check after an offline check-in: linked to another person's record",
    },
    "review.reason.several_qualifications_after_offline_checkin": {
        "ja": "オフライン受付後の再確認で複数資格該当",
        "en": "Re-check after an offline check-in: several qualifications match",
    },
    "review.reason.revoked_certificate_after_offline_checkin": {
        "ja": "オフライン受付後の再確認で証明書の失効が判明",
        "en": "Re-check after an offline check-in: certificate revoked",
    },
    "review.reason.variant_rejected_by_staff": {
        "ja": "表記違いを受付担当者が否認",
        "en": "Name variant rejected by staff",
    },
    "review.detail.card": {
        "ja": "カード（ICチップ）の本人情報",
        "en": "Card holder (from the chip)",
    },
    "review.detail.name": {"ja": "氏名", "en": "Name"},
    "review.detail.birthdate": {"ja": "生年月日", "en": "Birthdate"},
    "review.detail.sex": {"ja": "性別", "en": "Sex"},
    "review.detail.certificate": {"ja": "証明書 SHA-256", "en": "Certificate SHA-256"},
    "review.detail.linked": {
        "ja": "ひも付けられた記録の保険者情報（保険者番号・記号・番号・枝番）",
        "en": "Insurer reference of the linked record (insurer number, symbol, number, branch)",
    },
    "review.detail.linked_ref": {"ja": "資格確認側の記録ID", "en": "Gateway record id"},
    "review.detail.not_kept": {
        "ja": "保険者情報は保存されていません（記録時に管理者鍵がありませんでした）。",
        "en": "The insurer reference was not kept (there was no manager key when it was flagged).",
    },
    "review.detail.no_key": {
        "ja": "保険者情報は封印されていますが、管理者鍵を開けません。",
        "en": "The insurer reference is sealed, but the manager key cannot be opened now.",
    },
    "review.detail.broken": {
        "ja": "封印された保険者情報を開けません（別の鍵で封印されたか、改変されています）。",
        "en": "The sealed insurer reference cannot be opened (another key, or changed).",
    },
    "review.detail.flag": {"ja": "記録", "en": "Flag"},
    "review.detail.reported": {
        "ja": "報告：{date}　連絡先：{contact}",
        "en": "Reported on {date} to {contact}",
    },
    "review.detail.resolved": {
        "ja": "解決：{date}　メモ：{note}",
        "en": "Resolved on {date}: {note}",
    },
    "review.detail.history": {"ja": "経緯", "en": "History"},
    "review.sex.1": {"ja": "男", "en": "male"},
    "review.sex.2": {"ja": "女", "en": "female"},
    "review.sex.9": {"ja": "適用不能", "en": "not applicable"},
    "review.form.report": {
        "ja": "保険者への報告を記録します（報告日と保険者の連絡先）。",
        "en": "Record the report to the insurer (date and insurer contact).",
    },
    "review.form.report_date": {
        "ja": "報告日（例：20261127）",
        "en": "Report date (e.g. 20261127)",
    },
    "review.form.contact": {"ja": "保険者の連絡先", "en": "Insurer contact"},
    "review.form.resolve": {
        "ja": "解決として閉じます。メモは必須です。",
        "en": "Resolve the flag. A note is required.",
    },
    "review.form.reopen": {
        "ja": "未対応に戻します（理由は任意）。",
        "en": "Reopen the flag (reason optional).",
    },
    "review.form.note": {"ja": "メモ", "en": "Note"},
    "review.form.export": {
        "ja": "画面に表示中の {count} 件をCSV（UTF-8・BOM付き）で書き出します。保存先：",
        "en": "Export the {count} flags on screen as CSV (UTF-8 with BOM). Save to:",
    },
    "review.form.export_one": {
        "ja": "画面に表示中の 1 件をCSV（UTF-8・BOM付き）で書き出します。保存先：",
        "en": "Export the 1 flag on screen as CSV (UTF-8 with BOM). Save to:",
    },
    "review.form.keys": {"ja": "Enter 決定　Esc 取消", "en": "Enter save   Esc cancel"},
    "review.form.bad_date": {
        "ja": "日付は8桁の数字で入力してください（例：20260401）。",
        "en": "Type the date as 8 digits, e.g. 20260401.",
    },
    "review.done.reported": {"ja": "報告済みにしました。", "en": "Marked as reported."},
    "review.done.resolved": {"ja": "解決済みにしました。", "en": "Resolved."},
    "review.done.reopened": {"ja": "未対応に戻しました。", "en": "Reopened."},
    "review.done.export": {
        "ja": "{count} 件を {path} に書き出しました。",
        "en": "Wrote {count} flags to {path}.",
    },
    "review.done.export_one": {
        "ja": "1 件を {path} に書き出しました。",
        "en": "Wrote 1 flag to {path}.",
    },
    "review.demo_pin": {
        "ja": "デモの管理者暗証番号は {pin} です（デモを閉じると、デモのフラグも消えます）。",
        "en": "The demo's manager PIN is {pin} (the demo's flags go when the demo closes).",
    },
    "review.error.contact_required": {
        "ja": "保険者の連絡先（報告した相手）を入力してください。",
        "en": "Say whom at the insurer it was reported to (the contact).",
    },
    "review.error.future_date": {
        "ja": "報告日に未来の日付は入力できません。",
        "en": "The report date cannot be in the future.",
    },
    "review.error.note_required": {
        "ja": "解決にはメモが必要です。",
        "en": "A note is required to resolve a flag.",
    },
    "review.error.file_exists": {
        "ja": "{path} は既にあります。別のファイル名にしてください。",
        "en": "{path} already exists; choose another file name.",
    },
    "review.error.no_folder": {
        "ja": "フォルダ {path} がありません。",
        "en": "The folder {path} does not exist.",
    },
    "review.error.cannot_write": {
        "ja": "{path} に書き出せません（{reason}）。",
        "en": "Cannot write to {path} ({reason}).",
    },
    "review.error.locked": {
        "ja": "レビューはロックされています。管理者の暗証番号をもう一度入力してください。",
        "en": "The review is locked; type the manager PIN again.",
    },
    "review.error.nothing_to_export": {
        "ja": "画面に表示中の記録がないため、書き出すものがありません。",
        "en": "No flags are on screen, so there is nothing to export.",
    },
    "review.help": {
        # a no-break space (\u00a0) keeps each key with its words
        "ja": "↑↓\u00a0選択　Enter\u00a0詳細　S\u00a0状態で絞り込み　R\u00a0理由で絞り込み　"
        "/\u00a0検索　O\u00a0並び替え\nP\u00a0報告済みにする　V\u00a0解決　U\u00a0未対応に戻す　"
        "E\u00a0表示中をCSV書き出し　L\u00a0ロック　Esc\u00a0閉じる\n"
        "C\u00a0新しい資格あり（請求先の確認）だけを表示　N\u00a0登録済みの氏名表記",
        "en": "Up/Down\u00a0select, Enter\u00a0detail, S\u00a0filter by status, "
        "R\u00a0filter by reason, /\u00a0search, O\u00a0sort\n"
        "P\u00a0mark reported, V\u00a0resolve, U\u00a0reopen, E\u00a0export what is shown "
        "as CSV, L\u00a0lock, Esc\u00a0close\n"
        "C\u00a0only visits with newer insurance (claims to check), N\u00a0name aliases",
    },
    # the export's column headers (the codes are in manager.review.CSV_COLUMNS)
    "csv.flag_id": {"ja": "記録ID", "en": "flag_id"},
    "csv.patient_reference": {"ja": "お問い合わせ番号", "en": "patient_reference"},
    "csv.raised_at": {"ja": "記録日時（UTC）", "en": "raised_at"},
    "csv.desk_id": {"ja": "受付ID", "en": "desk_id"},
    "csv.reason_code": {"ja": "理由コード", "en": "reason_code"},
    "csv.reason": {"ja": "理由", "en": "reason"},
    "csv.status": {"ja": "状態コード", "en": "status"},
    "csv.status_words": {"ja": "状態", "en": "status_words"},
    "csv.card_name": {"ja": "カードの氏名", "en": "card_name"},
    "csv.card_birthdate": {"ja": "カードの生年月日", "en": "card_birthdate"},
    "csv.card_sex": {"ja": "カードの性別コード", "en": "card_sex"},
    "csv.card_certificate_sha256": {
        "ja": "カード証明書 SHA-256",
        "en": "card_certificate_sha256",
    },
    "csv.insurer_reference": {"ja": "保険者情報", "en": "insurer_reference"},
    "csv.linked_record_ref": {"ja": "資格確認側の記録ID", "en": "linked_record_ref"},
    "csv.reported_at": {"ja": "報告日時（UTC）", "en": "reported_at"},
    "csv.insurer_contact": {"ja": "保険者の連絡先", "en": "insurer_contact"},
    "review.no_cache": {
        "ja": "この受付にはオフラインキャッシュがないため、管理者レビューを開けません。",
        "en": "This desk has no offline cache, so the manager review cannot open.",
    },
    "key.close": {"ja": "閉じる", "en": "Close"},
    "key.filter_status": {"ja": "状態で絞込", "en": "Status filter"},
    "key.filter_reason": {"ja": "理由で絞込", "en": "Reason filter"},
    "key.sort": {"ja": "並び替え", "en": "Sort"},
    "key.mark_reported": {"ja": "報告済みにする", "en": "Mark reported"},
    "key.resolve": {"ja": "解決", "en": "Resolve"},
    "key.reopen": {"ja": "未対応に戻す", "en": "Reopen"},
    "key.export": {"ja": "CSV書き出し", "en": "Export CSV"},
    "key.lock": {"ja": "ロック", "en": "Lock"},
    "key.detail": {"ja": "詳細", "en": "Detail"},
}

CATALOGUE.update(DESK_TEXTS)
CATALOGUE.update(ELIGIBILITY_TEXTS)
CATALOGUE.update(PATHS_TEXTS)
CATALOGUE.update(READINESS_TEXTS)
CATALOGUE.update(TERMINAL_TEXTS)
CATALOGUE.update(CLI_HELP_TEXTS)
CATALOGUE.update(CLI_TOOLS_TEXTS)
CATALOGUE.update(CLI_MESSAGES_TEXTS)
CATALOGUE.update(FAILURE_TEXTS)

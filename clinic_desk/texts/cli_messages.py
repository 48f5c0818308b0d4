"""What the commands print: errors, prompts and reports, in both languages.

Merged into ``CATALOGUE``. Codes, paths and values from outside are placeholders.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

CLI_MESSAGES_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    "cli.error.detail": {
        "ja": "処理できませんでした。サポート向けの詳細（英語）：{detail}",
        "en": "{detail}",
    },
    "cli.note": {"ja": "注意：{note}", "en": "note: {note}"},
    "cli.problem": {"ja": "問題：{problem}", "en": "problem: {problem}"},
    "cli.error.no_terminal": {
        "ja": "受付は全画面のプログラムですが、表示する端末がありません。"
        "clinic-desk は端末の中で起動してください。",
        "en": "the desk is a full-screen program and there is no terminal to show it in: "
        "start clinic-desk in a terminal",
    },
    "cli.error.fixture_missing": {
        "ja": "フィクスチャ {path} がありません。",
        "en": "The fixture {path} does not exist.",
    },
    "cli.error.fixture_not_file": {
        "ja": "フィクスチャ {path} はファイルではありません。",
        "en": "The fixture {path} is not a file.",
    },
    "cli.error.target_missing": {
        "ja": "フィクスチャまたはフォルダ {path} がありません。",
        "en": "There is no fixture or folder {path}.",
    },
    # review
    "cli.review.ask_current_pin": {"ja": "今の管理者暗証番号：", "en": "Current manager PIN: "},
    "cli.review.ask_new_pin": {
        "ja": "新しい管理者暗証番号（数字または英字 6〜32 文字）：",
        "en": "New manager PIN (6 to 32 digits or letters): ",
    },
    "cli.review.ask_repeat_pin": {
        "ja": "新しい管理者暗証番号をもう一度：",
        "en": "Repeat the new manager PIN: ",
    },
    "cli.review.ask_pin": {"ja": "管理者暗証番号：", "en": "Manager PIN: "},
    "cli.review.pins_differ": {
        "ja": "二つの暗証番号が違います。何も変更していません。",
        "en": "the two PINs differ; nothing was changed",
    },
    "cli.review.pin_set": {
        "ja": "管理者暗証番号を設定しました。"
        "記録される受付の保険者の照会番号は封じて保存されます。",
        "en": "the manager PIN is set; flagged records will keep the insurer reference sealed",
    },
    "cli.review.pin_changed": {
        "ja": "管理者暗証番号を変更しました。前の暗証番号では確認画面を開けません。",
        "en": "the manager PIN was changed; the old PIN no longer opens the review",
    },
    "cli.review.pin_reset": {
        "ja": "新しい管理者暗証番号と鍵を作りました。"
        "前に封じた照会番号は古い鍵のまま封じられています"
        "（古い鍵は設定フォルダに別に保管しました）。",
        "en": "a new manager PIN and key were made; references sealed before stay sealed "
        "for the old key (kept aside in the configuration folder)",
    },
    "cli.review.wrote": {"ja": "{path} に{count}を書き出しました", "en": "wrote {count} to {path}"},
    "cli.review.one_flag": {"ja": "1 件", "en": "1 flag"},
    "cli.review.flags": {"ja": "{count} 件", "en": "{count} flags"},
    "cli.review.no_cache": {
        "ja": "{path} にオフラインキャッシュがないため、確認する記録はありません。"
        "このコンピューターではまだ本番の受付が動いていません。デモの受付は記録をデモを閉じると"
        "消える一時キャッシュに保存します。デモの記録はデモの受付で M（F2）から確認してください"
        "（デモの管理者暗証番号はそこに表示されます）。",
        "en": "there is no offline cache at {path}, so no flag to review: no production desk "
        "has run on this computer yet. The demo desk keeps its flags in a temporary cache "
        "that goes when the demo closes: review them in the demo desk with M (F2), where "
        "the demo's manager PIN is shown",
    },
    "cli.review.stdin_ended": {
        "ja": "管理者暗証番号の前に標準入力が終わりました。",
        "en": "standard input ended before the manager PIN",
    },
    "cli.review.no_terminal": {
        "ja": "管理者暗証番号を尋ねる端末がありません。--pin-stdin を使ってください。",
        "en": "no terminal to ask the manager PIN: use --pin-stdin",
    },
    "cli.review.no_pin": {
        "ja": "管理者暗証番号がまだ設定されていません。先に clinic-desk review set-pin を"
        "実行してください。",
        "en": "no manager PIN is set yet: run `clinic-desk review set-pin` first",
    },
    "cli.review.locked": {
        "ja": "管理者暗証番号は {until}（UTC）までロックされています。",
        "en": "the manager PIN is locked until {until} UTC",
    },
    "cli.review.wrong_pin": {
        "ja": "管理者暗証番号が違います（{left}）。",
        "en": "that is not the manager PIN ({left})",
    },
    # cache
    "cli.cache.no_passphrase": {
        "ja": "パスフレーズがありません。{env} を設定するか、端末で実行してください。",
        "en": "no passphrase: set {env} or run this in a terminal",
    },
    "cli.cache.no_new_passphrase": {
        "ja": "新しいパスフレーズがありません。{env} を設定するか、端末で実行してください。",
        "en": "no new passphrase: set {env} or run this in a terminal",
    },
    "cli.cache.ask_passphrase": {"ja": "キャッシュのパスフレーズ：", "en": "Cache passphrase: "},
    "cli.cache.ask_passphrase_kept": {
        "ja": "キャッシュのパスフレーズ（新しいキャッシュでも使います）：",
        "en": "Cache passphrase (kept for the new cache): ",
    },
    "cli.cache.ask_current_passphrase": {
        "ja": "今のパスフレーズ：",
        "en": "Current passphrase: ",
    },
    "cli.cache.ask_new_passphrase": {
        "ja": "新しいパスフレーズ（8 文字以上）：",
        "en": "New passphrase (at least 8 characters): ",
    },
    "cli.cache.ask_repeat_passphrase": {
        "ja": "新しいパスフレーズをもう一度：",
        "en": "Repeat the new passphrase: ",
    },
    "cli.cache.passphrases_differ": {
        "ja": "二つのパスフレーズが違います。何も変更していません。",
        "en": "the two passphrases differ; nothing was changed",
    },
    "cli.cache.started": {
        "ja": "新しいオフラインキャッシュを {path} に始めました",
        "en": "started a new offline cache at {path}",
    },
    "cli.cache.kept_old": {
        "ja": "古いファイルを {path} として残しました",
        "en": "kept the old file as {path}",
    },
    "cli.cache.created": {
        "ja": "オフラインキャッシュを {path} に作りました",
        "en": "created the offline cache at {path}",
    },
    "cli.cache.created_key": {
        "ja": "鍵ファイル：{path}（データとは別にバックアップしてください）",
        "en": "key file: {path} (back it up separately from the data)",
    },
    "cli.cache.file": {"ja": "キャッシュファイル：{file}", "en": "cache file: {file}"},
    "cli.cache.key_file": {"ja": "鍵ファイル：　　　{file}", "en": "key file:   {file}"},
    "cli.cache.key_file_state": {
        "ja": "鍵ファイルの状態：{state}",
        "en": "key file state: {state}",
    },
    "cli.cache.kdf": {
        "ja": "鍵ファイル：{kdf}、作成 {created}",
        "en": "key file: {kdf}, created {created}",
    },
    "cli.cache.kdf_changed": {
        "ja": "鍵ファイル：{kdf}、作成 {created}、パスフレーズ変更 {changed}",
        "en": "key file: {kdf}, created {created}, passphrase changed {changed}",
    },
    "cli.cache.in_use": {
        "ja": "使用中：　　　　はい（プロセス {pid}）",
        "en": "in use:     yes, by process {pid}",
    },
    "cli.cache.not_in_use": {"ja": "使用中：　　　　いいえ", "en": "in use:     no"},
    "cli.cache.counts_need_passphrase": {
        "ja": "（行数の表示にはパスフレーズが必要です：--unlock または {env}）",
        "en": "(row counts need the passphrase: --unlock or {env})",
    },
    "cli.cache.counts_not_read": {
        "ja": "（壊れたファイルからは行数を読みません）",
        "en": "(row counts are not read from a damaged file)",
    },
    "cli.cache.file_ok": {
        "ja": "ファイルの検査：正常（全ページ）",
        "en": "file check: ok (every page)",
    },
    "cli.cache.schema": {"ja": "形式：　　　版 {version}", "en": "schema:     version {version}"},
    "cli.cache.snapshots": {
        "ja": "資格情報：　{count}（期限切れ {expired}）",
        "en": "snapshots:  {count} ({expired} expired)",
    },
    "cli.cache.medications": {"ja": "薬剤情報：　{count}", "en": "medications: {count}"},
    "cli.cache.visits": {
        "ja": "受付：　　　{count}（再確認待ち {pending}）",
        "en": "visits:     {count} ({pending} waiting for re-verification)",
    },
    "cli.cache.flags": {
        "ja": "要確認記録：{count}（未解決 {open}）",
        "en": "flags:      {count} ({open} not resolved)",
    },
    "cli.cache.audit_rows": {"ja": "監査記録：　{count}", "en": "audit rows: {count}"},
    "cli.cache.unlocked_damaged": {
        "ja": "パスフレーズでこのキャッシュは開きます（形式の版 {version}）が、"
        "ファイルが壊れています",
        "en": "the passphrase opens this cache (schema version {version}), but the file is damaged",
    },
    "cli.cache.unlocked": {
        "ja": "解錠：パスフレーズでこのキャッシュは開きます（形式の版 {version}、全ページ正常）",
        "en": "unlocked: the passphrase opens this cache (schema version {version}, every page ok)",
    },
    "cli.cache.purged": {
        "ja": "削除しました：資格情報 {snapshots} 件、薬剤情報 {medications} 件、"
        "再確認済みの受付 {visits} 件",
        "en": "purged {snapshots} snapshots, {medications} medication histories, {visits} "
        "re-verified visits",
    },
    "cli.cache.purge_kept": {
        "ja": "再確認待ちの受付が使う期限切れの資格情報 {count} 件は残しました",
        "en": "kept {count} expired snapshots that visits waiting for re-verification still need",
    },
    "cli.cache.reverify_needs_gateway": {
        "ja": "オフラインの受付の再確認には資格確認の接続先の設定が必要です。{path} に "
        "gateway.base_url を設定してください（または CLINIC_DESK_GATEWAY__BASE_URL）。"
        "何も設定しないと受付はデモとして動き、デモのゲートウェイとキャッシュは動いている間だけ"
        "あります。デモの受付はオフラインの受付を自ら再確認します。",
        "en": "re-checking offline visits needs a configured gateway: set gateway.base_url in "
        "{path} (or CLINIC_DESK_GATEWAY__BASE_URL). With nothing configured the desk runs "
        "the demo, whose gateway and cache exist only while it runs; the demo desk re-checks "
        "its visits by itself",
    },
    "cli.cache.reverified": {
        "ja": "{checked} 件を再確認しました：確認 {confirmed}、変更 {changed}、不可 {rejected}"
        "（管理者に報告 {flagged}）、待ち {pending}",
        "en": "re-checked {checked}: {confirmed} confirmed, {changed} changed, {rejected} "
        "rejected ({flagged} flagged for the manager); {pending} still waiting",
    },
    "cli.cache.reverify_unreadable": {
        "ja": "読めない答え {count} 件",
        "en": "{count} unreadable answers",
    },
    "cli.cache.reverify_gateway_down": {
        "ja": "資格確認の接続先はまだ応答しません",
        "en": "the gateway is not answering yet",
    },
    "cli.verify.file_ok": {"ja": "ファイルの検査：正常", "en": "file check: ok"},
    "cli.verify.file_failed": {"ja": "ファイルの検査：失敗", "en": "file check: FAILED"},
    "cli.verify.unreadable": {
        "ja": "監査の連鎖：読めません\n封じた行：読めません",
        "en": "audit chain: unreadable\nsealed rows: unreadable",
    },
    "cli.verify.audit_ok": {
        "ja": "監査の連鎖：正常（{count} 行）",
        "en": "audit chain: ok ({count} rows)",
    },
    "cli.verify.audit_broken": {
        "ja": "監査の連鎖：切れています（{count} 行）",
        "en": "audit chain: BROKEN ({count} rows)",
    },
    "cli.verify.rows_ok": {
        "ja": "封じた行：正常（{count} 行）",
        "en": "sealed rows: ok ({count} rows)",
    },
    "cli.verify.rows_changed": {
        "ja": "封じた行：変更されています（{count} 行）",
        "en": "sealed rows: CHANGED ({count} rows)",
    },
    "cli.verify.head": {"ja": "監査の先頭：{head}", "en": "audit head: {head}"},
    "cli.cache.rekeyed": {
        "ja": "パスフレーズを変更しました。前のパスフレーズではこのキャッシュは開きません",
        "en": "passphrase changed; the old passphrase no longer unlocks this cache",
    },
    "cli.cache.wipe_needs_yes": {
        "ja": "wipe はキャッシュのすべての記録を完全に削除します。"
        "確認のため --yes を付けてください。",
        "en": "wipe deletes every cached record for good; add --yes to confirm",
    },
    "cli.cache.wipe_ask": {
        "ja": "オフラインキャッシュと鍵ファイルを完全に削除しますか？ wipe と入力してください：",
        "en": "Delete the offline cache and its key file for good? Type 'wipe': ",
    },
    "cli.cache.nothing_deleted": {"ja": "何も削除していません", "en": "nothing was deleted"},
    "cli.cache.nothing_to_wipe": {
        "ja": "削除するオフラインキャッシュはありませんでした",
        "en": "there was no offline cache to wipe",
    },
    "cli.cache.deleted": {"ja": "{path} を削除しました", "en": "deleted {path}"},
    "cli.cache.damaged": {
        "ja": "ファイルの検査：壊れています（ファイルには手を付けていません。"
        "clinic-desk cache verify を参照）",
        "en": "file check: DAMAGED (the file was left untouched; see `clinic-desk cache verify`)",
    },
    "cli.cache.absent": {"ja": "{path}（ありません）", "en": "{path} (absent)"},
    "cli.cache.present": {
        "ja": "{path}（{size} バイト、権限 {mode}）",
        "en": "{path} ({size} bytes, mode {mode})",
    },
    # config
    "cli.config.exists": {
        "ja": "{path} は既にあります。手を付けていません（置き換えるには --force）。",
        "en": "{path} already exists; it was left untouched (use --force to replace)",
    },
    "cli.config.wrote": {
        "ja": "{path} を書きました（{mode} の雛形）",
        "en": "wrote {path} ({mode} template)",
    },
    "cli.config.fill_in": {
        "ja": "例の値を置き換えてから clinic-desk config check を実行してください",
        "en": "replace the example values, then run `clinic-desk config check`",
    },
    "cli.config.file": {"ja": "# ファイル：{path}", "en": "# file: {path}"},
    "cli.config.no_file": {
        "ja": "# ファイル：{path}（ありません：既定値）",
        "en": "# file: {path} (not found: defaults)",
    },
    "cli.config.from_environment": {
        "ja": "# 環境変数から：{names}",
        "en": "# from the environment: {names}",
    },
    "cli.config.folders": {
        "ja": "# データ：{data}　ログ：{logs}",
        "en": "# data: {data}  logs: {logs}",
    },
    "cli.config.unset": {"ja": "（未設定）", "en": "(not set)"},
    "cli.config.unusable": {
        "ja": "設定を使用できません：\n{problems}",
        "en": "the configuration cannot be used:\n{problems}",
    },
    "cli.config.ok": {
        "ja": "設定は正常です：モード {mode}、{path} から",
        "en": "configuration OK: mode {mode}, from {path}",
    },
    "cli.config.ok_defaults": {
        "ja": "設定は正常です：モード {mode}、既定値（ファイルなし）",
        "en": "configuration OK: mode {mode}, from defaults (no file)",
    },
    # replay
    "cli.replay.nothing": {
        "ja": "そこには再現するフィクスチャがありません。",
        "en": "There is no fixture to replay there.",
    },
    "cli.replay.record_one": {
        "ja": "--record が記録する受付は一件です。フィクスチャを一つだけ指定してください。",
        "en": "--record records one check-in: name exactly one fixture.",
    },
    "cli.replay.record_exists": {
        "ja": "{path} は既にあります。新しいファイルを指定してください。",
        "en": "{path} exists already; choose a new file.",
    },
    "cli.replay.total": {
        "ja": "{count} 件中 {matched} 件が想定どおり、{seconds} 秒",
        "en": "{matched} of {count} as expected, {seconds} s",
    },
    "cli.replay.as_expected": {"ja": "想定どおり", "en": "as expected"},
    "cli.replay.unexpected": {"ja": "想定と違います", "en": "UNEXPECTED"},
    "cli.replay.line": {
        "ja": "{fixture}：{outcome} — {verdict}（想定 {expected}）、{seconds} 秒",
        "en": "{fixture}: {outcome} — {verdict} (expected {expected}), {seconds} s",
    },
    "cli.replay.states": {"ja": "  段階：{states}", "en": "  states: {states}"},
    "cli.replay.flags": {"ja": "  記録：{flags}", "en": "  flags: {flags}"},
    "cli.replay.why": {"ja": "  理由：{why}", "en": "  why: {why}"},
    "cli.replay.not_recorded": {
        "ja": "フィクスチャが動かなかったため、何も記録していません。",
        "en": "the fixture did not run; nothing was recorded.",
    },
    "cli.replay.cannot_write": {
        "ja": "記録を {path} に書けません：{why}",
        "en": "The recording cannot be written to {path}: {why}.",
    },
    "cli.replay.recorded": {"ja": "{path} に記録しました", "en": "recorded into {path}"},
    # doctor
    "cli.doctor.title": {
        "ja": "clinic-desk doctor（モード {mode}）",
        "en": "clinic-desk doctor (mode {mode})",
    },
    "cli.doctor.ok": {"ja": "正常", "en": "OK"},
    "cli.doctor.warn": {"ja": "注意", "en": "WARN"},
    "cli.doctor.fail": {"ja": "不可", "en": "FAIL"},
    "cli.doctor.skipped": {"ja": "未確認", "en": "SKIPPED"},
    "cli.doctor.ready": {
        "ja": "準備完了：受付を始められます",
        "en": "ready: a check-in can go ahead",
    },
    "cli.doctor.not_ready": {
        "ja": "未準備：{checks} を直してください",
        "en": "NOT READY: fix {checks}",
    },
    # card
    "cli.card.no_profile": {
        "ja": "{name} というカードのフィクスチャはありません（あるもの：{known}）。",
        "en": "there is no card fixture called {name} (known: {known})",
    },
    "cli.card.no_reader": {
        "ja": "カードリーダーが接続されていません。",
        "en": "No card reader is connected.",
    },
    "cli.card.present": {"ja": "カードあり、ATR {atr}", "en": "card present, ATR {atr}"},
    "cli.card.no_card": {"ja": "カードなし", "en": "no card"},
    "cli.card.virtual_note": {
        "ja": "　（仮想カードリーダー：デモ・テスト用のみ）",
        "en": "  (virtual reader: demo and test only)",
    },
    "cli.card.reader_line": {"ja": "カードリーダー：{reader}", "en": "Reader: {reader}"},
    "cli.card.text_pin": {
        "ja": "券面事項入力補助用の暗証番号（基本4情報）：{tries}",
        "en": "Text PIN (basic four items): {tries}",
    },
    "cli.card.auth_pin": {
        "ja": "利用者証明用の暗証番号：{tries}",
        "en": "Authentication PIN: {tries}",
    },
    "cli.card.locked": {"ja": "ロック中", "en": "LOCKED"},
    "cli.card.text_pin_locked": {
        "ja": "券面事項入力補助用の暗証番号はロックされています。"
        "カードの持ち主が市区町村窓口で再設定する必要があります。",
        "en": "The text PIN is locked: the holder must have it reset at the municipal office.",
    },
    "cli.card.last_try": {
        "ja": "残りは 1 回です。いま間違えるとカードがロックされます。",
        "en": "Only 1 try is left: a wrong PIN now locks the card.",
    },
    "cli.card.last_try_ask": {
        "ja": "最後の 1 回を使うには YES と入力してください：",
        "en": "Type YES to use the last try: ",
    },
    "cli.card.nothing_sent": {
        "ja": "カードには何も送っていません。",
        "en": "Nothing was sent to the card.",
    },
    "cli.card.ask_pin": {
        "ja": "カードの持ち主の方、暗証番号（数字4桁、表示されません）を入力してください：",
        "en": "Card holder, type the 4-digit PIN (not shown): ",
    },
    "cli.card.name": {"ja": "氏名：　　{name}", "en": "Name:      {name}"},
    "cli.card.birthdate": {"ja": "生年月日：{birthdate}", "en": "Birthdate: {birthdate}"},
    "cli.card.sex": {"ja": "性別：　　{sex}", "en": "Sex:       {sex}"},
    "cli.card.address": {"ja": "住所：　　{address}", "en": "Address:   {address}"},
    "cli.card.vpcd_warning": {
        "ja": "注意：vsmartcard の vpcd はネットワークから仮想カードを受け付けます。"
        "本番の受付には vsmartcard-vpcd を決して入れないでください。",
        "en": "Warning: vsmartcard's vpcd accepts virtual cards from the network. Never install "
        "vsmartcard-vpcd on a production desk.",
    },
    "cli.card.serving": {
        "ja": "仮想カード {profile} が 127.0.0.1:{port} で vpcd を待っています"
        "（カードリーダー {reader}）。止めるには Ctrl-C。",
        "en": "Virtual card {profile} is waiting for vpcd on 127.0.0.1:{port} (reader "
        "{reader}). Press Ctrl-C to stop.",
    },
    "cli.card.inserted": {
        "ja": "カードを {reader} に置きました。",
        "en": "Card inserted in {reader}.",
    },
    "cli.card.removed": {
        "ja": "カードを取り出しました。APDU に {count} 回答えました。",
        "en": "Card removed; {count} APDUs answered.",
    },
    "cli.card.demo_title": {
        "ja": "clinic-desk card demo：仮想カード {profile}",
        "en": "clinic-desk card demo: virtual card {profile}",
    },
    "cli.card.step.make": {
        "ja": "カードの鍵と証明書を作る",
        "en": "make the card's key and certificate",
    },
    "cli.card.in_process_asked": {
        "ja": "指定どおりプロセス内のカードを使います（pcscd は使いません）。",
        "en": "Using the in-process card (as asked): pcscd is not involved.",
    },
    "cli.card.total": {
        "ja": "APDU {count} 回、合計 {ms} ミリ秒。",
        "en": "{count} APDUs; {ms} ms in all.",
    },
    "cli.card.transcript_saved": {
        "ja": "記録（暗証番号は伏せています）を {path} に保存しました。",
        "en": "Transcript (PINs redacted) saved to {path}.",
    },
    "cli.card.no_pcscd": {
        "ja": "カードサービス（pcscd）が動いていません。プロセス内でカードを読みます。",
        "en": "The smart-card service (pcscd) is not running: reading the card in-process.",
    },
    "cli.card.fallback": {
        "ja": "{why} プロセス内でカードを読みます。",
        "en": "{why} Reading the card in-process.",
    },
    "cli.card.step.inserted": {
        "ja": "カードを {reader} に置きました（pcscd と vpcd、ポート {port}）",
        "en": "card inserted into {reader} (pcscd + vpcd on port {port})",
    },
    "cli.card.no_vpcd": {
        "ja": "vsmartcard の仮想カードリーダーがありません（vsmartcard-vpcd を入れてください）。"
        "プロセス内でカードを読みます。",
        "en": "No vsmartcard virtual reader (install vsmartcard-vpcd): reading the card "
        "in-process.",
    },
    "cli.card.vpcd_busy": {
        "ja": "仮想カードリーダーは使用中です。プロセス内でカードを読みます。",
        "en": "The virtual readers are busy: reading the card in-process.",
    },
    "cli.card.step.identify": {
        "ja": "カードを確かめる（JPKI AP を選ぶ）",
        "en": "identify the card (select the JPKI AP)",
    },
    "cli.card.is_mynumber": {"ja": "マイナンバーカード", "en": "My Number card"},
    "cli.card.step.text_tries": {
        "ja": "券面事項入力補助用の暗証番号の残り回数",
        "en": "text PIN tries left",
    },
    "cli.card.step.four_items": {
        "ja": "券面事項入力補助用の暗証番号（フィクスチャから）を照合し、基本4情報を読む",
        "en": "verify the text PIN (from the fixture) and read the basic four items",
    },
    "cli.card.step.certificate": {
        "ja": "利用者証明用電子証明書を読む",
        "en": "read the user-authentication certificate",
    },
    "cli.card.bytes": {"ja": "{count} バイト", "en": "{count} bytes"},
    "cli.card.subject": {"ja": "主体者：{subject}", "en": "subject: {subject}"},
    "cli.card.valid_until": {"ja": "有効期限 {date}", "en": "valid until {date}"},
    "cli.card.step.auth_tries": {
        "ja": "利用者証明用の暗証番号の残り回数",
        "en": "authentication PIN tries left",
    },
    "cli.card.step.sign": {
        "ja": "利用者証明用の暗証番号を照合し、32 バイトのチャレンジにカードで署名する",
        "en": "verify the auth PIN and sign a 32-byte challenge on the card",
    },
    "cli.card.signature": {
        "ja": "{count} バイトの RSA 署名",
        "en": "{count}-byte RSA signature",
    },
    "cli.card.step.verify": {
        "ja": "証明書で署名を確かめる",
        "en": "check the signature with the certificate",
    },
    "cli.card.valid": {"ja": "正しい署名", "en": "valid"},
    "cli.card.read_stopped": {
        "ja": "読み取りが止まりました：{why}",
        "en": "The read stopped: {why}",
    },
    "cli.card.faults": {"ja": "　障害：{faults}", "en": "  faults: {faults}"},
    # the servers for demos and tests
    "cli.between": {
        "ja": "{option} は {low} から {high} までにしてください。",
        "en": "{option} must be between {low} and {high}.",
    },
    "cli.positive": {
        "ja": "{option} は 0 より大きくしてください。",
        "en": "{option} must be more than 0.",
    },
    "cli.at_least_one": {
        "ja": "{option} は 1 以上にしてください。",
        "en": "{option} must be at least 1.",
    },
    "cli.no_such_file": {"ja": "{path} がありません。", "en": "{path} does not exist."},
    "cli.faults": {"ja": "、障害：{faults}", "en": ", faults: {faults}"},
    "cli.stopped": {"ja": "止めました", "en": "stopped"},
    "cli.serving_banner": {
        "ja": "{banner}（止めるには Ctrl-C）",
        "en": "{banner} (Ctrl-C to stop)",
    },
    "cli.gateway.https_needs_both": {
        "ja": "HTTPS には --tls-cert と --tls-key の両方が必要です。",
        "en": "HTTPS needs both --tls-cert and --tls-key.",
    },
    "cli.gateway.serving": {
        "ja": "患者 {count} 人のデータを {url} で提供しています",
        "en": "serving {count} patients on {url}",
    },
    "cli.gateway.check_failed": {
        "ja": "ゲートウェイの確認に失敗しました（{kind}）。詳細（英語）：{why}",
        "en": "{kind}: {why}",
    },
    "cli.gateway.desk_action": {
        "ja": "  受付の対応（英語）：{action}",
        "en": "  desk: {action}",
    },
    "cli.gateway.support_hint": {
        "ja": "  サポート向け（英語）：{hint}",
        "en": "  support: {hint}",
    },
    "cli.gateway.check_ok": {
        "ja": "正常：{url} がチャレンジを発行しました（{until} まで有効）",
        "en": "ok: {url} issued a challenge valid until {until}",
    },
    "cli.oqs.cannot_use": {
        "ja": "{path} を使えません：{why}",
        "en": "{path} cannot be used: {why}.",
    },
    "cli.oqs.cannot_write": {
        "ja": "{path} に書けません：{why}",
        "en": "{path} cannot be written: {why}.",
    },
    "cli.oqs.serving": {"ja": "{path} で応答しています", "en": "serving {path}"},
    "cli.oqs.stopped": {
        "ja": "{count} 件に答えて止めました",
        "en": "stopped after {count} requests",
    },
    "cli.oqs.no_patient": {
        "ja": "データに Patient {patient} はありません。",
        "en": "The dataset has no Patient {patient}.",
    },
    # a folder that is a file (paths.LocationError)
    "cli.location.file": {
        "ja": "{blocker} はフォルダではなくファイルのため、clinic-desk は {value} に"
        "ファイルを置けません。そのファイルを移すか、{env} にフォルダを指定してください。",
        "en": "{blocker} is a file, not a folder, so clinic-desk cannot keep its files in "
        "{value}: move the file aside, or set {env} to a folder",
    },
    "cli.location.variable_file": {
        "ja": "{variable} に指定された {value} はフォルダではなくファイルです。"
        "フォルダを指定してください（なければ作ります）。",
        "en": "{variable} is set to {value}, which is a file, not a folder: set it to a "
        "folder (it is created when missing)",
    },
    "cli.location.inside_file": {
        "ja": "{variable} に {value} が指定されていますが、{blocker} はフォルダではなく"
        "ファイルです。{variable} にフォルダを指定してください（なければ作ります）。",
        "en": "{variable} is set to {value}, but {blocker} is a file, not a folder: set "
        "{variable} to a folder (it is created when missing)",
    },
}

"""The command line's help: every subcommand, option and placeholder, in both languages.

Merged into ``CATALOGUE``; the messages the commands print are in ``cli_messages``.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

CLI_HELP_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    "cli.description": {
        "ja": "医療機関の受付（マイナンバーカードによる資格確認）。",
        "en": "Reception-desk check-in for medical clinics.",
    },
    "cli.version": {"ja": "版を表示して終了します", "en": "show program's version number and exit"},
    # the subcommands
    "cli.card": {
        "ja": "マイナンバーカードの読み取り、カードリーダーの一覧、仮想カードの起動",
        "en": "read a My Number card, list readers, run a virtual card",
    },
    "cli.cache": {"ja": "暗号化したオフラインキャッシュ", "en": "the encrypted offline cache"},
    "cli.gateway": {"ja": "内蔵の資格確認ゲートウェイ", "en": "the embedded eligibility gateway"},
    "cli.review": {
        "ja": "管理者用：本人確認の不一致として記録された受付を確認します",
        "en": "managers: review flagged identity mismatches",
    },
    "cli.replay": {
        "ja": "サポート用：受付のフィクスチャを画面なしで再現します",
        "en": "support: replay check-in fixtures headless",
    },
    "cli.doctor": {
        "ja": "受付に必要なものがすべて準備できているか確認します",
        "en": "check that everything a check-in needs is ready",
    },
    "cli.config": {"ja": "受付の設定ファイル", "en": "the desk's configuration file"},
    "cli.oqs_terminal": {
        "ja": "デモ・テスト用の資格確認端末の模擬（ファイル連携）",
        "en": "a simulated 資格確認端末 (file exchange) for demos and tests",
    },
    "cli.patient_display": {
        "ja": "患者さん向けの画面（受付と対にして使います）",
        "en": "the screen facing the patient, paired with the desk",
    },
    # the desk's own options
    "cli.desk.lang": {
        "ja": "受付の言語（既定：ロケール）",
        "en": "language of the desk (default: locale)",
    },
    "cli.desk.card_source": {
        "ja": "デモのカードを pcscd と vpcd 経由で使うか、プロセス内で使うか、使える方を使うか",
        "en": "demo cards through pcscd + vpcd, in-process, or whichever is available",
    },
    "cli.desk.fixture": {
        "ja": "シナリオのフィクスチャのカードとゲートウェイで受付を動かします（サポート用）",
        "en": "run the desk with a scenario fixture's card and gateway (support)",
    },
    "cli.desk.drive": {
        "ja": "--fixture と併用：患者さんの操作をフィクスチャから再生するか、その場で入力するか"
        "（既定：フィクスチャの drive の値）",
        "en": "with --fixture: play the patient's steps from the fixture, or type them live "
        "(default: the fixture's own 'drive' field)",
    },
    "cli.desk.record": {
        "ja": "終わった受付を一件ずつ仮名化したフィクスチャとして記録します（FILE、FILE-2 …）",
        "en": "record each finished check-in into a pseudonymised fixture (FILE, FILE-2 …)",
    },
    "cli.desk.gateway": {
        "ja": "デモの資格確認の相手：内蔵の HTTPS ゲートウェイか、一時フォルダに置く"
        "資格確認端末の模擬（ファイル連携）",
        "en": "the demo's eligibility backend: the embedded HTTPS gateway, or a simulated "
        "資格確認端末 (file exchange) in a temporary folder",
    },
    "cli.desk.allow_outside_paths": {
        "ja": "--fixture と併用：フィクスチャ自身のフォルダと同梱の fixtures/ の外のファイルも"
        "使えるようにします",
        "en": "with --fixture: let the fixture name files outside its own folder and the "
        "shipped fixtures/",
    },
    # review
    "cli.review.lang": {
        "ja": "画面と CSV の理由の列の言語（既定：設定、次にロケール）",
        "en": "language of the screen and the CSV's reason column (default: configuration, "
        "then locale)",
    },
    "cli.review.set_pin": {
        "ja": "管理者の暗証番号（と照会番号を封じる鍵）を設定・変更します",
        "en": "set or change the manager PIN (and the key that seals references)",
    },
    "cli.review.reset": {
        "ja": "暗証番号を忘れたとき：新しい管理者の鍵を作ります（前に封じた照会番号は"
        "古い鍵のまま封じられ、古い鍵は別に保管されます）",
        "en": "the PIN is forgotten: make a new manager key (references sealed before stay "
        "sealed for the old key, which is kept aside)",
    },
    "cli.review.list": {
        "ja": "記録の一覧（番号、日時、受付、理由、状態）",
        "en": "list flags (ids, dates, desks, reasons, status)",
    },
    "cli.review.status": {"ja": "この状態の記録だけ", "en": "only flags of this status"},
    "cli.review.reason": {"ja": "この理由コードの記録だけ", "en": "only this reason code"},
    "cli.review.sort": {"ja": "並べ方", "en": "the order of the list"},
    "cli.review.reference": {
        "ja": "患者さんの受付番号の記録だけ（例：K7QM-XR4D、読み上げた形のままで可）",
        "en": "only the flag a patient's reference names (e.g. K7QM-XR4D, read out any way)",
    },
    "cli.json_lines": {"ja": "一行に一つの JSON", "en": "one JSON object per line"},
    "cli.review.export": {
        "ja": "記録を CSV（BOM 付き UTF-8）に書き出します",
        "en": "export flags as CSV (UTF-8 with BOM)",
    },
    "cli.review.csv": {"ja": "書き出すファイル", "en": "file to write"},
    "cli.review.force": {
        "ja": "ファイルがあれば置き換えます",
        "en": "replace FILE if it exists",
    },
    "cli.review.pin_stdin": {
        "ja": "管理者の暗証番号を標準入力から一行に一つずつ読みます",
        "en": "read the manager PIN(s) from standard input, one per line",
    },
    # replay
    "cli.replay.targets": {
        "ja": "シナリオのファイル、または *.json を探すフォルダ（既定：同梱のもの）",
        "en": "scenario files, or folders searched for *.json (default: the shipped library)",
    },
    "cli.replay.json": {
        "ja": "フィクスチャごとに一行に一つの JSON",
        "en": "one JSON object per line per fixture",
    },
    "cli.replay.record": {
        "ja": "再現した受付（フィクスチャ一つ）を新しい仮名化したフィクスチャに記録します",
        "en": "record the replayed check-in (one fixture) into a new, pseudonymised fixture",
    },
    "cli.replay.allow_outside_paths": {
        "ja": "フィクスチャ自身のフォルダと同梱の fixtures/ の外のファイルも使えるようにします",
        "en": "let fixtures name files outside their own folder and the shipped fixtures/",
    },
    "cli.replay.schema": {
        "ja": "フィクスチャの形式の JSON Schema を表示して終了します",
        "en": "print the fixture format's JSON Schema and exit",
    },
    # doctor, patient-display
    "cli.doctor.json": {"ja": "確認ごとに一つの JSON", "en": "one JSON object per check"},
    "cli.patient_display.lang": {
        "ja": "新しい患者さんごとの最初の言語（既定：設定、次にロケール）。"
        "患者さんは L で切り替えられます",
        "en": "the language each new patient starts in (default: configuration, then "
        "locale); the patient switches with L",
    },
    # config
    "cli.config.init": {
        "ja": "説明付きの config.toml を書きます",
        "en": "write a commented config.toml",
    },
    "cli.config.mode": {
        "ja": "production：医療機関が埋める設定と例（既定）、demo：すべてコメントのまま",
        "en": "production: the settings a clinic must fill in, with examples (default); "
        "demo: everything commented out",
    },
    "cli.config.force": {
        "ja": "既にあるファイルを上書きします",
        "en": "overwrite an existing file",
    },
    "cli.config.show": {
        "ja": "いま使われる設定（秘密の値は伏せます）",
        "en": "the settings in effect (secrets masked)",
    },
    "cli.config.check": {
        "ja": "設定ファイルと環境変数を検査します",
        "en": "validate the file and the environment",
    },
    # cache
    "cli.cache.init": {
        "ja": "暗号化キャッシュとその鍵ファイルを作ります",
        "en": "create the encrypted cache and its key file",
    },
    "cli.cache.reset": {
        "ja": "壊れたキャッシュを脇に移し（残します）、新しく始めます",
        "en": "move a damaged cache aside (it is kept) and start a new one",
    },
    "cli.cache.status": {
        "ja": "キャッシュの場所、状態、行数",
        "en": "where the cache is, its state and row counts",
    },
    "cli.cache.unlock": {
        "ja": "パスフレーズを尋ねて全ページを確認し、行数を表示します（環境変数でも解錠します）",
        "en": "ask for the passphrase to check every page and show row counts "
        "(the env variable also unlocks)",
    },
    "cli.cache.unlock_test": {
        "ja": "パスフレーズでキャッシュが開き、壊れたページがないか確かめます",
        "en": "check that the passphrase unlocks the cache and no page is damaged",
    },
    "cli.cache.purge": {
        "ja": "期限切れの記録をいま削除します（ファイルが壊れているときは行いません）",
        "en": "delete expired records now (refused when the file is damaged)",
    },
    "cli.cache.reverify": {
        "ja": "オフラインで受け付けた受付を設定したゲートウェイで再確認します"
        "（ゲートウェイが応答しない間は終了コード 1）",
        "en": "re-check with the configured gateway the visits checked in offline "
        "(exit 1 while the gateway does not answer)",
    },
    "cli.cache.verify": {
        "ja": "ファイル、監査の連鎖、封じたすべての行を検査します（問題があれば終了コード 1）",
        "en": "check the file, the audit chain and every sealed row (exit 1 on a problem)",
    },
    "cli.cache.rekey": {
        "ja": "パスフレーズを変更します（データは暗号化し直しません）",
        "en": "change the passphrase (the data is not re-encrypted)",
    },
    "cli.cache.wipe": {
        "ja": "キャッシュと鍵ファイルを完全に削除します",
        "en": "delete the cache and its key file for good",
    },
    "cli.cache.yes": {"ja": "確認を求めません", "en": "do not ask for confirmation"},
}

"""The offline cache's and the manager's errors, one sentence per kind, both languages.

Merged into ``CATALOGUE``; ``clinic_desk.manager.error_words`` picks the sentence.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

FAILURE_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    "failure.cache.wrong_passphrase": {
        "ja": "このパスフレーズではこのキャッシュは開きません。",
        "en": "this passphrase does not unlock this cache",
    },
    "failure.cache.missing": {
        "ja": "この受付にはまだオフラインキャッシュがありません（データファイルか鍵ファイルが"
        "ありません）。",
        "en": "there is no offline cache on this desk yet",
    },
    "failure.cache.exists": {
        "ja": "ここには既にオフラインキャッシュがあります。手を付けていません。",
        "en": "an offline cache already exists here; it was left untouched",
    },
    "failure.cache.locked": {
        "ja": "オフラインキャッシュはロックされています。",
        "en": "the offline cache is locked",
    },
    "failure.cache.weak_passphrase": {
        "ja": "パスフレーズは 8 文字以上にしてください。",
        "en": "the passphrase must be at least 8 characters long",
    },
    "failure.cache.corrupt": {
        "ja": "オフラインキャッシュのファイルが壊れています。手を付けていません"
        "（clinic-desk cache init --reset で脇に移して新しく始められます）。",
        "en": "the offline cache file is damaged; it was left untouched (run "
        "`clinic-desk cache init --reset` to move it aside and start a new one)",
    },
    "failure.cache.too_new": {
        "ja": "オフラインキャッシュは新しい版の clinic-desk で書かれています。手を付けていません"
        "（この受付の clinic-desk を更新してください）。",
        "en": "the offline cache was written by a newer version of clinic-desk; it was left "
        "untouched (update clinic-desk on this desk)",
    },
    "failure.cache.disk_full": {
        "ja": "オフラインキャッシュのディスクがいっぱいです。何も保存していません"
        "（空きを作ってください）。",
        "en": "the disk holding the offline cache is full; nothing was saved (free some space)",
    },
    "failure.cache.write_failed": {
        "ja": "オフラインキャッシュに書き込めませんでした（読み取り専用のフォルダか、ディスクの"
        "故障）。何も保存していません。",
        "en": "the offline cache could not be written (read-only folder or failing disk); "
        "nothing was saved",
    },
    "failure.cache.in_use": {
        "ja": "オフラインキャッシュはこのコンピューターの別のプロセスが使っています"
        "（先にもう一つの clinic-desk を閉じてください）。",
        "en": "the offline cache is in use by another process on this machine (close the "
        "other clinic-desk first)",
    },
    "failure.cache.not_found": {
        "ja": "オフラインキャッシュにその記録はありません。",
        "en": "no such record in the offline cache",
    },
    "failure.cache.invalid_transition": {
        "ja": "記録の今の状態からはその変更はできません。",
        "en": "that change is not allowed from the record's current state",
    },
    "failure.manager.pin_hash_unreadable": {
        "ja": "設定にある管理者暗証番号のハッシュが使えません。"
        "clinic-desk review set-pin --reset で暗証番号を設定し直してください。",
        "en": "the manager PIN hash in the configuration cannot be used; set the PIN again "
        "with `clinic-desk review set-pin --reset`",
    },
    "failure.manager.key_missing": {
        "ja": "この受付にはまだ管理者の鍵がありません。",
        "en": "there is no manager key on this desk yet",
    },
    "failure.manager.key_damaged": {
        "ja": "管理者の鍵ファイルが壊れています。手を付けていません。",
        "en": "the manager key file is damaged; it was left untouched",
    },
    "failure.manager.key_wrong_pin": {
        "ja": "この暗証番号では管理者の鍵が開きません（別の暗証番号で作られた鍵です。"
        "docs/manager-review.md を参照）。",
        "en": "the manager key does not open with this PIN (it was made with a different "
        "PIN; see docs/manager-review.md)",
    },
    "failure.manager.seal_broken": {
        "ja": "封じた保険者の照会番号を開けません。"
        "別の管理者の鍵で封じられたか、変更されています。",
        "en": "the sealed insurer reference cannot be opened: it was sealed for another "
        "manager key or was changed",
    },
    "failure.manager.references_unreadable": {
        "ja": "封じた照会番号を開けないため、書き出しは行いませんでした（照会番号の欠けた報告は"
        "作りません）。",
        "en": "the sealed references cannot be opened, so the report was not written (a "
        "report without them is not made)",
    },
    "failure.manager.pin_format": {
        "ja": "管理者暗証番号は数字または英字で 6〜32 文字にしてください。",
        "en": "the manager PIN must have 6 to 32 digits or letters",
    },
    "failure.manager.config_write": {
        "ja": "設定ファイルを書き換えられませんでした。元のままです。",
        "en": "the configuration file could not be updated; it was left as it was",
    },
    # a configuration that cannot be used (config.ConfigError.said)
    "config.value.file": {
        "ja": "{path} の設定 {setting} の値 {value} は使えません。",
        "en": "setting {setting} in {path} has the value {value}, which cannot be used",
    },
    "config.value.env": {
        "ja": "環境変数 {name} で指定した設定 {setting} の値 {value} は使えません。",
        "en": "setting {setting} (from the environment variable {name}) has the value {value}, "
        "which cannot be used",
    },
    "config.value": {
        "ja": "設定 {setting} の値 {value} は使えません。",
        "en": "setting {setting} has the value {value}, which cannot be used",
    },
    "config.unknown.file": {
        "ja": "{path} の設定 {setting} はありません。削除するか、綴りを確かめてください。",
        "en": "unknown setting {setting} in {path}: remove it or check its spelling",
    },
    "config.unknown.env": {
        "ja": "環境変数 {name} の設定 {setting} はありません。削除するか、綴りを確かめてください。",
        "en": "unknown setting {setting} (from the environment variable {name}): remove it or "
        "check its spelling",
    },
    "config.unknown": {
        "ja": "設定 {setting} はありません。削除するか、綴りを確かめてください。",
        "en": "unknown setting {setting}: remove it or check its spelling",
    },
}

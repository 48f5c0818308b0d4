"""Texts of the readiness checks as the desk shows them ("NOT READY: …"), in both
languages. ``clinic-desk doctor`` prints its own longer English lines for support
staff; the desk says the same findings from here. Merged into ``CATALOGUE``."""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

READINESS_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    "ready.separator": {"ja": "。", "en": "; "},
    "ready.finding": {"ja": "{check}：{finding}", "en": "{check}: {finding}"},
    "ready.problem": {
        "ja": "問題があります（clinic-desk doctor で確認できます）",
        "en": "a problem was found (clinic-desk doctor says which)",
    },
    # the checks, in their order
    "ready.check.config": {"ja": "設定", "en": "configuration"},
    "ready.check.service": {"ja": "カードサービス", "en": "smart-card service"},
    "ready.check.reader": {"ja": "カードリーダー", "en": "card reader"},
    "ready.check.virtual": {"ja": "実機のカードリーダー", "en": "real (not virtual) reader"},
    "ready.check.gateway": {"ja": "資格確認サーバ", "en": "eligibility gateway"},
    "ready.check.cache": {"ja": "オフラインキャッシュ", "en": "offline cache"},
    "ready.check.disk": {"ja": "ディスクの空き", "en": "disk space"},
    "ready.check.logs": {"ja": "ログのフォルダ", "en": "log folder"},
    # the 資格確認端末's shared folder ([gateway] kind = "oqs-files")
    "ready.terminal.missing": {
        "ja": "資格確認端末のフォルダ {path} がありません（共有フォルダの接続を確認してください）",
        "en": "the eligibility terminal's folder {path} does not exist (is the share mounted?)",
    },
    "ready.terminal.unreadable": {
        "ja": "資格確認端末のフォルダ {path} を確認できません",
        "en": "the eligibility terminal's folder {path} cannot be examined",
    },
    "ready.terminal.not_folder": {
        "ja": "{path} は資格確認端末のフォルダではありません（リンクまたはファイルです）",
        "en": "{path} is not the eligibility terminal's folder (a link or a file)",
    },
    "ready.terminal.unwritable": {
        "ja": "フォルダ {path} にこの端末から書き込めません",
        "en": "this desk cannot write to the folder {path}",
    },
    "ready.terminal.stale": {
        "ja": "資格確認端末が照会を受け付けていません（{count}件が最長{seconds}秒待機中）",
        "en": "the eligibility terminal takes no requests "
        "({count} waiting, the oldest for {seconds} s)",
    },
    # checks that could not run
    "ready.skipped.config": {
        "ja": "設定が正しくないため確認できません",
        "en": "not checked: the configuration must be valid first",
    },
    "ready.skipped.service": {
        "ja": "カードサービスが動いていないため確認できません",
        "en": "not checked: the smart-card service is not running",
    },
    "ready.skipped.reader": {
        "ja": "カードリーダーが決まらないため確認できません",
        "en": "not checked: no reader was chosen",
    },
    "ready.config.invalid": {
        "ja": "設定に誤りがあります（clinic-desk config check で確認できます）",
        "en": "the configuration has errors (clinic-desk config check names them)",
    },
    "ready.service.demo_in_process": {
        "ja": "pcscd が動いていないため、デモはカードを内部で読みます",
        "en": "pcscd is not running: the demo uses its cards in-process",
    },
    "ready.service.not_running": {
        "ja": "カードサービス（pcscd）が動いていません",
        "en": "the smart-card service (pcscd) is not running",
    },
    "ready.service.error": {
        "ja": "カードサービス（pcscd）が応答しません",
        "en": "the smart-card service (pcscd) does not answer",
    },
    "ready.reader.demo_missing": {
        "ja": "デモの仮想カードリーダー {reader} がないため、デモはカードを内部で読みます",
        "en": "the demo's virtual reader {reader} is missing: the demo uses its cards in-process",
    },
    "ready.reader.none": {
        "ja": "カードリーダーが接続されていません",
        "en": "no card reader is connected",
    },
    "ready.reader.no_match": {
        "ja": "{pattern} に合うカードリーダーが接続されていません",
        "en": "no connected card reader matches {pattern}",
    },
    "ready.reader.several": {
        "ja": "合うカードリーダーが複数あります（{readers}）。使うリーダーを設定してください",
        "en": "several card readers match ({readers}); configure which one the desk uses",
    },
    "ready.reader.unavailable": {
        "ja": "カードリーダーを使えません（抜かれたか、他のプログラムが使用中）",
        "en": "the card reader cannot be used (unplugged, or in use by another program)",
    },
    "ready.virtual.refused": {
        "ja": "{reader} は仮想カードリーダーです。受付では使えません",
        "en": "{reader} is a virtual reader, refused on a desk",
    },
    "ready.virtual.others": {
        "ja": "仮想カードリーダーも入っています（{readers}）",
        "en": "virtual readers are installed too ({readers})",
    },
    "ready.gateway.embedded": {
        "ja": "デモの資格確認サーバを起動できません",
        "en": "the demo's embedded gateway cannot start",
    },
    "ready.gateway.no_url": {
        "ja": "接続先（gateway.base_url）が設定されていません",
        "en": "gateway.base_url is not set",
    },
    "ready.gateway.settings": {
        "ja": "接続の設定（証明書・接続先）に誤りがあります",
        "en": "the connection settings (certificates, address) are wrong",
    },
    "ready.gateway.timeout": {
        "ja": "{host} から時間内に応答がありません",
        "en": "{host} did not answer in time",
    },
    "ready.gateway.untrusted": {
        "ja": "サーバの証明書を信頼できません",
        "en": "the gateway's certificate is not trusted",
    },
    "ready.gateway.tls": {
        "ja": "暗号化接続（TLS）を確立できません（クライアント証明書を確認してください）",
        "en": "the TLS handshake failed (check the desk's client certificate)",
    },
    "ready.gateway.refused": {
        "ja": "{host} に接続できません",
        "en": "{host} cannot be reached",
    },
    "ready.gateway.hung_up": {
        "ja": "{host} が応答せずに接続を切りました（クライアント証明書が拒否された可能性）",
        "en": "{host} hung up without answering (it may refuse the desk's client certificate)",
    },
    "ready.gateway.http": {
        "ja": "{host} がエラー（HTTP {status}）を返しました",
        "en": "{host} answered with an error (HTTP {status})",
    },
    "ready.gateway.not_gateway": {
        "ja": "{host} は資格確認サーバとして応答しません",
        "en": "{host} does not answer as an eligibility gateway does",
    },
    "ready.gateway.skew_unknown": {
        "ja": "サーバとの時刻のずれを確認できません",
        "en": "the clock skew against the gateway is unknown",
    },
    "ready.gateway.skew": {
        "ja": "サーバとの時刻が {seconds} 秒ずれています",
        "en": "the desk's clock is {seconds} s off the gateway's",
    },
    "ready.cache.read_only": {
        "ja": "{path} に書き込めません（読み取り専用）",
        "en": "{path} is read-only",
    },
    "ready.cache.no_passphrase": {
        "ja": "パスフレーズがないため使えません",
        "en": "no passphrase: the offline cache is never used without one",
    },
    "ready.cache.short_passphrase": {
        "ja": "パスフレーズが8文字より短いです",
        "en": "the passphrase is shorter than 8 characters",
    },
    "ready.cache.not_created": {
        "ja": "まだ作られていません（受付の初回起動時に作られます）",
        "en": "not created yet (the desk creates it at its first start)",
    },
    "ready.cache.wrong_passphrase": {
        "ja": "パスフレーズで開けません",
        "en": "the passphrase does not unlock it",
    },
    "ready.cache.cannot_open": {
        "ja": "開けません（バックアップからの復元が必要です）",
        "en": "it cannot be opened (restore it from the backup)",
    },
    "ready.cache.demo_temp": {
        "ja": "デモの一時キャッシュを {path} に作れません",
        "en": "the demo cannot make its temporary cache under {path}",
    },
    "ready.disk.error": {"ja": "{path} の空きを調べられません", "en": "{path} cannot be measured"},
    "ready.disk.no_folder": {"ja": "調べるフォルダがありません", "en": "no folder to measure"},
    "ready.disk.low": {
        "ja": "{path} の空きが {free} MB しかありません（{minimum} MB 以上必要）",
        "en": "only {free} MB free for {path} (at least {minimum} MB needed)",
    },
    "ready.logs.not_folder": {
        "ja": "{path} に書き込めません（{blocker} はフォルダではなくファイルです）",
        "en": "cannot write to {path}: {blocker} is a file, not a folder",
    },
    "ready.logs.cannot_write": {
        "ja": "{path} に書き込めません",
        "en": "cannot write to {path}",
    },
}

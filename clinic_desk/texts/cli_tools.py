"""The help of the technicians' subcommands (card, gateway, oqs-terminal), both languages.

Merged into ``CATALOGUE``.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

CLI_TOOLS_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    # card
    "cli.card.readers": {
        "ja": "カードリーダーの一覧と、カードが置かれているか",
        "en": "list card readers and whether a card is in them",
    },
    "cli.card.info": {
        "ja": "暗証番号の残り回数、次にカードの持ち主が暗証番号を入力した後で基本4情報",
        "en": "PIN tries left, then the four items after the holder types the PIN",
    },
    "cli.card.no_pin": {
        "ja": "残り回数だけを表示し、暗証番号は尋ねません",
        "en": "only show the tries left; ask for no PIN",
    },
    "cli.card.serve": {
        "ja": "Ctrl-C まで vpcd で仮想カードを動かします（デモ・テスト用）",
        "en": "run a virtual card in vpcd until Ctrl-C (demo/test)",
    },
    "cli.card.profile_or_file": {
        "ja": "カードのプロファイル名、または JSON ファイル",
        "en": "card profile id or JSON file",
    },
    "cli.card.port": {"ja": "vpcd のポート（35963）", "en": "vpcd port (35963)"},
    "cli.card.demo": {
        "ja": "仮想カードを起動して最後まで読み、時間を表示します",
        "en": "start a virtual card and read it end to end, with timings",
    },
    "cli.card.profile": {"ja": "カードのプロファイル", "en": "card profile"},
    "cli.card.in_process": {
        "ja": "pcscd を使わずにカードと直接やりとりします",
        "en": "skip pcscd: talk to the card directly",
    },
    "cli.card.transcript": {
        "ja": "APDU の記録（暗証番号は伏せます）を JSON で保存します",
        "en": "save the APDU transcript (PINs redacted) as JSON",
    },
    "cli.card.fixtures": {
        "ja": "同梱の仮想カードのプロファイルの一覧",
        "en": "list the shipped virtual card profiles",
    },
    "cli.card.reader": {
        "ja": "カードリーダーの名前または一部（既定：${env}。複数あるときは必須）",
        "en": "reader name or pattern (default: ${env}; required with several readers)",
    },
    "cli.card.allow_virtual_reader": {
        "ja": "vsmartcard の仮想カードリーダーも受け付けます（デモ・テスト用のみ）",
        "en": "accept a vsmartcard virtual reader (demo and test only)",
    },
    # gateway
    "cli.gateway.serve": {
        "ja": "フィクスチャのデータを 127.0.0.1 で Ctrl-C か SIGTERM まで提供します",
        "en": "serve the fixture dataset on 127.0.0.1 until Ctrl-C or SIGTERM",
    },
    "cli.gateway.serve.description": {
        "ja": "内蔵の資格確認ゲートウェイ（FHIR R4 とカード認証）を 127.0.0.1 で動かします。"
        "Ctrl-C、SIGTERM、または --max-seconds の後に止まります。",
        "en": "Serve the embedded eligibility gateway (FHIR R4 + card authentication) "
        "on 127.0.0.1. It stops on Ctrl-C or SIGTERM, or after --max-seconds.",
    },
    "cli.gateway.port": {
        "ja": "ポート（既定 {port}、0 は空いているもの）",
        "en": "port (default {port}; 0 = any)",
    },
    "cli.gateway.dataset": {
        "ja": "dataset.json（既定：同梱のフィクスチャ）",
        "en": "dataset.json (default: the shipped fixtures)",
    },
    "cli.gateway.fault": {
        "ja": "実行中ずっと起こす障害：KIND[:VALUE][@ROUTE,…][*TIMES]。例 slow:3@coverage、"
        "error-500*1、down、garbage@patient、truncated、processing*2@coverage、"
        "mislink:p-suzuki-ichiro（繰り返し指定可）",
        "en": "a fault for the whole run: KIND[:VALUE][@ROUTE,…][*TIMES], e.g. slow:3@coverage, "
        "error-500*1, down, garbage@patient, truncated, processing*2@coverage, "
        "mislink:p-suzuki-ichiro (repeatable)",
    },
    "cli.gateway.page_size": {
        "ja": "MedicationDispense の一ページの件数",
        "en": "MedicationDispense page size",
    },
    "cli.gateway.tls_cert": {
        "ja": "この PEM 証明書で HTTPS を提供します",
        "en": "serve HTTPS with this PEM certificate",
    },
    "cli.gateway.tls_key": {"ja": "--tls-cert の PEM 鍵", "en": "the PEM key of --tls-cert"},
    "cli.gateway.client_ca": {
        "ja": "この認証局のクライアント証明書を求めます",
        "en": "require client certificates from this CA",
    },
    "cli.gateway.max_seconds": {
        "ja": "この秒数の後に自ら止まります",
        "en": "stop by itself after this many seconds",
    },
    "cli.quiet": {
        "ja": "要求ごとの一行を表示しません",
        "en": "do not print one line per request",
    },
    "cli.gateway.check": {
        "ja": "ゲートウェイにチャレンジを求めます：届くか、信頼できるか、API を話すか",
        "en": "ask a gateway for a challenge: is it reachable, trusted and speaking the API?",
    },
    "cli.gateway.check.description": {
        "ja": "ゲートウェイに POST /auth/challenge を一度送り（カードも患者さんのデータも"
        "使いません）、答えを、またはエラーと受付の対応、確認する所を表示します。",
        "en": "Send one POST /auth/challenge to a gateway (no card, no patient data) and "
        "report the answer, or the error with what the desk would do and what to look at.",
    },
    "cli.gateway.url": {
        "ja": "ゲートウェイの起点。例 https://gateway.clinic.example",
        "en": "the gateway's root, e.g. https://gateway.clinic.example",
    },
    "cli.gateway.ca_bundle": {
        "ja": "信頼する認証局の PEM ファイル",
        "en": "PEM file of CAs to trust",
    },
    "cli.gateway.client_cert": {
        "ja": "PEM のクライアント証明書（mTLS）",
        "en": "PEM client certificate (mTLS)",
    },
    "cli.gateway.client_key": {"ja": "--client-cert の PEM 鍵", "en": "PEM key of --client-cert"},
    "cli.gateway.timeout": {"ja": "読み取りの待ち時間（秒）", "en": "read timeout in seconds"},
    # oqs-terminal
    "cli.oqs.serve": {
        "ja": "DIR/req の要求に DIR/res のファイルで止めるまで答えます",
        "en": "answer requests in DIR/req with files in DIR/res until stopped",
    },
    "cli.oqs.serve.description": {
        "ja": "医療機関の資格確認端末として動きます：DIR/req の OQSsiquc01/YZKsiquc01 の"
        "要求にゲートウェイのデータから DIR/res で答えます。Ctrl-C、SIGTERM、"
        "--max-seconds または --max-requests の後に止まります。",
        "en": "Act as the clinic's 資格確認端末: take OQSsiquc01/YZKsiquc01 requests from "
        "DIR/req and answer them in DIR/res from the gateway dataset. It stops on Ctrl-C or "
        "SIGTERM, after --max-seconds, or after --max-requests.",
    },
    "cli.oqs.dir": {
        "ja": "端末のフォルダ（req/、res/、face/）",
        "en": "the terminal's folder (req/, res/, face/)",
    },
    "cli.oqs.dataset": {
        "ja": "dataset.json（既定：同梱のもの）",
        "en": "dataset.json (default: the shipped one)",
    },
    "cli.oqs.fault": {
        "ja": "KIND[:VALUE][@qualification|medication][*TIMES] の形。例 slow:3、never、err、"
        "partial:0.5、processing:1、shift-jis、malformed、entity-bomb、other-request、"
        "mislink[:PATIENT]（繰り返し指定可）",
        "en": "KIND[:VALUE][@qualification|medication][*TIMES]: slow:3, never, err, "
        "partial:0.5, processing:1, shift-jis, malformed, entity-bomb, other-request, "
        "mislink[:PATIENT] (repeatable)",
    },
    "cli.oqs.encoding": {"ja": "答えの文字コード", "en": "answers' encoding"},
    "cli.oqs.poll": {"ja": "req/ を見る間隔（秒）", "en": "seconds between looks at req/"},
    "cli.oqs.max_seconds": {
        "ja": "この時間の後に自ら止まります",
        "en": "stop by itself after this long",
    },
    "cli.oqs.max_requests": {
        "ja": "この件数に答えた後に止まります",
        "en": "stop after answering this many",
    },
    "cli.oqs.face": {
        "ja": "顔認証付きカードリーダーの結果を一件 DIR/face に書きます",
        "en": "write one face-reader result into DIR/face",
    },
    "cli.oqs.face.description": {
        "ja": "患者さんが顔認証付きカードリーダーを通ったときに残るもの、"
        "--patient の資格の答えを DIR/face に書きます。",
        "en": "Write what the national face reader leaves when a patient passes it: "
        "a qualification answer about --patient, in DIR/face.",
    },
    "cli.oqs.face_dir": {"ja": "端末のフォルダ", "en": "the terminal's folder"},
    "cli.oqs.patient": {
        "ja": "データの Patient の ID",
        "en": "a Patient id of the dataset",
    },
}

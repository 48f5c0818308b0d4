"""argparse's own words in Japanese, keyed by argparse's English message ids.

argparse says "usage:", "the following arguments are required" … through gettext;
``clinic_desk.cli.language`` answers with these while a command runs in Japanese.
The English is argparse's own, so only the Japanese is kept here. Every message
argparse can show a user is listed (a test compares them with argparse's source).
"""

from __future__ import annotations

ARGPARSE_JA: dict[str, str] = {
    "usage: ": "使い方：",
    "positional arguments": "位置引数",
    "options": "オプション",
    "show this help message and exit": "この説明を表示して終了します",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：エラー：%(message)s\n",
    "the following arguments are required: %s": "次の引数が必要です：%s",
    "one of the arguments %s is required": "次の引数のどれか一つが必要です：%s",
    "unrecognized arguments: %s": "認識できない引数です：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "選べない値です：%(value)r（選べるもの：%(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": "値として使えません：%(value)r",
    "expected one argument": "値が一つ必要です",
    "expected at most one argument": "値は一つまでです",
    "expected at least one argument": "値が一つ以上必要です",
    "expected %s argument": "値が %s 個必要です",
    "expected %s arguments": "値が %s 個必要です",
    "ambiguous option: %(option)s could match %(matches)s": (
        "オプション %(option)s は次のどれとも取れます：%(matches)s"
    ),
    "not allowed with argument %s": "引数 %s と一緒には使えません",
    "ignored explicit argument %r": "値 %r は受け付けません",
    "unexpected option string: %s": "思いがけないオプションです：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "%(parser_name)r というコマンドはありません（選べるもの：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "'%(filename)s' を開けません：%(error)s",
}

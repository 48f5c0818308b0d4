"""Line breaking that never splits a word, in Japanese as in English.

Rich folds Japanese wherever a line is full, so 「暗証番号」 can end up as 「暗」 and
「証番号」 on two lines. BudouX (Google's phrase segmenter, a small model shipped in
the package) finds the phrase boundaries of Japanese text; English breaks at spaces.
A phrase wider than the line is the only thing ever folded. BudouX learned general
Japanese; the desk's own terms (``WORDS``) are never broken inside either.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import budoux
from rich.cells import cell_len, chop_cells

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"(\s+)")
# the desk's terms, kept whole even where BudouX would break them (「暗証／番号」)
WORDS = (
    "暗証番号",
    "受付担当者",
    "市区町村",
    "マイナンバーカード",
    "カードリーダー",
    "資格確認書",
    "資格確認",
    "被保険者資格申立書",
    "管理者レビュー",
    "生年月日",
    "薬剤情報",
    "保険者",
)


def _inside_words(text: str) -> set[int]:
    """Positions in ``text`` where a break would split one of ``WORDS``."""
    inside: set[int] = set()
    for word in WORDS:
        start = text.find(word)
        while start >= 0:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    return inside


def _head(text: str, width: int) -> str:
    """The longest start of ``text`` that fits ``width`` cells and does not end inside
    one of ``WORDS`` (a phrase wider than the line has to be folded somewhere)."""
    fits = chop_cells(text, width)[0]
    inside = _inside_words(text)
    for end in range(len(fits), 0, -1):
        if end not in inside:
            return text[:end]
    return fits


def _keep_words(chunk: str, pieces: list[str]) -> list[str]:
    """Join BudouX's pieces wherever a break would fall inside one of ``WORDS``."""
    inside = _inside_words(chunk)
    joined: list[str] = []
    at = 0
    for piece in pieces:
        if joined and at in inside:
            joined[-1] += piece
        else:
            joined.append(piece)
        at += len(piece)
    return joined


@cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def phrases(text: str) -> list[str]:
    """``text`` cut where a line may break: after spaces, and between Japanese phrases.

    Joining the pieces gives ``text`` back.
    """
    pieces: list[str] = []
    for chunk in _SPACES.split(text):
        if not chunk:
            continue
        if chunk.isspace():
            if pieces:
                pieces[-1] += chunk  # spaces stay at the end of the piece before them
            else:
                pieces.append(chunk)
        elif _CJK.search(chunk):
            pieces.extend(_keep_words(chunk, _parser().parse(chunk)))
        else:
            pieces.append(chunk)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells, broken only between phrases."""
    return list(_wrapped(text, max(1, width)))


@lru_cache(maxsize=1024)  # a screen repaints the same sentences at the same width
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in phrases(paragraph):
            if cell_len((line + piece).rstrip()) <= width:
                line += piece
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = piece.lstrip() if line.strip() else piece
            while cell_len(line.rstrip()) > width:  # one phrase wider than the line
                head = _head(line, width)
                lines.append(head)
                line = line[len(head) :]
        lines.append(line.rstrip())
    return tuple(lines)

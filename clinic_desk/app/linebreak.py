"""Line breaking that never splits a word, in Japanese as in English.

Rich folds Japanese wherever a line is full, so 「暗証番号」 can end up as 「暗」 and
「証番号」 on two lines. BudouX (Google's phrase segmenter, a small model shipped in
the package) finds the phrase boundaries of Japanese text; English breaks at spaces.
A phrase wider than the line is the only thing ever folded, and then where a new word
starts (before kanji, katakana or an opening bracket, after a particle or a closing
bracket), not inside a word. BudouX learned general Japanese; the desk's own terms
(``WORDS``) are never broken inside either. No line starts with closing punctuation, a
small kana or 「ー」, and none ends with an opening bracket (the rules of 禁則処理).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import budoux
from rich.cells import cell_len, chop_cells

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"([^\S\u00a0]+)")  # a no-break space joins a key to its word
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
    "ロック中",
    "間違え",
    "日時",
)
# a line never starts with these (closing punctuation, small kana, the long vowel mark) …
NO_START = frozenset(
    "、。，．）」』】〕〉》］｝！？：；・…‥ー々"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "),.:;!?]}%"
)
# … nor ends with these (opening brackets)
NO_END = frozenset("（「『【〔〈《［｛([{")
_OPEN, _CLOSE, _KANJI, _KANA, _HIRAGANA, _OTHER = range(6)


def _kind(char: str) -> int:
    if char in NO_END:
        return _OPEN
    if char in NO_START and not ("\u30a0" <= char <= "\u30ff"):
        return _CLOSE
    if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char == "々":
        return _KANJI
    if "\u30a0" <= char <= "\u30ff":
        return _KANA
    if "\u3040" <= char <= "\u309f":
        return _HIRAGANA
    return _OTHER


def _may_break(text: str, at: int) -> bool:
    """A line may break before ``text[at]`` (禁則処理: no closing mark first, no
    opening bracket last)."""
    return 0 < at < len(text) and text[at] not in NO_START and text[at - 1] not in NO_END


def _in_latin_word(text: str, at: int) -> bool:
    """``text[at]`` continues a word of Latin letters or digits."""
    before, after = text[at - 1], text[at]
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


def _word_edges(text: str) -> set[int]:
    """Where one of ``WORDS`` starts in ``text``, or ends before other than hiragana (a
    verb's ending stays with it)."""
    edges: set[int] = set()
    for word in WORDS:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            edges.add(start)
            if end < len(text) and _kind(text[end]) != _HIRAGANA:
                edges.add(end)
            start = text.find(word, start + 1)
    return edges


def _word_starts(text: str, at: int, edges: set[int]) -> bool:
    """A new word starts at ``text[at]``: where one of ``WORDS`` starts or ends, before an
    opening bracket, kanji, katakana or Latin letters after something else, after a
    closing mark, or at the particle after a katakana word."""
    before, after = _kind(text[at - 1]), _kind(text[at])
    if at in edges or before == _CLOSE or after == _OPEN:
        return True
    if before == _KANA and after == _HIRAGANA:
        return True
    return after in (_KANJI, _KANA, _OTHER) and before != after


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
    """The start of ``text`` to put on a line of ``width`` cells when one phrase is wider
    than the line: the longest that ends where a word ends, else the longest that
    keeps ``WORDS`` and 禁則処理, else the longest that keeps 禁則処理, else the longest
    that fits."""
    fits = chop_cells(text, width)[0]
    inside = _inside_words(text)
    allowed = [end for end in range(len(fits), 0, -1) if _may_break(text, end)]
    ends = [end for end in allowed if end not in inside]
    edges = _word_edges(text)
    for end in ends:
        if _word_starts(text, end, edges):
            return text[:end]
    for choices in (ends, allowed):  # a term wider than the line: 禁則処理 still holds
        if choices:
            return text[: choices[0]]
    return fits


def _keep_words(chunk: str, pieces: list[str]) -> list[str]:
    """Join BudouX's pieces wherever a break would fall inside one of ``WORDS``, inside
    a Latin word (BudouX cuts 「[*TIME／S]」) or against 禁則処理."""
    inside = _inside_words(chunk)
    joined: list[str] = []
    at = 0
    for piece in pieces:
        if joined and (at in inside or not _may_break(chunk, at) or _in_latin_word(chunk, at)):
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
    return _kept_together(pieces)


def _kept_together(pieces: list[str]) -> list[str]:
    """No piece starts with closing punctuation, nor follows an opening bracket or a
    no-break space (禁則処理 across spaces: 「FILE-2 …）」 keeps 「…）」 on its line)."""
    joined: list[str] = []
    for piece in pieces:
        after = joined[-1] if joined else ""
        if after and (
            piece[0] in NO_START or after.endswith("\u00a0") or after.rstrip()[-1:] in NO_END
        ):
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


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

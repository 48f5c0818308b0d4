"""The catalogue: typed keys, both languages, every key used, the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import get_args

import clinic_desk
from clinic_desk.texts import CATALOGUE
from clinic_desk.texts.keys import TextKey

SOURCE = Path(clinic_desk.__file__).parent
TEXTS = SOURCE / "texts"


def test_the_keys_and_the_catalogue_agree() -> None:
    keys = get_args(TextKey)
    assert len(keys) == len(set(keys))
    assert set(keys) == set(CATALOGUE)


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == {"ja", "en"}, key
        assert all(text.strip() for text in texts.values()), key
        fields = {
            lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
            for lang, text in texts.items()
        }
        assert fields["ja"] == fields["en"], key


def _string_constants() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.parent == TEXTS and path.name in ("__init__.py", "keys.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_key_is_used() -> None:
    used = _string_constants()
    unused = sorted(key for key in CATALOGUE if key not in used)
    assert not unused, unused


def test_no_key_is_built_at_run_time() -> None:
    """``t(f"…")`` or ``t("a" + b)`` would pass mypy only through a cast: none exist."""
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
            ):
                assert not isinstance(node.args[0], ast.JoinedStr | ast.BinOp), path


def test_each_validity_state_has_one_word_in_one_key_family() -> None:
    """The five states (OQSCD006) are named by ``validity.state.N`` only: no second
    family of the same words to drift apart."""
    words = [key for key in CATALOGUE if re.fullmatch(r"validity\.[a-z_]+\.[1-5]", key)]
    assert sorted(words) == [f"validity.state.{n}" for n in range(1, 6)]
    for lang in ("ja", "en"):
        named = [CATALOGUE[key][lang] for key in words]  # type: ignore[index]
        assert len(set(named)) == 5, named

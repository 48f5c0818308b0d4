"""The patient display's texts and the desk's words about it: both languages, no English
on a Japanese screen but the keys' names and the language switch, every key used."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from clinic_desk.texts.patient import (
    DESK_TEXTS,
    PATIENT_TEXTS,
    DeskTextKey,
    PatientTextKey,
)

SOURCES = "\n".join(
    p.read_text(encoding="utf-8")
    for p in Path("clinic_desk").rglob("*.py")
    if p.name != "patient.py" or p.parent.name != "texts"
)
# the keys' names on the keyboard, the reference's shape and the other language's name
ALLOWED_LATIN = {"Enter", "Y", "N", "L", "CSV", "English"}

CATALOGUES = [(PATIENT_TEXTS, PatientTextKey), (DESK_TEXTS, DeskTextKey)]


@pytest.mark.parametrize(("texts", "keys"), CATALOGUES)
def test_every_key_has_both_languages_and_is_listed(texts: dict, keys: object) -> None:  # type: ignore[type-arg]
    assert set(texts) == set(typing.get_args(keys))
    for key, languages in texts.items():
        assert set(languages) == {"ja", "en"}, key
        assert languages["ja"] and languages["en"], key


@pytest.mark.parametrize(("texts", "keys"), CATALOGUES)
def test_no_english_on_a_japanese_screen(texts: dict, keys: object) -> None:  # type: ignore[type-arg]
    for key, languages in texts.items():
        words = set(re.findall(r"[A-Za-z]+", re.sub(r"\{\w+\}", "", languages["ja"])))
        assert words <= ALLOWED_LATIN, (key, words - ALLOWED_LATIN)


@pytest.mark.parametrize(("texts", "keys"), CATALOGUES)
def test_every_key_is_used(texts: dict, keys: object) -> None:  # type: ignore[type-arg]
    for key in texts:
        assert f'"{key}"' in SOURCES or f"'{key}'" in SOURCES, f"{key} is not used"

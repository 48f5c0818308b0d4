"""Card profiles: bounded fields with errors that name them, and files read safely."""

from __future__ import annotations

import json
import os
import threading
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from clinic_desk.paths import fixtures_dir
from reader.mynumber import MyNumberCard, parse_four_items
from reader.transport import InProcessTransport
from reader.virtual_card import CardProfile, VirtualCard, available_profiles, find_profile
from reader.virtual_card.files import encode_four_items
from reader.virtual_card.profile import (
    MAX_ADDRESS_CHARS,
    MAX_NAME_CHARS,
    MAX_PROFILE_BYTES,
    CardReference,
    CardSection,
    ProfileError,
)
from reader.virtual_card.timing import REAL_CARD

CARDS_DIR = fixtures_dir() / "cards"
BASE = {
    "profile_id": "x",
    "seed": "yamada-taro-2025",
    "name": "山田　太郎",
    "birthdate": "1980-04-01",
}


def profile_json(**changes: object) -> str:
    return json.dumps({**BASE, **changes}, ensure_ascii=False)


class Fixture(BaseModel):
    """A fixture-like model with a card section, as the scenario format has one."""

    model_config = ConfigDict(extra="forbid")
    card: CardSection


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "山" * 70_000}, "name"),
        ({"name": ""}, "name"),
        ({"name": "山田\n太郎"}, "name"),
        ({"name": "\u3000 "}, "name"),
        ({"address": "東" * (MAX_ADDRESS_CHARS + 1)}, "address"),
        ({"seed": "s" * 10_000}, "seed"),
        ({"profile_id": "a" * 500}, "profile_id"),
        ({"atr": "3B" * 40}, "atr"),
        ({"birthdate": "0001-01-01"}, "birthdate"),
        ({"sex": "12"}, "sex"),
        ({"faults": {"missing_files": ["nowhere:0001"]}}, "faults.missing_files.0"),
        ({"faults": {"missing_files": ["jpki:000A"] * 100}}, "faults.missing_files"),
        ({"faults": {"slow_ms": 10**9}}, "faults.slow_ms"),
        ({"timing": "slow"}, "timing"),
        ({"timing": {"select_ms": -1}}, "timing"),
        ({"pins": {"text_pin": "12a4"}}, "pins.text_pin"),
    ],
)
def test_an_out_of_bounds_field_is_named(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        CardProfile.from_json(profile_json(**changes))
    assert f"at {field}" in str(caught.value)


def test_certificate_dates_must_be_in_order() -> None:
    with pytest.raises(ProfileError) as caught:
        CardProfile.from_json(
            profile_json(certificate_not_before="2030-01-01", certificate_not_after="2020-01-01")
        )
    assert "certificate_not_after must be later" in str(caught.value)


def test_a_huge_inline_name_is_card_name_never_card_str(tmp_path: Path) -> None:
    from clinic_desk.scenarios.scenario import Scenario, ScenarioError

    card = {**BASE, "name": "山" * 70_000}
    with pytest.raises(ValueError) as caught:
        Fixture.model_validate({"card": card})
    errors = caught.value.errors()  # type: ignore[attr-defined]
    assert [e["loc"] for e in errors] == [("card", "name")]
    fixture = tmp_path / "huge-name.json"
    scenario = {"title": "t", "card": card, "steps": [], "expected": {"outcome": "shown"}}
    fixture.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        Scenario.load(fixture)
    message = str(refused.value)
    assert "at card.name: String should have at most 100 characters" in message
    assert "card.str" not in message


def test_the_card_section_takes_an_id_a_profile_or_a_reference() -> None:
    assert Fixture.model_validate({"card": "yamada-taro"}).card == "yamada-taro"
    inline = Fixture.model_validate({"card": {**BASE, "timing": "real-card"}}).card
    assert isinstance(inline, CardProfile) and inline.card_timing == REAL_CARD
    reference = Fixture.model_validate({"card": {"profile": "sato-ken", "timing": "real-card"}})
    assert reference.card == CardReference(profile="sato-ken", timing="real-card")
    with pytest.raises(ValueError) as caught:
        Fixture.model_validate({"card": {"profile": "sato-ken", "timing": "fast"}})
    errors = caught.value.errors()  # type: ignore[attr-defined]
    assert {e["loc"][:2] for e in errors} == {("card", "timing")}


def test_every_shipped_profile_loads_and_takes_no_time(tmp_path: Path) -> None:
    for name in available_profiles(CARDS_DIR):
        profile = CardProfile.load(find_profile(name, CARDS_DIR))
        assert profile.card_timing.instant


def test_a_profile_file_must_be_a_small_regular_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    big = tmp_path / "big.json"
    big.write_text(profile_json(address=" " * MAX_PROFILE_BYTES), encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 30_000 + "]" * 30_000, encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff\xfe{")
    cases = {
        folder: "is not a regular file",
        Path(os.devnull): "is not a regular file",
        big: f"is larger than {MAX_PROFILE_BYTES} bytes",
        deep: "nested too deeply",
        broken: "is not valid JSON",
        tmp_path / "absent.json": "does not exist",
    }
    for path, words in cases.items():
        with pytest.raises(ProfileError) as caught:
            CardProfile.load(path)
        assert words in str(caught.value) and str(path) in str(caught.value)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "card.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            CardProfile.load(fifo)
        except ProfileError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(30)  # a guard against a hang, not a timing: the refusal is immediate
    if reader.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
    assert outcome and "is not a regular file" in str(outcome[0])


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=MAX_NAME_CHARS
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    address=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=200),
    birthdate=st.dates(date(1868, 1, 1), date(2199, 12, 31)),
)
def test_whatever_validates_the_card_encodes(name: str, address: str, birthdate: date) -> None:
    try:
        profile = CardProfile.model_validate(
            {**BASE, "name": name, "address": address, "birthdate": birthdate}
        )
    except ValidationError:
        return  # refused with a named field: nothing reaches the encoder
    items = parse_four_items(encode_four_items(name, address, birthdate, profile.sex))
    assert (items.name, items.address, items.birthdate) == (name, address, birthdate)


def test_the_longest_profile_reads_back_through_the_card() -> None:
    profile = CardProfile.model_validate(
        {**BASE, "name": "𠮷" * MAX_NAME_CHARS, "address": "𠮷" * MAX_ADDRESS_CHARS}
    )
    with MyNumberCard(InProcessTransport(VirtualCard(profile))) as card:
        items = card.read_basic_four_items("1234")
    assert items.name == profile.name and items.address == profile.address

"""SVG snapshots of the desk's key screens (pytest-textual-snapshot).

Update them after an intended change with ``pytest tests/desk/test_snapshots.py
--snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.domain.flag_reference import FlagReferences
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.desk import DeskServices
from tests.support.steady import steady_cursors

SIZE = (120, 34)
Steps = Callable[[Pilot[Any], DeskServices], Awaitable[None]]


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeskServices]:
    # a flag's reference comes from its random id and the cache's random key: one still
    # reference for the pictures
    monkeypatch.setattr(FlagReferences, "__call__", lambda self, flag_id: "K7QM-XR4D")
    built = asyncio.run(build_demo_services(card_source="in_process"))
    try:
        yield built
    finally:
        built.runner.close()
        asyncio.run(built.stop())


async def reach(pilot: Pilot[Any], services: DeskServices, stage: Stage) -> None:
    deadline = time.monotonic() + 30
    while services.runner.machine.stage is not stage:
        assert time.monotonic() < deadline, f"stuck in {services.runner.machine.stage}"
        await pilot.pause(0.02)
    await services.runner.settle()
    await pilot.pause()


async def to_pin(pilot: Pilot[Any], services: DeskServices, card: str = "yamada-taro") -> None:
    assert services.demo is not None
    await services.demo.tap(card)
    await reach(pilot, services, Stage.PIN_ENTRY)


async def to_name(pilot: Pilot[Any], services: DeskServices, card: str = "yamada-taro") -> None:
    await to_pin(pilot, services, card)
    await pilot.press(*"1234", "enter")
    await reach(pilot, services, Stage.CONFIRMING_NAME)


async def to_birthdate_answer(
    pilot: Pilot[Any], services: DeskServices, card: str, birthdate: str, stage: Stage
) -> None:
    await to_name(pilot, services, card)
    await pilot.press("y")
    await reach(pilot, services, Stage.CONFIRMING_BIRTHDATE)
    await pilot.press(*birthdate, "enter")
    await reach(pilot, services, stage)


def snap(
    snap_compare: Any,
    services: DeskServices,
    steps: Steps | None,
    lang: str = "en",
    size: tuple[int, int] = SIZE,
) -> bool:
    app = DeskApp(services, lang=lang)  # type: ignore[arg-type]

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        if steps is not None:
            await steps(pilot, services)
        await steady_cursors(pilot)

    result: bool = snap_compare(app, terminal_size=size, run_before=run_before)
    return result


def test_idle(snap_compare: Any, services: DeskServices) -> None:
    assert snap(snap_compare, services, None)


def test_pin_entry(snap_compare: Any, services: DeskServices) -> None:
    assert snap(snap_compare, services, to_pin)


def test_last_try_warning(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_pin(pilot, s, "nakamura-akemi")

    assert snap(snap_compare, services, steps)


def test_is_this_you(snap_compare: Any, services: DeskServices) -> None:
    assert snap(snap_compare, services, to_name)


def test_staff_decides_a_variant(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "takahashi-ichiro", "19751123", Stage.STAFF_DECISION)

    assert snap(snap_compare, services, steps)


def test_withheld(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "sato-ken", "19900707", Stage.WITHHELD)

    assert snap(snap_compare, services, steps)


def test_shown_with_medications(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "yamada-taro", "19800401", Stage.CONSENT)
        await pilot.press("y")
        await reach(pilot, s, Stage.SHOWN)

    assert snap(snap_compare, services, steps)


def test_japanese_pin_entry(snap_compare: Any, services: DeskServices) -> None:
    assert snap(snap_compare, services, to_pin, lang="ja")


def test_help_in_japanese(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await pilot.press("f1")
        await pilot.pause()

    assert snap(snap_compare, services, steps, lang="ja")


def test_shown_at_80_columns(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "yamada-taro", "19800401", Stage.CONSENT)
        await pilot.press("y")
        await reach(pilot, s, Stage.SHOWN)

    assert snap(snap_compare, services, steps, size=(80, 24))


def test_coverage_lost(snap_compare: Any, services: DeskServices) -> None:
    """Validity state 2: its own banner, colour and next step, never "confirmed"."""

    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "kobayashi-sachiko", "19551205", Stage.CONSENT)
        await pilot.press("n")
        await reach(pilot, s, Stage.SHOWN)

    assert snap(snap_compare, services, steps)


def test_japanese_result_at_80_columns(snap_compare: Any, services: DeskServices) -> None:
    async def steps(pilot: Pilot[Any], s: DeskServices) -> None:
        await to_birthdate_answer(pilot, s, "yamada-taro", "19800401", Stage.CONSENT)
        await pilot.press("y")
        await reach(pilot, s, Stage.SHOWN)

    assert snap(snap_compare, services, steps, lang="ja", size=(80, 24))

from __future__ import annotations

import html
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from textual.app import App
from textual.pilot import Pilot

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.desk import DeskServices
from clinic_desk.services.store import CacheStorePort
from clinic_desk.texts import Lang
from tests.support.screens import until_shown

SIZE = (120, 36)


_SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?-line-(\d+)\)">([^<]*)</text>')


def screen_lines(app: App[None]) -> list[str]:
    """What the terminal shows now, one string per screen line (left to right)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for x, line, text in _SVG_TEXT.findall(app.export_screenshot()):
        rows.setdefault(int(line), []).append((float(x), html.unescape(text)))
    return [
        "".join(text for _, text in sorted(rows.get(n, []))).replace("\xa0", " ").rstrip("\n")
        for n in range(app.size.height)
    ]


def screen_text(app: DeskApp) -> str:
    """What the terminal shows now, as plain text."""
    svg = app.export_screenshot()
    texts = re.findall(r">([^<>]*)</text>", svg)
    return html.unescape("".join(texts)).replace("\xa0", " ")


@dataclass
class Desk:
    app: DeskApp
    services: DeskServices
    pilot: Pilot[None]
    screens: list[str] = field(default_factory=list)

    @property
    def stage(self) -> Stage:
        return self.services.runner.machine.stage

    async def wait_for(self, *stages: Stage, timeout: float = 30.0) -> Stage:
        """Wait (bounded) until the check-in reaches one of ``stages``."""
        deadline = time.monotonic() + timeout
        while self.stage not in stages:
            if time.monotonic() > deadline:
                raise AssertionError(f"stuck in {self.stage}, waiting for {stages}")
            await self.pilot.pause(0.02)
        await self.services.runner.settle()
        await self.pilot.pause()
        self.capture()
        return self.stage

    async def until_shown(self, *texts: str) -> str:
        """Wait (bounded) until every one of ``texts`` is on screen."""
        text = await until_shown(self.pilot, *texts)
        self.screens.append(text)
        return text

    async def settled(self) -> None:
        """Wait until every key pressed so far, every worker it started and every
        check-in effect is done: a quiet point to assert that nothing happened."""
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.services.runner.settle()
        await self.pilot.pause()

    def capture(self) -> str:
        text = screen_text(self.app)
        self.screens.append(text)
        return text

    async def tap(self, card_id: str) -> None:
        assert self.services.demo is not None
        await self.services.demo.tap(card_id)

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()
        self.capture()

    async def type_pin(self, pin: str = "1234") -> None:
        await self.wait_for(Stage.PIN_ENTRY)
        await self.press(*pin, "enter")

    async def confirm_identity(self, birthdate: str) -> None:
        await self.wait_for(Stage.CONFIRMING_NAME)
        await self.press("y")
        await self.wait_for(Stage.CONFIRMING_BIRTHDATE)
        await self.press(*birthdate, "enter")

    def store(self) -> CacheStorePort:
        store = self.services.runner.store
        assert isinstance(store, CacheStorePort)
        return store

    def cache_dump(self) -> str:
        cache = self.store().cache
        rows: list[str] = []
        with cache._unit.mutex:  # raw rows: what an attacker holding the key would see
            tables = cache._unit.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in tables.fetchall():
                for row in cache._unit.conn.execute(f'SELECT * FROM "{table}"').fetchall():
                    rows.append(repr(row))
        assert rows, "the cache holds rows (audit at least)"
        return "\n".join(rows)


async def _desk(lang: Lang) -> AsyncIterator[Desk]:
    services = await build_demo_services(card_source="in_process")
    app = DeskApp(services, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield Desk(app, services, pilot)
    finally:
        await services.stop()


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    async for built in _desk("en"):
        yield built


@pytest.fixture
async def desk_ja() -> AsyncIterator[Desk]:
    async for built in _desk("ja"):
        yield built

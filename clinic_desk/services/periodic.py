"""A desk service that runs once at start, then every so often until the desk stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from clinic_desk.services.desk import Closer, DeskServices, Starter


def every(seconds: float, action: Callable[[DeskServices], Awaitable[None]], name: str) -> Starter:
    """A starter that awaits ``action`` at start, then every ``seconds``; its closer
    stops the loop (an action under way is cancelled)."""

    async def start(services: DeskServices) -> Closer:
        stopping = asyncio.Event()

        async def keep_going() -> None:
            while not stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), seconds)
                if not stopping.is_set():
                    await action(services)

        await action(services)
        task = asyncio.create_task(keep_going(), name=name)

        async def stop() -> None:
            stopping.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        return stop

    return start

"""After the PIN the desk waits for one round trip: card-auth answers with the
Patient and the Coverage, and "is this you?" follows without a "fetching" frame.
When the gateway leaves the record out, the reads go out and "fetching" is shown
while they do. Order of operations only, nothing timed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clinic_desk.checkin import Stage
from tests.desk.test_pin_first import fixture, fixture_desk


async def _stages_shown(path: Path) -> tuple[list[Stage], list[Stage], list[str]]:
    """The stages drawn and passed through, and the gateway routes asked after the tap
    (but challenges: the desk's readiness check asks for one too)."""
    async with fixture_desk(path) as desk:
        runner: Any = desk.services.runner
        shown: list[Stage] = []
        show = runner.on_view
        exchange = runner._gateway.client._exchange
        send, routes = exchange.send, []

        async def sent(method: str, url: str, route: str, *args: Any, **kwargs: Any) -> Any:
            routes.append(route)
            return await send(method, url, route, *args, **kwargs)

        exchange.send = sent

        def seen(view: Any) -> None:
            shown.append(view.stage)
            show(view)

        runner.on_view = seen
        await desk.tap("yamada-taro")
        await desk.wait_for(Stage.PIN_ENTRY)
        await desk.press(*"1234", "enter")
        await desk.wait_for(Stage.CONFIRMING_NAME)
        return shown, list(runner.machine.history), [r for r in routes if r != "challenge"]


async def test_the_record_with_the_token_goes_straight_to_is_this_you(tmp_path: Path) -> None:
    shown, history, requests = await _stages_shown(fixture(tmp_path, "yamada-taro"))
    assert requests == ["card-auth"]  # the one round trip after the signature
    assert Stage.FETCHING in history  # the check-in passed through it …
    assert Stage.FETCHING not in shown  # … without a frame nobody would see
    assert shown.index(Stage.AUTHENTICATING) < shown.index(Stage.CONFIRMING_NAME)


async def test_a_record_left_out_is_read_and_fetching_is_shown_meanwhile(tmp_path: Path) -> None:
    path = fixture(tmp_path, "yamada-taro", gateway={"faults": ["slow:0.2@patient"]})
    shown, _, requests = await _stages_shown(path)
    assert sorted(requests) == ["card-auth", "coverage", "patient"]
    assert Stage.FETCHING in shown
    assert shown.index(Stage.FETCHING) < shown.index(Stage.CONFIRMING_NAME)

"""A face-reader check-in at the counter offers only the keys that work at its stage
(the demo desk on the simulated 資格確認端末, Pilot)."""

from __future__ import annotations

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal_demo import SimulatedTerminal
from tests.desk.conftest import SIZE, Desk
from tests.oqs.conftest import cli, face_form_opens


def _bar(screen: str) -> str:
    """The key bar: the last line of the screen's text."""
    return screen.rstrip().rsplit("\n", 1)[-1]


async def test_the_face_check_in_offers_the_keys_of_its_stage() -> None:
    from clinic_desk.app.screens.face import FaceScreen

    terminal = SimulatedTerminal()
    services = await build_demo_services(card_source="in_process", gateway=terminal)
    assert terminal.folder is not None
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            done = cli(
                "oqs-terminal", "face", str(terminal.folder / "terminal"),
                "--patient", "p-yamada-taro",
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert await face_form_opens(app, pilot)
            await pilot.pause(0.1)
            asking = _bar(desk.capture())  # the form: Esc leaves it; nothing to accept
            assert "Esc" in asking
            assert "Accept" not in asking and "Next patient" not in asking
            await desk.press("escape")  # the result keeps waiting; F opens it again
            assert not isinstance(app.screen, FaceScreen)
            await desk.press("f")
            assert await face_form_opens(app, pilot, 200)
            await desk.press(*"ヤマダ タロウ", "enter", *"19800401", "enter")
            await desk.confirm_identity("19800401")
            assert await desk.wait_for(Stage.SHOWN, Stage.WITHHELD) is Stage.SHOWN
            shown = _bar(desk.capture())  # the record: D for the next patient
            assert "D Next patient" in shown and "Accept" not in shown
    finally:
        await services.stop()

"""The demo desk on the simulated 資格確認端末 (``clinic-desk --gateway oqs-sim``): the
same builder, the simulator in this process over a temporary folder; a card placed on
the desk's reader is sent to the face reader, in words, with nothing sent to the
national system; the folder goes with the desk."""

from __future__ import annotations

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.cli import build_parser
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal_demo import SimulatedTerminal
from tests.desk.conftest import SIZE, Desk


async def test_a_card_is_sent_to_the_face_reader() -> None:
    terminal = SimulatedTerminal()
    services = await build_demo_services(card_source="in_process", gateway=terminal)
    folder = terminal.folder
    assert folder is not None and (folder / "terminal" / "req").is_dir()
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            await desk.tap("yamada-taro")
            await desk.type_pin()
            await desk.wait_for(Stage.ERROR)
            text = desk.capture()
            assert "face-recognition" in text and "guide the patient to it" in text
            assert "山田" not in text
            assert not any((folder / "terminal" / "req").iterdir())
    finally:
        await services.stop()
    assert not folder.exists()


def test_the_flag_chooses_the_simulated_terminal() -> None:
    assert build_parser().parse_args(["--gateway", "oqs-sim"]).gateway == "oqs-sim"
    assert build_parser().parse_args([]).gateway == "embedded"


async def _face_desk(lang: str, patient: str, typed: list[str]) -> tuple[list[str], object]:
    """The demo desk on the simulated terminal; the face reader writes a result about
    ``patient`` (another process); ``typed``: what the people type, one entry a field."""
    from clinic_desk.app.screens.face import FaceScreen
    from tests.desk.conftest import screen_text
    from tests.oqs.conftest import cli

    terminal = SimulatedTerminal()
    services = await build_demo_services(card_source="in_process", gateway=terminal)
    assert terminal.folder is not None
    app = DeskApp(services, lang=lang)  # type: ignore[arg-type]
    screens: list[str] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            done = cli(
                "oqs-terminal", "face", str(terminal.folder / "terminal"), "--patient", patient
            )
            assert done.returncode == 0, done.stderr
            for _ in range(500):  # the watcher polls every 50 ms
                if isinstance(app.screen, FaceScreen):
                    break
                await pilot.pause(0.02)
            assert isinstance(app.screen, FaceScreen)
            screen = app.screen
            await pilot.pause(0.1)
            screens.append(screen_text(app))
            for entry in typed:
                await pilot.press(*entry, "enter")
                await pilot.pause(0.1)
                screens.append(screen_text(app))
            stage = screen.checkin.stage
    finally:
        await services.stop()
    return screens, stage


async def test_a_face_check_in_shows_the_record_only_once_confirmed() -> None:
    from clinic_desk.checkin.face import FaceStage

    screens, stage = await _face_desk("en", "p-yamada-taro", ["19800401", "ヤマダ タロウ"])
    assert stage is FaceStage.SHOWN, screens[-1]
    assert "checked in at the face-recognition card reader" in screens[0]
    for before in screens[:-1]:  # the arrival, the birthdate: nothing of the record
        assert "山田" not in before and "ヤマダ" not in before and "1980" not in before
    assert "Confirmed: 山田　太郎" in screens[-1]


async def test_a_face_result_about_someone_else_is_withheld_in_japanese() -> None:
    from clinic_desk.checkin.face import FaceStage

    screens, stage = await _face_desk("ja", "p-suzuki-ichiro", ["19800401", "19800401"])
    assert stage is FaceStage.WITHHELD
    assert "記録は表示しません" in screens[-1]
    for shown in screens:
        assert "鈴木" not in shown and "スズキ" not in shown and "1962" not in shown

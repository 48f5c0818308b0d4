"""The demo desk on the simulated 資格確認端末 (``clinic-desk --gateway oqs-sim``): the
same builder, the simulator in this process over a temporary folder; a card placed on
the desk's reader is sent to the face reader, in words, with nothing sent to the
national system; the folder goes with the desk."""

from __future__ import annotations

from pathlib import Path

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.cli import build_parser
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal_demo import SimulatedTerminal
from tests.desk.conftest import SIZE, Desk
from tests.oqs.conftest import face_form_opens


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


async def test_the_demo_panel_sends_a_patient_through_the_face_reader() -> None:
    """The demo on the simulated terminal: the panel's face-reader entry writes a
    result into face/, the form opens, and after the confirmation the record shows
    with its medications (the patient agreed at the reader)."""
    from clinic_desk.app.screens.face_panel import FACE_OPTION_PREFIX
    from clinic_desk.app.widgets.demo_panel import DemoPanel

    terminal = SimulatedTerminal()
    services = await build_demo_services(card_source="in_process", gateway=terminal)
    app = DeskApp(services, lang="ja")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            options = app.screen.query_one(DemoPanel).options
            option = f"{FACE_OPTION_PREFIX}p-yamada-taro"
            for _ in range(200):  # the panel's entries come with the services
                if any(options.get_option_at_index(i).id == option
                       for i in range(options.option_count)):  # fmt: skip
                    break
                await pilot.pause(0.02)
            label = options.get_option(option).prompt.text  # type: ignore[union-attr]
            assert "顔認証付きカードリーダーで受付（薬剤情報の提供に同意）" in label
            index = next(
                i for i in range(options.option_count)
                if options.get_option_at_index(i).id == option
            )  # fmt: skip
            options.highlighted = index
            options.action_select()
            assert await face_form_opens(app, pilot)
            await desk.press(*"やまだ たろう", "enter", *"19800401", "enter")
            await desk.confirm_identity("19800401")
            assert await desk.wait_for(Stage.SHOWN, Stage.WITHHELD) is Stage.SHOWN
            assert "アムロジピン" in desk.capture()
    finally:
        await services.stop()


async def test_the_demo_desk_takes_a_face_result_through_the_gate() -> None:
    """The simulated terminal of the demo (in this process) and a face result written
    by another process: the form, the confirmation, the record with its medications."""
    from tests.oqs.conftest import cli

    terminal = SimulatedTerminal()
    services = await build_demo_services(card_source="in_process", gateway=terminal)
    assert terminal.folder is not None
    app = DeskApp(services, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            root = terminal.folder / "terminal"
            done = cli("oqs-terminal", "face", str(root), "--patient", "p-yamada-taro")
            assert done.returncode == 0, done.stderr
            assert await face_form_opens(app, pilot)
            await pilot.pause(0.1)
            text = desk.capture()
            assert "checked in at the face-recognition card reader" in text
            assert "山田" not in text and "ヤマダ" not in text and "1980" not in text
            await desk.press(*"ヤマダ タロウ", "enter")
            await desk.press(*"19800401", "enter")
            await desk.confirm_identity("19800401")
            assert await desk.wait_for(Stage.SHOWN, Stage.WITHHELD) is Stage.SHOWN
            assert "アムロジピン" in desk.capture()
    finally:
        await services.stop()


async def test_a_demo_configured_for_the_terminal_runs_on_the_simulator(tmp_path: Path) -> None:
    """[gateway] kind = "oqs-files" in a demo's configuration: the simulated terminal
    (a demo never writes into the configured folder, a clinic's terminal)."""
    from clinic_desk.cli.desk import _build
    from clinic_desk.config import load_settings
    from tests.oqs.test_readiness import _write_config

    clinic_folder = tmp_path / "clinic-terminal"
    clinic_folder.mkdir()
    settings = load_settings(_write_config(tmp_path, clinic_folder))
    assert settings.mode == "demo" and settings.gateway.files
    args = build_parser().parse_args(["--card-source", "in-process"])
    services = await _build(args, settings, None)
    try:
        assert services.faces is not None and services.faces.simulated is not None
        assert "資格確認端末 (simulated)" in services.status().notice
    finally:
        await services.stop()
    assert not any(clinic_folder.iterdir())

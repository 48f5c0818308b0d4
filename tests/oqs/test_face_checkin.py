"""Face-reader check-ins on a desk whose backend is the 資格確認端末: the simulator
runs in another process (started and stopped by its PID), its ``face`` command (one
more process) leaves a result, the desk's form takes the name and birthdate the
patient states, and the desk's own screen goes on as for a 資格確認書. 薬剤情報
(``YZKsiquc01req``) is asked for only when the patient agreed at the reader, and
the person its answer names must be the confirmed record's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clinic_desk.app.app import DeskApp
from clinic_desk.checkin import Stage
from clinic_desk.services.demo import build_demo_services
from clinic_desk.services.terminal import TerminalGateway
from tests.desk.conftest import SIZE, Desk
from tests.oqs.conftest import Terminal, cli, face_form_opens, make_settings
from tests.paths.test_path_desk import SUZUKI_RECORD
from tests.support.leaks import leaked

YAMADA_RECORD = ("山田", "ヤマダ", "ﾔﾏﾀﾞ", "アムロジピン", "1980-04-01", "19800401")
ENDINGS = (Stage.SHOWN, Stage.WITHHELD, Stage.PAPER_FORM, Stage.ERROR)


async def face_check_in(
    root: Path, lang: str, patient: str, kana: str, birthdate: str
) -> tuple[Desk, list[str]]:
    """The face reader leaves a result about ``patient``; staff type ``kana`` and
    ``birthdate`` as the patient states them; the patient confirms the name and types
    the birthdate. The desk (its screens kept) and the reasons of its flags."""
    services = await build_demo_services(
        card_source="in_process", gateway=TerminalGateway(make_settings(root))
    )
    app = DeskApp(services, lang=lang)  # type: ignore[arg-type]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            done = cli("oqs-terminal", "face", str(root), "--patient", patient)
            assert done.returncode == 0, done.stderr
            assert await face_form_opens(app, pilot), desk.capture()
            desk.capture()
            await desk.press(*kana, "enter")
            await desk.press(*birthdate, "enter")
            stage = await desk.wait_for(Stage.CONFIRMING_NAME, *ENDINGS)
            if stage is Stage.CONFIRMING_NAME:
                await desk.confirm_identity(birthdate)
            await desk.wait_for(*ENDINGS)
            return desk, [f.reason for f in desk.store().cache.flags.find()]
    finally:
        await services.stop()


async def test_a_consented_result_shows_the_record_and_its_medications(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    desk, flags = await face_check_in(root, "en", "p-yamada-taro", "やまだ たろう", "19800401")
    assert flags == []
    assert desk.stage is Stage.SHOWN, desk.screens[-1]
    last = " ".join(desk.screens[-1].split())
    assert "やまだ たろう" in last and "アムロジピン" in last  # 薬剤情報 through YZKsiquc01req
    for i, screen in enumerate(desk.screens[:-2]):  # the arrival, the form, the confirmation
        assert not leaked(screen, ["ヤマダ", "ﾔﾏﾀﾞ", "アムロジピン", "山田"]), f"screen {i}"
    asked = {p.name[:13] for p in (root / "req").iterdir()}
    assert asked <= {"OQSsiquc01req", "YZKsiquc01req"}


async def test_no_consent_at_the_reader_no_medication_request(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    term = terminal("never@medication")  # a request for medications would hang the test
    desk, _ = await face_check_in(root, "ja", "p-nakamura-akemi", "ナカムラ アケミ", "20010303")
    assert desk.stage is Stage.SHOWN, desk.screens[-1]
    assert "薬剤情報の提供に同意されていない" in "".join(desk.screens[-1].split())
    assert term.process.poll() is None
    assert not list((root / "req").glob("YZK*"))


async def test_medications_about_someone_else_are_withheld_and_flagged(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink:p-suzuki-ichiro@medication")
    desk, flags = await face_check_in(root, "ja", "p-yamada-taro", "ヤマダ タロウ", "19800401")
    assert desk.stage is Stage.WITHHELD, desk.screens[-1]
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, SUZUKI_RECORD), f"screen {i}"
    assert not leaked(desk.screens[-1], YAMADA_RECORD)
    assert flags == ["name_mismatch"]


async def test_a_result_about_someone_else_is_withheld_in_japanese(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    # the patient at the counter is Yamada; the face reader's result names Suzuki
    terminal()
    desk, flags = await face_check_in(root, "ja", "p-suzuki-ichiro", "やまだ たろう", "19800401")
    assert flags == ["birthdate_mismatch"]
    assert desk.stage is Stage.WITHHELD, desk.screens[-1]
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, SUZUKI_RECORD), f"screen {i}"
    assert not list((root / "req").glob("YZK*"))  # nothing more asked about a stranger


async def test_a_refused_medication_request_shows_the_record_without_them(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("err@medication")
    desk, flags = await face_check_in(root, "en", "p-yamada-taro", "ヤマダ タロウ", "19800401")
    assert desk.stage is Stage.SHOWN and flags == [], desk.screens[-1]
    last = " ".join(desk.screens[-1].split())
    assert "アムロジピン" not in last and "could not be fetched" in last, last

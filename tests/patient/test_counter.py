"""The desk and the patient display driven together: pairing, every stage mirrored, a
display that leaves mid check-in, one that drops and comes back, a second one refused."""

from __future__ import annotations

import csv
from pathlib import Path

from clinic_desk.checkin import Stage
from clinic_desk.domain.flag_reference import normalise_reference
from clinic_desk.manager.review import unlock_review
from clinic_desk.patient.view import PatientStage
from clinic_desk.services.store import CacheStorePort
from tests.patient.counter import counter
from tests.support.leaks import leaked

YAMADA = "山田　太郎"
YAMADA_RECORD = ("01130012", "全国健康保険協会東京支部", "アムロジピン", "1234 · 567")


async def test_the_patient_answers_on_the_display_and_the_desk_says_what_they_do() -> None:
    async with counter() as c:
        assert "Patient display: paired" in c.desk_text()
        assert "Please place your My Number card" in c.display.text()

        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        assert "3 tries left." in c.display.text()
        desk = c.desk_says()
        assert "The patient is typing the PIN on the patient display." in desk
        assert "3 tries left" in desk  # the receptionist still sees the tries
        assert not c.desk.screen.query_one("#pin").display  # no PIN field at the desk
        await c.display.press(*"1234", "enter")

        await c.shown(PatientStage.NAME)
        assert YAMADA in c.display.text()
        assert "confirming on the patient display that the name" in c.desk_says()
        await c.desk_press("y")  # the receptionist cannot answer for the patient
        assert c.stage is Stage.CONFIRMING_NAME
        await c.display.press("y")

        await c.shown(PatientStage.BIRTHDATE)
        assert "typing their birthdate on the patient display" in c.desk_says()
        await c.display.press(*"19800402", "enter")  # one typo is forgiven
        await c.until(lambda: c.display.app.view is not None and c.display.app.view.retry)
        assert "That date does not match the card." in c.display.text()
        await c.display.press(*"19800401", "enter")

        await c.shown(PatientStage.CONSENT)
        assert "whether to share their medication history" in c.desk_says()
        await c.display.press("y")

        await c.shown(PatientStage.CHECKED_IN)
        assert c.stage is Stage.SHOWN
        assert "You are checked in." in c.display.text()
        assert all(value in c.desk_text() for value in YAMADA_RECORD[:2])
        await c.desk_press("d")
        await c.shown(PatientStage.WELCOME)
        for frame in c.display.frames:
            assert not leaked(frame, YAMADA_RECORD)


async def test_a_display_that_leaves_mid_check_in_hands_the_questions_back() -> None:
    async with counter() as c:
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)
        await c.display.press("ctrl+q")  # the display is closed: it says goodbye
        await c.until(lambda: not c.link.paired, "unpairing")
        assert "Patient display: not paired" in c.desk_text()
        desk = c.desk_says()
        assert "Please confirm: is this your name?" in desk and "[Y] yes" in desk
        await c.desk_press("y")  # the desk asks, as without a display
        await c.until(lambda: c.stage is Stage.CONFIRMING_BIRTHDATE)
        assert c.desk.screen.query_one("#birthdate").display


async def test_a_display_that_drops_and_comes_back_shows_the_current_question() -> None:
    async with counter() as c:
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        # the connection breaks without a goodbye (a cable, a crash)
        connection = c.display.app._connection
        assert connection is not None
        connection._writer.transport.abort()
        await c.until(lambda: c.display.app.pairings == 2, "pairing again")
        await c.shown(PatientStage.PIN)
        assert "3 tries left." in c.display.text()
        assert "Patient display: paired" in c.desk_text()
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)

        # the display program itself is restarted
        await c.display.press("ctrl+q")
        await c.until(lambda: not c.link.paired)
        async with c.another_display() as returned:
            await c.shown(PatientStage.NAME, returned)
            assert YAMADA in returned.text()
            assert c.link.paired


async def test_a_second_display_is_refused_and_pairs_once_the_first_has_gone() -> None:
    async with counter() as c, c.another_display(lang="ja") as second:
        await c.until(lambda: c.link.refusals >= 1, "a refusal")
        await second.pilot.pause()
        assert "この受付には別の患者用画面が接続されています。" in second.text()
        assert second.app.view is None and c.link.paired
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        assert second.app.view is None  # nothing of this patient reaches it
        await c.display.press("ctrl+q")
        await c.shown(PatientStage.PIN, second)
        assert "暗証番号" in second.text()


async def test_the_patient_chooses_the_language_and_the_next_patient_starts_afresh() -> None:
    async with counter(display_lang="ja") as c:
        await c.tap("yamada-taro")
        await c.shown(PatientStage.PIN)
        assert "暗証番号（数字4桁）" in c.display.text()
        await c.display.press("l")
        assert "Please type your PIN (4 digits)" in c.display.text()
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)
        assert "Is this your name?" in c.display.text()
        await c.desk_press("escape")
        await c.shown(PatientStage.STOPPED)
        await c.desk_press("d")
        await c.shown(PatientStage.WELCOME)
        assert "マイナンバーカードを" in c.display.text()


async def test_the_last_pin_try_waits_for_the_receptionist() -> None:
    async with counter() as c:
        await c.tap("nakamura-akemi")
        await c.shown(PatientStage.PIN)
        view = c.display.app.view
        assert view is not None and view.waiting_for_staff and view.tries_left == 1
        assert "The receptionist will speak with you before you type." in " ".join(
            c.display.text().split()
        )
        assert not c.display.app.query_one("#pin").display
        await c.desk_press("c")
        await c.until(
            lambda: c.display.app.view is not None and not c.display.app.view.waiting_for_staff
        )
        await c.shown(PatientStage.PIN)
        assert c.display.app.query_one("#pin").display
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)


async def test_a_withheld_record_gives_one_reference_on_both_screens_the_review_and_the_csv(
    tmp_path: Path,
) -> None:
    async with counter() as c:
        await c.tap("sato-ken")  # linked to a stranger's record
        await c.shown(PatientStage.PIN)
        await c.display.press(*"1234", "enter")
        await c.shown(PatientStage.NAME)
        await c.display.press("y")
        await c.shown(PatientStage.BIRTHDATE)
        await c.display.press(*"19900707", "enter")
        await c.until(
            lambda: c.display.app.view is not None and c.display.app.view.reference is not None,
            "the reference",
        )
        await c.shown(PatientStage.NOT_CONFIRMED)
        reference = c.display.app.view.reference if c.display.app.view else None
        assert reference is not None and normalise_reference(reference) == reference
        shown = " ".join(c.display.text().split())
        assert reference in shown
        assert "Nothing you did caused this." in shown
        assert "this clinic's reception or to your health insurer" in shown
        assert reference in c.desk_says() and "Reference for the patient" in c.desk_says()
        for frame in c.display.frames:  # the stranger's record, the reason
            assert not leaked(frame, ("鈴木", "1962-05-14", "19620514", "06400021"))
            assert "differs from the card" not in frame and "mismatch" not in frame

        store = c.services.runner.store
        manager = c.services.manager
        assert isinstance(store, CacheStorePort) and manager is not None
        assert manager.demo_pin is not None  # the demo's own manager
        unlocked = unlock_review(
            store.cache, manager.settings, manager.demo_pin, key_path=manager.key_path
        )
        session = unlocked.session
        assert session is not None
        (flag_id,) = session.find_reference(reference.lower().replace("-", " "))
        assert session.detail(flag_id).patient_reference == reference
        export = tmp_path / "flags.csv"
        assert session.export_csv(export, lang="en") == 1
        with export.open(encoding="utf-8-sig", newline="") as handle:
            (row,) = list(csv.DictReader(handle))
        assert row["flag_id"] == flag_id and row["patient_reference"] == reference

"""The desk's end of the link, spoken to through a bare socket: pairing, refusals,
hostile lines, answers accepted once and only for the screen shown, the socket file."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.patient import protocol as msg
from clinic_desk.patient import socket_file
from clinic_desk.patient.link import PatientDisplayLink
from clinic_desk.patient.socket_file import SocketFileError
from clinic_desk.patient.view import PatientStage
from tests.patient.support import BOUND, RawDisplay, socket_folder

PIN_VIEW = DeskView(stage=Stage.PIN_ENTRY, text_pin_tries=3, auth_pin_tries=3)


class Desk:
    """A link and the events it hands the check-in."""

    def __init__(self, path: Path) -> None:
        self.events: list[ev.Event] = []
        self.changes = 0
        self.link = PatientDisplayLink(self._dispatch, path=path, on_change=self._changed)

    async def _dispatch(self, event: ev.Event) -> None:
        self.events.append(event)

    def _changed(self) -> None:
        self.changes += 1

    async def until(self, condition: object) -> None:
        deadline = time.monotonic() + BOUND
        while not callable(condition) or not condition():
            assert time.monotonic() < deadline, "the link did not get there"
            await asyncio.sleep(0.01)


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    with socket_folder() as folder:
        built = Desk(folder / "run" / "patient-display.sock")
        await built.link.start()
        try:
            yield built
        finally:
            await built.link.stop()


async def test_a_display_pairs_and_is_shown_the_current_screen(desk: Desk) -> None:
    desk.link.publish(PIN_VIEW)
    display = await RawDisplay.connect(desk.link.path)
    show = await display.pair()
    assert show.view.stage is PatientStage.PIN and show.view.tries_left == 3
    await desk.until(lambda: desk.link.paired)
    assert desk.changes == 1
    display.close()
    await desk.until(lambda: not desk.link.paired)
    assert desk.changes == 2


async def test_a_second_display_is_refused_until_the_first_leaves(desk: Desk) -> None:
    first = await RawDisplay.connect(desk.link.path)
    await first.pair()
    second = await RawDisplay.connect(desk.link.path)
    await second.send(msg.Hello())
    assert await second.refusal() is msg.RefusalCode.ALREADY_PAIRED
    assert desk.link.paired and desk.link.refusals == 1
    await first.send(msg.Goodbye())
    await desk.until(lambda: not desk.link.paired)
    third = await RawDisplay.connect(desk.link.path)
    await third.pair()
    assert desk.link.paired
    third.close()


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"not json\n", msg.RefusalCode.BAD_MESSAGE),
        (b"\xff\xfe\n", msg.RefusalCode.BAD_MESSAGE),
        (b'{"type":"hello","protocol":1,"extra":1}\n', msg.RefusalCode.BAD_MESSAGE),
        (b'{"type":"name","seq":1,"is_me":true}\n', msg.RefusalCode.BAD_MESSAGE),
        (b'{"type":"hello","protocol":2}\n', msg.RefusalCode.UNSUPPORTED),
        (b"[" * 5000 + b"\n", msg.RefusalCode.BAD_MESSAGE),
        (b"x" * (msg.MAX_LINE + 10) + b"\n", msg.RefusalCode.BAD_MESSAGE),
    ],
)
async def test_a_first_line_that_is_not_a_hello_is_refused(
    desk: Desk, line: bytes, code: msg.RefusalCode
) -> None:
    display = await RawDisplay.connect(desk.link.path)
    await display.send_line(line)
    assert await display.refusal() is code
    assert not desk.link.paired


@pytest.mark.parametrize(
    "line",
    [
        b"{}\n",
        b'{"type":"pin","seq":1,"pin":"12345"}\n',
        b'{"type":"pin","seq":"1","pin":"1234"}\n',
        b'{"type":"consent","seq":1,"consent":"yes"}\n',
        b'{"type":"birthdate","seq":1,"birthdate":"1980-02-30"}\n',
        b'{"type":"hello","protocol":1}\n',
        b"y" * (msg.MAX_LINE + 1),
    ],
)
async def test_a_paired_display_that_sends_a_bad_line_is_unpaired(desk: Desk, line: bytes) -> None:
    desk.link.publish(PIN_VIEW)
    display = await RawDisplay.connect(desk.link.path)
    await display.pair()
    await display.send_line(line)
    assert await display.refusal() is msg.RefusalCode.BAD_MESSAGE
    await desk.until(lambda: not desk.link.paired)
    assert desk.events == []


async def test_answers_count_once_and_only_for_the_screen_shown(desk: Desk) -> None:
    desk.link.publish(DeskView(stage=Stage.CONFIRMING_NAME, card_name="山田　太郎"))
    display = await RawDisplay.connect(desk.link.path)
    show = await display.pair()
    assert show.view.own_name == "山田　太郎"
    # an answer to an older screen, and an answer this screen does not ask: dropped
    await display.send(msg.NameAnswer(seq=show.seq - 1, is_me=False))
    await display.send(msg.ConsentAnswer(seq=show.seq, consent=True))
    await display.send(msg.NameAnswer(seq=show.seq, is_me=True))
    # the check-in did not move (the test's desk has no machine): the same screen comes
    # back under a new seq, and a second answer to the old one is dropped
    again = await display.read()
    assert isinstance(again, msg.Show) and again.seq == show.seq + 1
    assert again.view == show.view
    await display.send(msg.NameAnswer(seq=show.seq, is_me=False))
    await display.send(msg.NameAnswer(seq=again.seq, is_me=False))
    third = await display.read()
    assert isinstance(third, msg.Show)
    assert desk.events == [ev.NameAnswered(is_me=True), ev.NameAnswered(is_me=False)]
    display.close()


async def test_each_question_becomes_its_check_in_event(desk: Desk) -> None:
    display = await RawDisplay.connect(desk.link.path)
    await display.pair()
    views_and_answers: list[tuple[DeskView, type[msg.Answer], dict[str, object]]] = [
        (PIN_VIEW, msg.PinAnswer, {"pin": SecretStr("4321")}),
        (
            DeskView(stage=Stage.CONFIRMING_BIRTHDATE),
            msg.BirthdateAnswer,
            {"birthdate": date(1980, 4, 1)},
        ),
        (DeskView(stage=Stage.CONSENT), msg.ConsentAnswer, {"consent": False}),
    ]
    for view, kind, fields in views_and_answers:
        desk.link.publish(view)
        show = await display.read()
        assert isinstance(show, msg.Show)
        await display.send(kind(seq=show.seq, **fields))  # type: ignore[arg-type]
        assert isinstance(await display.read(), msg.Show)
    pin, birthdate, consent = desk.events
    assert isinstance(pin, ev.PinEntered) and pin.pin.get_secret_value() == "4321"
    assert birthdate == ev.BirthdateTyped(birthdate=date(1980, 4, 1))
    assert consent == ev.ConsentAnswered(consent=False)
    display.close()


async def test_no_pin_while_the_receptionist_must_allow_the_last_try(desk: Desk) -> None:
    desk.link.publish(
        PIN_VIEW.model_copy(update={"text_pin_tries": 1, "needs_last_try_confirmation": True})
    )
    display = await RawDisplay.connect(desk.link.path)
    show = await display.pair()
    assert show.view.waiting_for_staff and show.view.tries_left == 1
    await display.send(msg.PinAnswer(seq=show.seq, pin=SecretStr("1234")))
    await display.send(msg.Goodbye())
    await desk.until(lambda: not desk.link.paired)
    assert desk.events == []


async def test_the_pin_is_not_logged(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    desk.link.publish(PIN_VIEW)
    display = await RawDisplay.connect(desk.link.path)
    show = await display.pair()
    await display.send(msg.PinAnswer(seq=show.seq, pin=SecretStr("8642")))
    await display.read()
    await display.send_line(b'{"type":"pin","seq":2,"pin":"86420"}\n')
    assert await display.refusal() is msg.RefusalCode.BAD_MESSAGE
    assert caplog.records, "pairing and the refusal are logged"
    logged = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text}" for r in caplog.records)
    assert "8642" not in logged
    assert "patient display refused: bad_message" in logged
    (event,) = desk.events
    assert "8642" not in repr(event) and "8642" not in str(event)


async def test_the_socket_is_owner_only(desk: Desk) -> None:
    path = desk.link.path
    assert stat.S_ISSOCK(os.lstat(path).st_mode)
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(path.parent).st_mode) == 0o700


async def test_a_display_of_another_user_is_refused(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    someone_else = os.getuid() + 4242
    monkeypatch.setattr(socket_file.os, "getuid", lambda: someone_else)
    display = await RawDisplay.connect(desk.link.path)
    assert await display.refusal() is msg.RefusalCode.NOT_ALLOWED
    assert not desk.link.paired


async def test_a_second_desk_on_the_same_socket_is_refused(desk: Desk) -> None:
    other = PatientDisplayLink(Desk(desk.link.path)._dispatch, path=desk.link.path)
    with pytest.raises(SocketFileError, match="Another desk already serves"):
        await other.start()
    assert desk.link.listening


async def test_a_socket_left_by_a_crashed_desk_is_replaced() -> None:
    with socket_folder() as folder:
        path = folder / "patient-display.sock"
        leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        leftover.bind(str(path))
        leftover.close()  # bound, never listening: what a killed desk leaves
        desk = Desk(path)
        await desk.link.start()
        try:
            display = await RawDisplay.connect(path)
            await display.pair()
            display.close()
        finally:
            await desk.link.stop()
        assert not path.exists()


async def test_what_is_not_a_socket_is_left_alone() -> None:
    with socket_folder() as folder:
        path = folder / "patient-display.sock"
        path.write_text("someone's file")
        with pytest.raises(SocketFileError, match="is not a socket"):
            await Desk(path).link.start()
        assert path.read_text() == "someone's file"


async def test_a_runtime_folder_of_another_user_or_a_link_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket_folder() as folder:
        target = folder / "elsewhere"
        target.mkdir(mode=0o700)
        (folder / "run").symlink_to(target)
        with pytest.raises(SocketFileError, match="not a folder"):
            await Desk(folder / "run" / "patient-display.sock").link.start()
        someone_else = os.getuid() + 4242
        monkeypatch.setattr(socket_file.os, "getuid", lambda: someone_else)
        with pytest.raises(SocketFileError, match="belongs to another user"):
            await Desk(target / "patient-display.sock").link.start()


async def test_a_loose_runtime_folder_is_made_owner_only() -> None:
    with socket_folder() as folder:
        run = folder / "run"
        run.mkdir(mode=0o755)
        os.chmod(run, 0o755)
        desk = Desk(run / "patient-display.sock")
        await desk.link.start()
        await desk.link.stop()
        assert stat.S_IMODE(os.lstat(run).st_mode) == 0o700


async def test_a_socket_path_too_long_is_said_plainly(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "patient-display.sock"
    with pytest.raises(SocketFileError, match="CLINIC_DESK_RUNTIME_DIR"):
        await Desk(deep).link.start()

"""The desk's side of the patient display: pairing, screens out, answers in.

``PatientDisplayLink`` listens on the desk's owner-only Unix socket. One display at a
time is paired: a second one is refused until the first leaves. The desk hands the
link every ``DeskView`` (``publish``); the link sends the display the ``PatientView``
projected from it whenever that changes, each with a new ``seq``. The display's
answers (PIN, is this you, birthdate, consent) come back as check-in events, accepted
only for the screen now shown and only once. A display that leaves and comes back
pairs again and is sent the current screen.

Nothing the display sends is logged; the PIN goes from the socket into the check-in's
``PinEntered`` event (a ``SecretStr``) and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.patient import protocol as msg
from clinic_desk.patient.socket_file import (
    SocketFileError,
    check_length,
    peer_is_same_user,
    prepare_folder,
    socket_path,
    stale_socket,
)
from clinic_desk.patient.view import QUESTIONS, PatientStage, PatientView, patient_view

log = logging.getLogger("clinic_desk.patient_display")

Dispatch = Callable[[ev.Event], Awaitable[None]]
# a display that has not said hello by then is dropped
HELLO_SECONDS = 5.0
# a display that stops reading is dropped rather than buffered for
MAX_PENDING_BYTES = 64 * 1024


class PatientDisplayLink:
    """Use as ``await link.start()`` … ``await link.stop()``; ``publish`` every view."""

    def __init__(
        self,
        dispatch: Dispatch | None = None,
        *,
        path: Path | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        # where the patient's answers go (the desk's check-in); None: nowhere yet
        self.dispatch = dispatch
        self.path = path if path is not None else socket_path()
        self.on_change = on_change
        self._server: asyncio.Server | None = None
        self._inode: int | None = None
        self._peer: asyncio.StreamWriter | None = None
        self._desk_view = DeskView(stage=Stage.WAITING_FOR_CARD)
        self._view = patient_view(self._desk_view)
        self._seq = 0
        self._answered = False
        self.refusals = 0

    # -- life cycle --------------------------------------------------------------------
    async def start(self) -> None:
        """Listen; ``SocketFileError`` says in one sentence why the link cannot."""
        check_length(self.path)
        await asyncio.to_thread(prepare_folder, self.path.parent)
        if await asyncio.to_thread(stale_socket, self.path):
            self.path.unlink(missing_ok=True)
        try:
            self._server = await asyncio.start_unix_server(
                self._serve, path=os.fspath(self.path), limit=msg.MAX_LINE
            )
            os.chmod(self.path, 0o600)
            self._inode = os.lstat(self.path).st_ino
        except OSError as exc:
            raise SocketFileError(
                f"The desk cannot listen at {self.path} ({exc.strerror})."
            ) from None
        log.info("patient display: listening")

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        peer = self._peer
        if peer is not None:
            self._unpair(peer)
        await server.wait_closed()
        with contextlib.suppress(OSError):  # remove the socket only if it is still ours
            if os.lstat(self.path).st_ino == self._inode:
                self.path.unlink()

    # -- what the desk asks ------------------------------------------------------------
    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def paired(self) -> bool:
        return self._peer is not None

    @property
    def seq(self) -> int:
        """The number of the screen sent last."""
        return self._seq

    @property
    def view(self) -> PatientView:
        """What the display shows now (or would show, once paired)."""
        return self._view

    def asks_patient(self, view: DeskView) -> bool:
        """Whether the patient answers ``view``'s question on the display (the desk
        then does not ask it itself)."""
        return self.paired and patient_view(view).stage in QUESTIONS

    def publish(self, view: DeskView) -> None:
        """The desk shows ``view``: send the display its projection if that changed."""
        self._desk_view = view
        projected = patient_view(view)
        if projected == self._view and not self._answered:
            return
        self._view = projected
        self._show()

    # -- the connection ----------------------------------------------------------------
    def _show(self) -> None:
        self._seq += 1
        self._answered = False
        if self._peer is not None:
            self._send(self._peer, msg.Show(seq=self._seq, view=self._view))

    def _send(self, writer: asyncio.StreamWriter, message: msg.FromDesk) -> None:
        if writer.is_closing():
            return
        writer.write(msg.encode(message))
        if writer.transport.get_write_buffer_size() > MAX_PENDING_BYTES:
            log.warning("patient display: not reading; unpaired")
            self._unpair(writer)

    def _refuse(self, writer: asyncio.StreamWriter, code: msg.RefusalCode) -> None:
        self.refusals += 1
        log.warning("patient display refused: %s", code.value)
        self._send(writer, msg.Refused(code=code))
        writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._converse(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the display went away
        finally:
            if self._peer is writer:
                self._unpair(writer)
            writer.close()

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        socket_object: Any = writer.get_extra_info("socket")
        if not peer_is_same_user(socket_object):
            self._refuse(writer, msg.RefusalCode.NOT_ALLOWED)
            return
        try:
            first = await asyncio.wait_for(_read_line(reader), HELLO_SECONDS)
            hello = msg.decode_from_display(first)
        except TimeoutError:
            writer.close()
            return
        except msg.ProtocolError:
            self._refuse(writer, msg.RefusalCode.BAD_MESSAGE)
            return
        if not isinstance(hello, msg.Hello):
            self._refuse(writer, msg.RefusalCode.BAD_MESSAGE)
            return
        if hello.protocol != msg.PROTOCOL_VERSION:
            self._refuse(writer, msg.RefusalCode.UNSUPPORTED)
            return
        if self._server is None:
            self._refuse(writer, msg.RefusalCode.DESK_CLOSING)
            return
        if self._peer is not None:
            self._refuse(writer, msg.RefusalCode.ALREADY_PAIRED)
            return
        self._pair(writer)
        while self._peer is writer:
            try:
                message = msg.decode_from_display(await _read_line(reader))
            except msg.ProtocolError:
                self._refuse(writer, msg.RefusalCode.BAD_MESSAGE)
                return
            if isinstance(message, msg.Goodbye):
                return
            if isinstance(message, msg.Hello):
                self._refuse(writer, msg.RefusalCode.BAD_MESSAGE)
                return
            await self._answer(message)

    def _pair(self, writer: asyncio.StreamWriter) -> None:
        self._peer = writer
        log.info("patient display: paired")
        self._send(writer, msg.Welcome())
        self._show()  # a display that comes back mid check-in gets the current screen
        self._changed()

    def _unpair(self, writer: asyncio.StreamWriter) -> None:
        writer.close()
        if self._peer is writer:
            self._peer = None
            log.info("patient display: unpaired")
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # -- the patient's answers ---------------------------------------------------------
    async def _answer(self, answer: msg.Answer) -> None:
        event = self._event_for(answer)
        if event is None:
            return  # an answer to an earlier screen, or one this screen does not ask
        if self.dispatch is None:
            return
        self._answered = True
        await self.dispatch(event)
        if self._answered:  # the screen did not change: the display waits for a new seq
            self._show()

    def _event_for(self, answer: msg.Answer) -> ev.Event | None:
        if answer.seq != self._seq or self._answered:
            return None
        stage = self._view.stage
        if isinstance(answer, msg.PinAnswer):
            if stage is PatientStage.PIN and not (
                self._view.waiting_for_staff or self._view.on_pad
            ):
                return ev.PinEntered(pin=answer.pin)
        elif isinstance(answer, msg.NameAnswer):
            if stage is PatientStage.NAME:
                return ev.NameAnswered(is_me=answer.is_me)
        elif isinstance(answer, msg.BirthdateAnswer):
            if stage is PatientStage.BIRTHDATE:
                return ev.BirthdateTyped(birthdate=answer.birthdate)
        elif stage is PatientStage.CONSENT:
            return ev.ConsentAnswered(consent=answer.consent)
        return None


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        pass
    raise msg.ProtocolError("too_long", "The message is longer than the protocol allows.")

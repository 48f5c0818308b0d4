"""The APDU layer between the protocol and a transport.

Every command passes the card guard (an allow-list, ``reader.guard``), is timed and
recorded (PIN redacted), and gets the ISO 7816 response handling that readers leave
to the host: ``61 xx`` (GET RESPONSE until complete) and ``6C xx`` (resend with
Le = xx). The follow-up commands pass the guard too.
"""

from __future__ import annotations

import time

from reader.apdu import Response, get_response
from reader.errors import CardCommunicationError
from reader.guard import CommandGuard
from reader.pinpad import PinPad, PinPadEntry
from reader.transcript import Transcript
from reader.transport import CardTransport

_MAX_GET_RESPONSE_ROUNDS = 32


class CardChannel:
    """Sends commands through ``transport``; the only path from the protocol to a card."""

    def __init__(self, transport: CardTransport, transcript: Transcript | None = None) -> None:
        self.transport = transport
        self.transcript = transcript
        self.guard = CommandGuard()
        self.apdus_sent = 0

    def exchange(self, step: str, command: bytes) -> Response:
        """Send ``command`` (refused unless a check-in needs it) and return the answer."""
        response = self._guarded(step, command)
        if response.sw >> 8 == 0x6C and _expects_data(command):
            # The card wants the exact length: ask again with Le = SW2.
            response = self._guarded(step, command[:-1] + bytes([response.sw & 0xFF]))
        if response.sw >> 8 == 0x61:
            data = bytearray(response.data)
            for _ in range(_MAX_GET_RESPONSE_ROUNDS):
                response = self._guarded(step, get_response(response.sw & 0xFF))
                data += response.data
                if response.sw >> 8 != 0x61:
                    break
            response = Response(bytes(data), response.sw)
        return response

    def verify_on_pin_pad(
        self, step: str, template: bytes, pad: PinPad, entry: PinPadEntry
    ) -> Response:
        """Have ``pad`` complete and send the VERIFY ``template`` (its PIN block is a
        placeholder: the PIN is typed on the reader and never reaches this process)."""
        self.guard.check_pin_pad_verify(template)
        started = time.perf_counter()
        sw = pad.verify(template, entry)
        self.apdus_sent += 1
        if self.transcript is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.transcript.record(step, template, b"", sw, elapsed_ms)
        return Response(b"", sw)

    def _guarded(self, step: str, command: bytes) -> Response:
        self.guard.check(command)
        response = self._send(step, command)
        self.guard.observe(command, response)
        return response

    def _send(self, step: str, command: bytes) -> Response:
        transcript = self.transcript
        started = time.perf_counter() if transcript is not None else 0.0
        raw = self.transport.transmit(command)
        self.apdus_sent += 1
        if len(raw) < 2:
            raise CardCommunicationError("The card gave an answer without a status word.")
        response = Response(raw[:-2], (raw[-2] << 8) | raw[-1])
        if transcript is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            transcript.record(step, command, response.data, response.sw, elapsed_ms)
        return response


def _expects_data(command: bytes) -> bool:
    # Case 2 (header + Le) or case 4 (header + Lc + data + Le).
    return len(command) == 5 or (len(command) > 5 and len(command) == 6 + command[4])

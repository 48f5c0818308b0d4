"""A 資格確認端末 for the demo, the tests and support: it answers the desk's requests
from the gateway's dataset, writes face-reader results, and misbehaves on request."""

from clinic_desk.oqs.simulator.knobs import Knob, KnobKind, KnobPlan, parse_knob
from clinic_desk.oqs.simulator.terminal import TerminalSimulator, write_face_result

__all__ = [
    "Knob",
    "KnobKind",
    "KnobPlan",
    "TerminalSimulator",
    "parse_knob",
    "write_face_result",
]

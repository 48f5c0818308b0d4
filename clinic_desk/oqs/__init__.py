"""The 資格確認端末 backend: XML files in the terminal's ``req/``, ``res/`` and ``face/``.

See docs/oqs-files.md. ``OqsClient`` is the desk's entry point; ``simulator`` is a
terminal for the demo, the tests and support.
"""

from clinic_desk.oqs.client import OqsClient
from clinic_desk.oqs.errors import (
    OqsError,
    OqsFormatError,
    OqsInputError,
    OqsMismatchError,
    OqsTerminalError,
    OqsTimeout,
    OqsUnavailable,
)
from clinic_desk.oqs.face import FaceRejected, FaceResult
from clinic_desk.oqs.mapping import NumberLookup
from clinic_desk.oqs.medication import MedicationAnswer, MedicationPerson
from clinic_desk.oqs.settings import OqsSettings

__all__ = [
    "FaceRejected",
    "FaceResult",
    "MedicationAnswer",
    "MedicationPerson",
    "NumberLookup",
    "OqsClient",
    "OqsError",
    "OqsFormatError",
    "OqsInputError",
    "OqsMismatchError",
    "OqsSettings",
    "OqsTerminalError",
    "OqsTimeout",
    "OqsUnavailable",
]

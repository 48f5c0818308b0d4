"""The demo panel's face reader (a desk on the simulated 資格確認端末, ``--gateway
oqs-sim``): one entry per patient the panel can send through the face reader. The
result then arrives in ``face/`` and opens the face form as a real one does."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from clinic_desk.app.widgets.prose import PhraseText
from clinic_desk.services.desk import DeskServices
from clinic_desk.services.face_desk import SimulatedFaceReader
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

FACE_OPTION_PREFIX = "__face__"


def simulated_reader(services: DeskServices | None) -> SimulatedFaceReader | None:
    faces = services.faces if services is not None else None
    return faces.simulated if faces is not None else None


def add_face_options(options: OptionList, services: DeskServices, lang: Lang) -> None:
    """An entry per patient the simulated face reader offers (once)."""
    reader = simulated_reader(services)
    if reader is None:
        return
    for patient_id, consented in reader.patients:
        option_id = f"{FACE_OPTION_PREFIX}{patient_id}"
        try:
            options.get_option(option_id)
        except Exception:
            key: TextKey = "demo.face.consented" if consented else "demo.face.not_consented"
            options.add_option(Option(PhraseText(t(key, lang)), id=option_id))


def face_patient(option_id: str | None) -> str | None:
    """The dataset patient an entry sends through the face reader, if it is one."""
    if option_id is None or not option_id.startswith(FACE_OPTION_PREFIX):
        return None
    return option_id[len(FACE_OPTION_PREFIX) :]

"""A check-in that starts at the national face reader (a desk on a 資格確認端末).

The face reader's result names a person the desk does not trust yet. It goes through
the same stated-identity entry as a 資格確認書 (``PathFlow._state_identity``): the
receptionist types the name the patient states, in kana, and the birthdate they say
(``FaceCheckInChosen``); only then is the result's record taken (``TakeFaceResult``)
and handed to the machine as ``RecordFetched``. From there it is the card's way: the
identity gate (the stated kana against the record's kana and its name, the better
of the two), the patient's confirmation of the name and the birthdate they type, the
staff decision on a variant, and withholding with a flag exactly as a card mislink
(複数該当 included). Everything of the record is in the one ``HeldRecord``.

Medication information (薬剤情報) is asked for only when the patient agreed at the
face reader (the result says so, ``FaceResultTaken``): the desk does not ask again.
Its answer names the person once more; ``record_flow`` checks that person against
the confirmed record before a single drug is shown.

Pure and UI-free (no I/O); ``services.face_desk`` keeps the results waiting and
``services.terminal`` answers ``TakeFaceResult`` and ``FetchMedications``.
"""

from __future__ import annotations

import hashlib

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.paths import CheckInPath, PathFlow
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.state import Effects

# the result's note when the patient did not agree at the face reader to share
# their medication information
NOT_CONSENTED_AT_READER = "medications_not_consented_at_reader"


def face_key(result_id: str) -> str:
    """Where a card's certificate fingerprint goes (flags, audit): a face result has
    no card, so the SHA-256 of its result id (an id, not personal data)."""
    return hashlib.sha256(f"face:{result_id}".encode()).hexdigest()


class FacePathFlow(PathFlow):
    """The face reader's check-in, on top of the other paths."""

    _face_consent: bool

    def _reset(self) -> None:
        super()._reset()
        self._face_consent = False

    def _path_event(self, event: ev.Event) -> Effects | None:
        stage = self._stage
        if isinstance(event, pe.FaceCheckInChosen):
            return self._face_chosen(event) if stage is Stage.WAITING_FOR_CARD else []
        if isinstance(event, pe.FaceResultTaken):
            if stage is Stage.FETCHING and self._path is CheckInPath.FACE:
                self._face_consent = event.medications_consented
            return []
        return super()._path_event(event)

    def _ignores_card_removal(self) -> bool:
        """No card at the desk: a card taken off a reader does not end it."""
        return self._path is CheckInPath.FACE or super()._ignores_card_removal()

    def _face_chosen(self, event: pe.FaceCheckInChosen) -> Effects:
        self._reset()
        self.generation += 1
        self._path = CheckInPath.FACE
        key = face_key(event.result_id)
        self._certificate_sha256 = key  # flags and audit rows of this check-in
        self._state_identity(event.stated, key)
        return [
            *self._go(Stage.FETCHING),
            fx.Audit(action="face_checkin_started"),
            pe.TakeFaceResult(result_id=event.result_id),
        ]

    def _confirmed(self) -> Effects:
        if self._path is not CheckInPath.FACE or self._offline():
            return super()._confirmed()
        audit = fx.Audit(action="identity_confirmed", detail="face")
        if self._face_consent:
            self._consent = True
            return [
                audit,
                fx.Audit(action="consent_given", detail="face_reader"),
                *self._go(Stage.FETCHING_MEDICATIONS),
                fx.FetchMedications(),
            ]
        self._consent = False
        self._medications_note = NOT_CONSENTED_AT_READER
        return [audit, *self._show_online()]

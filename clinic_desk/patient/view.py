"""What the patient's display may show, and nothing more.

A ``PatientView`` is built from the desk's ``DeskView`` by ``patient_view()`` and is
all the patient display ever receives. Its type is the guarantee: every field is a
stage, a number of tries, a yes/no, or the flag reference (eight characters of a
fixed alphabet), except ``own_name``, which ``patient_view()`` fills only from the
name the desk read from the patient's own card, and only while the patient is asked
"is this you?". No field can hold a fetched record, a staff-only text, a flag reason
or an error message; the tests check that the type stays so.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.domain.flag_reference import FlagReference, normalise_reference

# Long enough for any name a card holds (the chip's name item is far shorter); a
# longer one is not shown on the patient's display and the desk asks instead.
MAX_NAME_LENGTH = 256
MAX_TRIES = 15

CardName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH)]
Tries = Annotated[int, Field(ge=0, le=MAX_TRIES)]


class PatientStage(StrEnum):
    """What the patient is asked or told."""

    WELCOME = "welcome"  # place your card
    PLEASE_WAIT = "please_wait"  # the card, the gateway or the cache is working
    PIN = "pin"  # type your PIN
    NAME = "name"  # is this you?
    BIRTHDATE = "birthdate"  # type your birthdate
    CONSENT = "consent"  # may the clinic see your medication history?
    STAFF_CHECKING = "staff_checking"  # the receptionist is checking something
    CHECKED_IN = "checked_in"  # the end: done
    NOT_CONFIRMED = "not_confirmed"  # the end: the record was withheld (with a reference)
    PAPER_FORM = "paper_form"  # the end: no online check today
    PIN_LOCKED = "pin_locked"  # the end: the card's PIN is locked
    SEE_STAFF = "see_staff"  # the end: something went wrong
    STOPPED = "stopped"  # the end: the receptionist stopped the check-in


# The stages in which the patient answers on the display.
QUESTIONS = frozenset(
    {PatientStage.PIN, PatientStage.NAME, PatientStage.BIRTHDATE, PatientStage.CONSENT}
)

ENDINGS = frozenset(
    {
        PatientStage.CHECKED_IN,
        PatientStage.NOT_CONFIRMED,
        PatientStage.PAPER_FORM,
        PatientStage.PIN_LOCKED,
        PatientStage.SEE_STAFF,
        PatientStage.STOPPED,
    }
)


class PatientView(BaseModel):
    """One screen of the patient display. Add a field only if it cannot carry record
    data (tests/patient/test_view.py holds the list of allowed field types)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    stage: PatientStage
    pin_kind: Literal["card_info", "user_auth"] = "card_info"
    tries_left: Tries | None = None
    # one try left: the receptionist confirms with the patient before they type
    waiting_for_staff: bool = False
    on_pad: bool = False  # typed on the card reader's own keypad, not on the display
    retry: bool = False  # the birthdate typed did not match the card: once more
    own_name: CardName | None = None  # read from the patient's own card
    reference: FlagReference | None = None  # the withheld record's flag, to quote


_STAGES: dict[Stage, PatientStage] = {
    Stage.WAITING_FOR_CARD: PatientStage.WELCOME,
    Stage.READING: PatientStage.PLEASE_WAIT,
    Stage.PIN_ENTRY: PatientStage.PIN,
    Stage.AUTHENTICATING: PatientStage.PLEASE_WAIT,
    Stage.FETCHING: PatientStage.PLEASE_WAIT,
    Stage.LOOKING_UP_CACHE: PatientStage.PLEASE_WAIT,
    Stage.CONFIRMING_NAME: PatientStage.NAME,
    Stage.CONFIRMING_BIRTHDATE: PatientStage.BIRTHDATE,
    Stage.STAFF_DECISION: PatientStage.STAFF_CHECKING,
    Stage.CONSENT: PatientStage.CONSENT,
    Stage.FETCHING_MEDICATIONS: PatientStage.PLEASE_WAIT,
    Stage.SHOWN: PatientStage.CHECKED_IN,
    Stage.OFFLINE_SHOWN: PatientStage.CHECKED_IN,
    Stage.WITHHELD: PatientStage.NOT_CONFIRMED,
    Stage.PAPER_FORM: PatientStage.PAPER_FORM,
    Stage.PIN_BLOCKED: PatientStage.PIN_LOCKED,
    Stage.ERROR: PatientStage.SEE_STAFF,
    Stage.CANCELLED: PatientStage.STOPPED,
}


def patient_stage(stage: Stage) -> PatientStage:
    """The patient's side of a desk stage; a stage the display does not know waits."""
    return _STAGES.get(stage, PatientStage.PLEASE_WAIT)


def patient_view(view: DeskView) -> PatientView:
    """Project the desk's view onto what the patient may see.

    Of a withheld check-in the patient is given the flag's reference to quote, once the
    flag is stored.
    """
    stage = patient_stage(view.stage)
    if view.pin_on_pad and view.stage is Stage.AUTHENTICATING:
        stage = PatientStage.PIN  # the reader's keypad is asking (or about to ask again)
    if stage is PatientStage.PIN:
        auth = view.pin_kind == "auth"
        tries = view.auth_pin_tries if auth else view.text_pin_tries
        return PatientView(
            stage=stage,
            pin_kind="user_auth" if auth else "card_info",
            tries_left=tries if tries is not None and 0 <= tries <= MAX_TRIES else None,
            waiting_for_staff=view.needs_last_try_confirmation,
            on_pad=view.pin_on_pad,
        )
    if stage is PatientStage.NAME:
        name = view.card_name
        if not name or len(name) > MAX_NAME_LENGTH:
            return PatientView(stage=PatientStage.STAFF_CHECKING)  # the desk asks instead
        return PatientView(stage=stage, own_name=name)
    if stage is PatientStage.BIRTHDATE:
        return PatientView(stage=stage, retry=view.retry_birthdate)
    if stage is PatientStage.NOT_CONFIRMED:
        reference = view.flag_reference
        valid = bool(reference) and normalise_reference(reference) == reference
        return PatientView(stage=stage, reference=reference if valid else None)
    return PatientView(stage=stage)

"""The patient display's view: a type that cannot carry a record, a staff text or a
reason, and a projection that fills the own name only from the card, only when asked."""

from __future__ import annotations

import typing
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import CheckInResult, DeskView, VariantForStaff
from clinic_desk.domain.flag_reference import FlagReference
from clinic_desk.patient.view import (
    MAX_NAME_LENGTH,
    QUESTIONS,
    CardName,
    PatientStage,
    PatientView,
    Tries,
    patient_stage,
    patient_view,
)

# Every field a PatientView may have, with its exact type. A new field must be added
# here by someone who checked that it cannot carry record data or staff-only text.
ALLOWED_FIELDS: dict[str, object] = {
    "stage": PatientStage,
    "pin_kind": typing.Literal["card_info", "user_auth"],
    "tries_left": Tries | None,
    "waiting_for_staff": bool,
    "on_pad": bool,  # the PIN is typed on the reader: a yes/no
    "retry": bool,
    "own_name": CardName | None,
    "reference": FlagReference | None,
}


def test_the_view_has_only_fields_that_cannot_carry_a_record() -> None:
    fields = {name: info.annotation for name, info in PatientView.model_fields.items()}
    assert set(fields) == set(ALLOWED_FIELDS)
    for name, annotation in fields.items():
        assert annotation == ALLOWED_FIELDS[name], name
    config = PatientView.model_config
    assert config.get("extra") == "forbid" and config.get("frozen") and config.get("strict")


def test_every_stage_has_a_patient_stage() -> None:
    for stage in Stage:
        assert isinstance(patient_stage(stage), PatientStage)
    asked = {s for s in Stage if patient_stage(s) in QUESTIONS}
    assert asked == {
        Stage.PIN_ENTRY,
        Stage.CONFIRMING_NAME,
        Stage.CONFIRMING_BIRTHDATE,
        Stage.CONSENT,
    }
    # the receptionist's own decision is never put to the patient
    assert patient_stage(Stage.STAFF_DECISION) is PatientStage.STAFF_CHECKING


# Marked values that stand for a record, staff-only words and reasons: none may reach
# the patient's view, whatever else the desk's view holds.
MARK = "RECORD-VALUE-"
marked = st.text(min_size=1, max_size=12).map(lambda s: MARK + s)
names = st.text(min_size=1, max_size=MAX_NAME_LENGTH + 20)


@st.composite
def desk_views(draw: st.DrawFn) -> DeskView:
    stage = draw(st.sampled_from(list(Stage)))
    result = CheckInResult.model_construct(
        eligibility={"insurer": draw(marked), "number": draw(marked)},
        medications=[draw(marked)],
        consented=draw(st.booleans()),
        offline_confirmed_at=None,
        medications_note=draw(marked),
    )
    variant = VariantForStaff(
        card_name=draw(marked),
        record_name=draw(marked),
        reasons=(draw(marked), "【受付担当者のみ】"),
    )
    fields: dict[str, Any] = {
        "stage": stage,
        "text_pin_tries": draw(st.one_of(st.none(), st.integers(-3, 20))),
        "auth_pin_tries": draw(st.one_of(st.none(), st.integers(-3, 20))),
        "pin_kind": draw(st.sampled_from(["text", "auth"])),
        "needs_last_try_confirmation": draw(st.booleans()),
        "retry_birthdate": draw(st.booleans()),
        "card_name": draw(st.one_of(st.none(), names)),
        "variant": draw(st.one_of(st.none(), st.just(variant))),
        "result": draw(st.one_of(st.none(), st.just(result))),
        "error_code": draw(marked),
        "error_message": "[Staff only] " + draw(marked),
        "flagged": draw(st.booleans()),
        "flag_reference": draw(st.sampled_from(["", "K7QM-XR4D", MARK, "k7qm-xr4d"])),
    }
    return DeskView.model_construct(**fields)


@settings(max_examples=500, deadline=None)
@given(desk_views())
def test_nothing_but_the_own_name_and_the_reference_crosses(view: DeskView) -> None:
    projected = patient_view(view)
    wire = projected.model_dump_json()
    assert MARK not in wire
    assert "受付担当者" not in wire and "Staff only" not in wire
    if projected.own_name is not None:
        assert view.stage is Stage.CONFIRMING_NAME and projected.stage is PatientStage.NAME
        assert projected.own_name == view.card_name
    if projected.reference is not None:
        assert view.stage is Stage.WITHHELD and projected.reference == "K7QM-XR4D"
    assert PatientView.model_validate_json(wire) == projected


def test_a_name_the_display_cannot_show_is_asked_at_the_desk() -> None:
    view = DeskView(stage=Stage.CONFIRMING_NAME, card_name="長" * (MAX_NAME_LENGTH + 1))
    assert patient_view(view) == PatientView(stage=PatientStage.STAFF_CHECKING)

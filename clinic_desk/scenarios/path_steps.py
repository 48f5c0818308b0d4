"""Fixture steps of the paths without a PIN: what the receptionist types into the
number form, the switch to the visual check, and the 被保険者資格申立書.

The fields hold what is typed, as typed (full width, hyphens): the replay checks
them as the desk's form does, and a step whose input the form would refuse does
not fit (the replay ends ``stuck`` naming the field's error).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.stages import Stage
from clinic_desk.checkin.view import DeskView
from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import NumberForm, NumberLookupInput
from reader.virtual_card.profile import CardProfile


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Typed(_Step):
    insurer: str = Field(default="", max_length=200, description="保険者番号, as typed")
    symbol: str = Field(default="", max_length=200, description="記号, as typed")
    number: str = Field(default="", max_length=200, description="番号, as typed")
    branch: str = Field(default="", max_length=200, description="枝番, as typed")
    birthdate: str = Field(default="", max_length=200, description="生年月日, as typed")
    name: str = Field(default="", max_length=200, description="the name the patient states")

    def form(self) -> NumberForm:
        return NumberForm(
            insurer=self.insurer,
            symbol=self.symbol,
            number=self.number,
            branch=self.branch,
            birthdate=self.birthdate,
            name=self.name,
        )


class LookUpNumbersStep(_Typed):
    """The receptionist types the 資格確認書's numbers and looks them up."""

    do: Literal["look_up_numbers"]


class VisualCheckStep(_Step):
    """The receptionist compares the card's photo and switches to the visual check;
    the name and birthdate are typed from the card's face ('card': the card's own)."""

    do: Literal["visual_check"]
    staff_id: str = Field(default="reception-1", max_length=64)
    name: str = Field(default="card", max_length=200)
    birthdate: date | Literal["card"] = "card"


class OpenDeclarationStep(_Step):
    """Nothing could be confirmed: the receptionist opens the 申立書."""

    do: Literal["open_declaration"]


class RecordDeclarationStep(_Typed):
    """The receptionist records what the patient states, and the share charged."""

    do: Literal["record_declaration"]
    copay_ratio: Literal[10, 20, 30] = 30


PathStep = LookUpNumbersStep | VisualCheckStep | OpenDeclarationStep | RecordDeclarationStep

PATH_STEP_STAGES: dict[str, frozenset[Stage]] = {
    "look_up_numbers": frozenset({Stage.NUMBER_ENTRY}),
    "visual_check": frozenset({Stage.PIN_ENTRY, Stage.PIN_BLOCKED}),
    "open_declaration": frozenset({Stage.NUMBER_ENTRY, Stage.PAPER_FORM}),
    "record_declaration": frozenset({Stage.DECLARATION}),
}
# endings a path step may open again (the driver plays on from them)
REOPENED_BY: dict[Stage, frozenset[str]] = {
    Stage.PIN_BLOCKED: frozenset({"visual_check"}),
    Stage.PAPER_FORM: frozenset({"open_declaration"}),
}


class PathStepMisfit(ValueError):
    """The typed input is refused by the form (the message names the field's error)."""


def _checked(step: LookUpNumbersStep | RecordDeclarationStep) -> NumberLookupInput:
    form = step.form()
    checked = form.check(utc_now().date())
    if checked is None:
        wrong = ", ".join(f"{field.value}: {key}" for field, key in form.errors.items())
        raise PathStepMisfit(f"the form refuses what '{step.do}' types ({wrong})")
    return checked


def path_action(step: PathStep, view: DeskView, profile: CardProfile) -> pe.PathEvent:
    """The event a path step causes (the stage was checked by the caller)."""
    del view
    if isinstance(step, LookUpNumbersStep):
        return pe.NumbersEntered(lookup=_checked(step))
    if isinstance(step, VisualCheckStep):
        stated = pe.StatedIdentity(
            name=profile.name if step.name == "card" else step.name,
            birthdate=profile.birthdate if step.birthdate == "card" else step.birthdate,
        )
        return pe.VisualCheckChosen(staff_id=step.staff_id, stated=stated)
    if isinstance(step, OpenDeclarationStep):
        return pe.DeclarationStarted()
    checked = _checked(step)
    return pe.DeclarationRecorded(
        declaration=InsuranceDeclaration(
            numbers=checked.numbers,
            birthdate=checked.birthdate,
            stated_name=checked.stated_name,
            copay_ratio=step.copay_ratio,
        )
    )


class FaceArrival(BaseModel):
    """A check-in that starts at the 資格確認端末's face reader (``start: "face"``): the
    reader passes ``patient`` (a dataset patient: its result is written into the
    simulator's ``face/``), and the receptionist opens it with the name and birthdate
    the patient states."""

    model_config = ConfigDict(extra="forbid")

    patient: str = Field(
        min_length=1, max_length=64, description="the dataset patient the result is about"
    )
    name: str = Field(min_length=1, max_length=64, description="the name the patient states (kana)")
    birthdate: date = Field(description="the birthdate the patient states")

    def event(self, result_id: str) -> pe.FaceCheckInChosen:
        stated = pe.StatedIdentity(name=self.name, birthdate=self.birthdate)
        return pe.FaceCheckInChosen(result_id=result_id, stated=stated)

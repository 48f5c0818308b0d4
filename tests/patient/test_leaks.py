"""Every frame the patient display draws through every scenario fixture: no value of a
record (withheld or not), no staff-only text, no reason; the card holder's own name
only on the "is this you?" screen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clinic_desk import paths
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.view import DeskView
from clinic_desk.patient.link import PatientDisplayLink
from clinic_desk.patient.view import PatientStage
from clinic_desk.patient_app.app import PatientDisplayApp
from clinic_desk.scenarios.path_steps import LookUpNumbersStep
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Outcome, Scenario
from clinic_desk.scenarios.world import card_profile, scenario_dataset
from clinic_desk.texts import CATALOGUE
from tests.patient.support import BOUND, screen_text, socket_folder
from tests.support.leaks import leaked

SCENARIOS = sorted((paths.fixtures_dir() / "scenarios").glob("*.json"))

# Words only staff may read: the staff-only mark, the flag reasons and the variant's
# labels, in both languages, and the reason codes themselves.
STAFF_ONLY = [
    "受付担当者のみ",
    "Staff only",
    *(
        text
        for key, texts in CATALOGUE.items()
        if key.startswith(("reason.", "variant.", "withheld.", "paper.cause"))
        for text in texts.values()
    ),
]


class Hook:
    """Shows the replay's check-in on the link after every event (a replay recorder in
    shape: the replay hands each event to ``observe``)."""

    def __init__(self, link: PatientDisplayLink) -> None:
        self.link = link
        self.transcript: Any = None

    def observe(self, event: ev.Event, before: DeskView, machine: CheckInMachine) -> None:
        self.link.publish(machine.view())


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def record_values(scenario: Scenario, path: Path) -> tuple[set[str], str]:
    """Every value of every record the scenario's gateway holds, and the card's name."""
    profile = card_profile(scenario, path)
    dataset = scenario_dataset(scenario, profile, path)
    values: set[str] = set()
    for entry in dataset.patients.values():
        data = entry.model_dump(mode="json", exclude={"faults", "note"})
        for text in _strings(data):
            # codes such as "male" or "active" are not personal; ids never reach a screen
            if len(text) < 2 or (text.isascii() and text.isalpha()):
                continue
            values.add(text)
            if len(text) == 10 and text[4] == "-" and text[7] == "-":  # a date, as typed
                values.add(text.replace("-", ""))
                values.add(f"{int(text[:4])}年{int(text[5:7])}月{int(text[8:])}日")
    # on a path without a chip, the name on "is this you?" is the one the patient stated
    stated = [step.name for step in scenario.steps if isinstance(step, LookUpNumbersStep)]
    if scenario.start == "face" and scenario.face is not None:  # stated at the face form
        return values, scenario.face.name
    return values, stated[0] if scenario.start == "numbers" and stated else profile.name


async def test_no_patient_display_frame_shows_a_record_or_staff_text() -> None:
    frames: list[tuple[PatientStage | None, str]] = []

    def keep(app: PatientDisplayApp) -> None:
        frames.append((app.view.stage if app.view else None, screen_text(app)))

    problems: list[str] = []
    stages_seen: set[PatientStage] = set()
    with socket_folder() as folder:
        link = PatientDisplayLink(path=folder / "p.sock")  # the replay answers, not the display
        hook = Hook(link)
        await link.start()
        app = PatientDisplayApp(link.path, lang="ja", retry_seconds=0.05, frame_observer=keep)
        try:
            async with app.run_test(size=(80, 24)) as pilot, Replayer(recorder=hook) as replayer:  # type: ignore[arg-type]
                await _until(pilot, lambda: link.paired and app.seq == link.seq)
                for number, path in enumerate(SCENARIOS):
                    # half the fixtures are watched in each language
                    app.default_lang = app.lang = "en" if number % 2 else "ja"
                    frames.clear()
                    result = await replayer.replay(path)
                    assert result.matched, (path.name, result.mismatch)
                    await _until(pilot, lambda: app.seq == link.seq)
                    if result.outcome is Outcome.WITHHELD:  # a reference to quote, every time
                        assert app.view is not None and app.view.reference, path.name
                    values, own_name = record_values(Scenario.load(path), path)
                    for stage, text in frames:
                        stages_seen.add(stage) if stage is not None else None
                        forbidden = values - {own_name}
                        if stage is not PatientStage.NAME:
                            forbidden.add(own_name)
                        found = leaked(text, forbidden) + [s for s in STAFF_ONLY if s in text]
                        if found:
                            problems.append(f"{path.name} at {stage}: {found}")
                    assert frames, f"{path.name}: the display drew nothing"
        finally:
            await link.stop()
    assert not problems, "\n".join(problems)
    # the fixtures take the display through every screen it has
    assert stages_seen == set(PatientStage), set(PatientStage) - stages_seen


async def _until(pilot: Any, done: Any) -> None:
    deadline = time.monotonic() + BOUND
    while not done():
        assert time.monotonic() < deadline, "the display did not catch up"
        await asyncio.sleep(0.01)
    await pilot.pause()

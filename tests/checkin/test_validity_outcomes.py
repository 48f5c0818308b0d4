"""Every validity state (OQSCD006) and every outcome: its own words in both languages,
its own colour class and status word, the receptionist's next step, and never
"confirmed" unless the state is 1 (valid)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import SecretStr
from textual.app import App, ComposeResult

from clinic_desk.app.widgets.prose import Prose
from clinic_desk.app.widgets.result_view import (
    OUTCOME_LOOKS,
    STATE_LOOKS,
    ResultView,
    eligibility_lines,
    outcome_classes,
    outcome_headline,
    outcome_next_step,
    state_words,
)
from clinic_desk.checkin import CheckInMachine, Stage
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.outcome import OUTCOME_OF_STATE, EligibilityOutcome, outcome_of
from clinic_desk.checkin.view import CheckInResult
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.texts import CATALOGUE, Lang
from tests.checkin.records import eligibility

LANGS: tuple[Lang, ...] = ("ja", "en")
V = ValidityState
EO = EligibilityOutcome
CARD = CardIdentity(
    name="小林　幸子", birthdate=date(1958, 3, 3), sex="2", certificate_sha256="c" * 64
)
SAME = ev.RecordIdentity(name="小林 幸子", birthdate=date(1958, 3, 3))

# state -> (where the check-in ends, the outcome, a record on screen, words the next step needs)
TABLE = {
    V.VALID: (Stage.SHOWN, EO.CONFIRMED, True, {"ja": "負担割合", "en": "copay"}),
    V.INVALID: (
        Stage.SHOWN,
        EO.COVERAGE_ENDED,
        True,
        {"ja": "被保険者資格申立書", "en": "self-declaration of coverage"},
    ),
    V.INVALID_NEWER_EXISTS: (
        Stage.SHOWN,
        EO.NEWER_COVERAGE,
        True,
        {"ja": "新しい保険", "en": "new insurance"},
    ),
    V.NOT_FOUND: (
        Stage.PAPER_FORM,
        EO.NO_RECORD,
        False,
        {"ja": "被保険者資格申立書（紙）", "en": "paper self-declaration"},
    ),
    V.SEVERAL_MATCH: (Stage.WITHHELD, EO.SEVERAL_MATCH, False, {"ja": "紙", "en": "paper form"}),
}
CONFIRMED = {"ja": ("確認が完了", "確認済み"), "en": ("Eligibility confirmed", "CONFIRMED")}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
LATIN = re.compile(r"[A-Za-z]")


def checked_in(state: ValidityState) -> CheckInMachine:
    m = CheckInMachine()
    m.handle(ev.CardInserted(reader="r"))
    m.handle(
        ev.CardRead(text_pin_tries=3, auth_pin_tries=3, certificate_sha256=CARD.certificate_sha256)
    )
    m.handle(ev.PinEntered(pin=SecretStr("1234")))
    m.handle(ev.CardIdentityRead(identity=CARD))
    m.handle(ev.Authenticated())
    m.handle(
        ev.RecordFetched(patient_ref="Patient/p1", identity=SAME, eligibility=eligibility(state))
    )
    if m.stage is Stage.CONFIRMING_NAME:
        m.handle(ev.NameAnswered(is_me=True))
        m.handle(ev.BirthdateTyped(birthdate=CARD.birthdate))
        m.handle(ev.ConsentAnswered(consent=False))
    return m


def test_every_state_has_one_outcome_and_every_outcome_one_state() -> None:
    assert set(OUTCOME_OF_STATE) == set(ValidityState) == set(STATE_LOOKS) == set(TABLE)
    assert sorted(OUTCOME_OF_STATE.values()) == sorted(EligibilityOutcome)
    assert set(OUTCOME_LOOKS) == set(EligibilityOutcome)
    assert [o for o in EligibilityOutcome if o.confirms_eligibility] == [EO.CONFIRMED]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", list(ValidityState))
def test_each_state_ends_in_its_own_outcome_with_its_own_words(
    state: ValidityState, lang: Lang
) -> None:
    stage, outcome, on_screen, needs = TABLE[state]
    m = checked_in(state)
    view = m.view()
    assert m.stage is stage and view.outcome is outcome is outcome_of(state)
    assert (view.result is not None) is on_screen
    if view.result is not None:
        assert view.result.outcome is outcome
    assert view.flagged is (state is V.SEVERAL_MATCH)

    word = STATE_LOOKS[state].word
    look = OUTCOME_LOOKS[outcome]
    texts = {key: CATALOGUE[key][lang] for key in (word, look.word, look.title, look.next_step)}
    assert all(text.strip() for text in texts.values())
    headline, next_step = outcome_headline(outcome, lang), outcome_next_step(outcome, lang)
    # a status word in the words themselves, not colour alone
    assert CATALOGUE[look.word][lang] in headline and CATALOGUE[look.word][lang] in next_step
    assert needs[lang] in next_step
    assert CATALOGUE[word][lang] in state_words(state, lang) and str(state.value) in state_words(
        state, lang
    )
    for text in (*texts.values(), headline, next_step):
        if lang == "ja":
            assert not LATIN.search(text), text
        else:
            assert not JAPANESE.search(text), text
    said_confirmed = any(w in headline for w in CONFIRMED[lang])
    assert said_confirmed is (state is V.VALID)


@pytest.mark.parametrize("lang", LANGS)
def test_states_and_outcomes_never_share_words_or_colours(lang: Lang) -> None:
    state_words_ = [CATALOGUE[look.word][lang] for look in STATE_LOOKS.values()]
    assert len(set(state_words_)) == len(state_words_)
    for part in ("word", "title", "next_step"):
        said = [CATALOGUE[getattr(look, part)][lang] for look in OUTCOME_LOOKS.values()]
        assert len(set(said)) == len(said), part
    classes = [look.css_class for look in STATE_LOOKS.values()]
    classes += [look.css_class for look in OUTCOME_LOOKS.values()]
    assert len(set(classes)) == len(classes)
    assert outcome_classes(EO.COVERAGE_ENDED, V.INVALID) == {
        "-outcome-coverage-ended",
        "-validity-2",
    }


@pytest.mark.parametrize("lang", LANGS)
def test_a_lost_coverage_reads_as_lost_in_every_line(lang: Lang) -> None:
    lines = eligibility_lines(eligibility(V.INVALID), lang)
    assert lines[0] == {"ja": "資格: 2 · 無効", "en": "Status: 2 · invalid"}[lang]
    assert lines[-1].endswith({"ja": "（喪失）", "en": "(cancelled)"}[lang])
    if lang == "ja":
        assert not any(LATIN.search(line) for line in lines)


class _Host(App[None]):
    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang: Lang = lang

    def compose(self) -> ComposeResult:
        yield ResultView(self.lang, id="result")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", [V.VALID, V.INVALID, V.INVALID_NEWER_EXISTS])
async def test_the_result_screen_shows_word_next_step_and_colour(
    state: ValidityState, lang: Lang
) -> None:
    app = _Host(lang)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ResultView)
        view.show(CheckInResult(eligibility=eligibility(state)))
        await pilot.pause()
        banner = app.query_one("#outcome", Prose)
        outcome = outcome_of(state)
        assert banner.text == outcome_next_step(outcome, lang)
        assert banner.classes >= outcome_classes(outcome, state)
        view.show(
            CheckInResult(eligibility=eligibility(V.VALID if state is not V.VALID else V.INVALID))
        )
        await pilot.pause()
        assert not banner.classes & outcome_classes(outcome, state)
        view.show(None)
        await pilot.pause()
        assert banner.text == ""

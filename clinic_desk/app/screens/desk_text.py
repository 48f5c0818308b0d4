"""What the reception screen says at each stage, in the desk's language.

Pure functions of a ``DeskView``: the screen decides where the words go.
"""

from __future__ import annotations

from clinic_desk.app.patient_side import PatientSide
from clinic_desk.app.screens.certificate_text import certificate_lines
from clinic_desk.app.widgets.result_view import outcome_headline, outcome_next_step
from clinic_desk.checkin import DeskView, Stage
from clinic_desk.domain.reverification import VisitAttention
from clinic_desk.identity.model import REASON_TEXTS
from clinic_desk.texts import Lang, plural, t
from clinic_desk.texts.codes import DESK_REASONS, FIELDS, GATE_REASONS, words
from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.paths import PATH_STAGE_PROMPTS
from clinic_desk.texts.patient import dt
from clinic_desk.texts.pinpad import PAD_ERRORS, padt

PROMPTS: dict[Stage, TextKey] = {
    Stage.WAITING_FOR_CARD: "stage.waiting_for_card",
    Stage.READING: "stage.reading",
    Stage.PIN_ENTRY: "stage.pin_entry",
    Stage.AUTHENTICATING: "stage.authenticating",
    Stage.FETCHING: "stage.fetching",
    Stage.LOOKING_UP_CACHE: "stage.looking_up_cache",
    Stage.CONFIRMING_NAME: "stage.confirming_name",
    Stage.CONFIRMING_BIRTHDATE: "stage.confirming_birthdate",
    Stage.STAFF_DECISION: "stage.staff_decision",
    Stage.CONSENT: "stage.consent",
    Stage.FETCHING_MEDICATIONS: "stage.fetching_medications",
    Stage.SHOWN: "stage.shown",
    Stage.OFFLINE_SHOWN: "stage.offline_shown",
    Stage.WITHHELD: "stage.withheld",
    Stage.PAPER_FORM: "stage.paper_form",
    Stage.PIN_BLOCKED: "stage.pin_blocked",
    Stage.ERROR: "stage.error",
    Stage.CANCELLED: "stage.cancelled",
}
PROMPTS.update({Stage(stage): key for stage, key in PATH_STAGE_PROMPTS.items()})

# why a check-in stopped with an error (the check-in's error codes)
_READER: TextKey = "error.card_reader"
_DATA: TextKey = "error.card_data"
ERRORS: dict[str, TextKey] = {
    "card_changed": "error.card_changed",
    "card_card_removed": "error.card_removed",
    "card_no_card": "error.card_removed",
    "card_not_a_my_number_card": "error.card_not_a_my_number_card",
    "card_reader_unavailable": _READER,
    "card_service_not_running": _READER,
    "card_no_reader": _READER,
    "card_ambiguous_reader": _READER,
    "card_reader_unplugged": _READER,
    "card_reader_busy": _READER,
    "card_virtual_reader_refused": _READER,
    "card_card_communication_error": _DATA,
    "card_malformed_card_data": _DATA,
    "card_card_file_missing": _DATA,
    "card_unexpected_status": _DATA,
    "card_security_status_not_satisfied": _DATA,
    "gateway_unavailable": "error.gateway_unavailable",
    "card_at_face_reader": "error.card_at_face_reader",  # a 資格確認端末 desk
    "visual_unavailable": "error.visual_unavailable",  # a backend with no visual check
    "face_result_gone": "error.face_result_gone",  # a face result opened elsewhere
}
# the gateway's refusals of a card (its reason codes, as the check-in names them)
GATEWAY_REFUSALS = frozenset(
    {
        "bad_signature",
        "certificate_invalid",
        "certificate_untrusted",
        "certificate_expired",
        "certificate_key_usage",
        "certificate_unlinked",
        "nonce_unknown",
        "nonce_replayed",
        "nonce_expired",
        "forbidden",
        "rejected",
    }
)

# the gate's reasons arrive as its fixed English sentences: back to their codes
_GATE_CODES = {text: code.value for code, text in REASON_TEXTS.items()}


def error_words(code: str, lang: Lang) -> str:
    pad = PAD_ERRORS.get(code)
    if pad is not None:
        return padt(pad, lang)
    key = ERRORS.get(code)
    if key is not None:
        return t(key, lang)
    if code in GATEWAY_REFUSALS:
        return t("error.gateway_refused", lang, code=code)
    return t("error.generic", lang, code=code or "-")


def prompt(view: DeskView, lang: Lang, on_display: bool = False, tapping: bool = False) -> str:
    """The first block of text; ``on_display``: what the patient is doing on the patient
    display; ``tapping``: a demo card is on its way to the reader."""
    stage = view.stage
    if tapping:
        return t("stage.reading", lang)
    on_pad = view.pin_on_pad and stage in (Stage.PIN_ENTRY, Stage.AUTHENTICATING)
    if on_pad and not view.needs_last_try_confirmation:  # the reader's keypad asks
        return padt("desk.on_display" if on_display else "prompt", lang)
    if on_display:
        return PatientSide.asking(view, lang)
    if stage is Stage.PIN_ENTRY and view.pin_kind == "auth":
        return t("stage.pin_entry.auth", lang)
    if stage is Stage.ERROR:
        return t("stage.error", lang, message=error_words(view.error_code, lang))
    if stage in (Stage.SHOWN, Stage.WITHHELD, Stage.PAPER_FORM) and view.outcome is not None:
        # never "confirmed" for 2, 3 or 4; for 4 and 5 what it means, said once
        return outcome_headline(view.outcome, lang)
    if stage is Stage.OFFLINE_SHOWN:
        if view.outcome is not None and not view.outcome.confirms_eligibility:
            return t("stage.offline_shown.unconfirmed", lang)
        result = view.result
        when = result.offline_confirmed_at if result is not None else None
        return t("stage.offline_shown", lang, date=when.date().isoformat() if when else "—")
    return t(PROMPTS[stage], lang)


def tries_left(view: DeskView) -> int | None:
    return view.auth_pin_tries if view.pin_kind == "auth" else view.text_pin_tries


def pin_lines(view: DeskView, lang: Lang, *, wrong: bool, kept: bool) -> list[str]:
    """Tries left, a wrong PIN, and the last-try warning (kept after the receptionist's C)."""
    tries = tries_left(view)
    lines: list[str] = []
    if wrong:
        lines.append(t("pin.wrong", lang))
    if tries is not None:
        lines.append(t(plural(tries, "pin.one_try_left", "pin.tries_left"), lang, tries=tries))
    if view.needs_last_try_confirmation or tries == 1:
        lines.append(t("pin.last_try", lang))
        if view.needs_last_try_confirmation:
            lines.append(t("pin.last_try.kept" if kept else "pin.last_try.ask", lang))
        else:
            lines.append(t("pin.last_try.allowed", lang))
    if view.pin_on_pad:
        lines.append(padt("detail", lang))
    return lines


class PinWatch:
    """Follows one check-in's PIN entries: was the last PIN wrong (the tries left went
    down), and are typed digits waiting for the receptionist's C."""

    def __init__(self) -> None:
        self.seen: tuple[int | None, int | None] | None = None
        self.wrong = False
        self.kept = False

    def see(self, before: DeskView, view: DeskView) -> None:
        if view.stage not in (Stage.PIN_ENTRY, Stage.AUTHENTICATING):
            self.seen, self.wrong, self.kept = None, False, False
            return
        if view.stage is not Stage.PIN_ENTRY:
            return
        tries = (view.text_pin_tries, view.auth_pin_tries)
        if before.stage is Stage.AUTHENTICATING and self.seen is not None:
            self.wrong = any(
                now is not None and was is not None and now < was
                for now, was in zip(tries, self.seen, strict=True)
            )
        self.seen = tries
        if not view.needs_last_try_confirmation:
            self.kept = False


def gate_reasons(reasons: tuple[str, ...], lang: Lang) -> str:
    return t("reasons.separator", lang).join(
        words(GATE_REASONS, _GATE_CODES.get(r, r), lang) for r in reasons
    )


def detail(view: DeskView, lang: Lang, *, on_display: bool = False) -> str:
    """The second block of text: what the patient or the receptionist needs now, then
    what the card's certificate means (expires soon, eligibility only, refused);
    ``on_display``: the patient answers on the patient display, not with the desk's keys."""
    said = _detail(view, lang, on_display=on_display)
    lines = certificate_lines(view, lang)
    return "\n\n".join(part for part in (said, "\n".join(lines)) if part)


def _detail(view: DeskView, lang: Lang, *, on_display: bool) -> str:
    stage = view.stage
    keys = "" if on_display else t("confirm.keys", lang)
    if stage is Stage.CONFIRMING_NAME and view.card_name:
        return f"\n    {view.card_name}\n\n{keys}"
    if stage is Stage.CONFIRMING_BIRTHDATE and view.retry_birthdate:
        return t("birthdate.retry", lang)
    if stage is Stage.STAFF_DECISION and view.variant is not None:
        return (
            f"{t('variant.card', lang)}:   {view.variant.card_name}\n"
            f"{t('variant.record', lang)}: {view.variant.record_name}\n"
            f"{gate_reasons(view.variant.reasons, lang)}\n\n{t('variant.keys', lang)}"
        )
    if stage is Stage.CONSENT:
        return keys
    lines: list[str] = []
    if stage in (Stage.WITHHELD, Stage.PAPER_FORM) and view.outcome is not None:
        # validity 4 or 5 (the headline is the prompt): the one next step
        lines = [outcome_next_step(view.outcome, lang)]
    if stage is Stage.WITHHELD and view.flagged:
        codes = [r.value for r in view.flag_reasons] or [view.error_code]
        reasons = t("reasons.separator", lang).join(words(DESK_REASONS, c, lang) for c in codes)
        lines.append(t("withheld.staff", lang, reason=reasons))
        if view.flag_reference:  # the patient's to quote: read it out or write it down
            lines.append(dt("reference", lang, reference=view.flag_reference))
        return "\n".join(lines)
    if stage is Stage.PAPER_FORM and lines:
        return "\n".join(lines)
    if stage is Stage.PAPER_FORM and view.error_code:
        return t("paper.cause", lang, cause=words(DESK_REASONS, view.error_code, lang))
    if stage is Stage.ERROR and lang == "en" and view.error_message:
        return view.error_message
    return ""


def notices(attention: tuple[VisitAttention, ...], lang: Lang) -> str:
    """Offline visits whose re-check came back changed or rejected, for the counter."""
    lines = [t("visits.title", lang)]
    for visit in attention:
        when = f"{visit.checked_in_at.astimezone():%Y-%m-%d %H:%M}"
        if visit.status == "changed":
            named = ("・" if lang == "ja" else ", ").join(
                words(FIELDS, field, lang) for field in visit.changed
            )
            lines.append(t("visits.changed", lang, when=when, fields=named))
        elif visit.flagged:
            lines.append(t("visits.flagged", lang, when=when))
        else:
            lines.append(t("visits.rejected", lang, when=when))
    lines.append(t("visits.seen", lang))
    return "\n".join(lines)

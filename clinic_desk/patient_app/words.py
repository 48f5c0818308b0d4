"""The words of one patient-display screen, from a ``PatientView`` and a language.

Kept apart from the widgets so that what the patient reads is one small function of
what the display may know.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_desk.patient.view import ENDINGS, PatientStage, PatientView
from clinic_desk.texts import Lang
from clinic_desk.texts.patient import PatientTextKey, pt
from clinic_desk.texts.pinpad import padt

_PROMPTS: dict[PatientStage, PatientTextKey] = {
    PatientStage.WELCOME: "welcome",
    PatientStage.PLEASE_WAIT: "please_wait",
    PatientStage.PIN: "pin.card_info",
    PatientStage.NAME: "name.question",
    PatientStage.BIRTHDATE: "birthdate.question",
    PatientStage.CONSENT: "consent.question",
    PatientStage.STAFF_CHECKING: "staff_checking",
    PatientStage.CHECKED_IN: "checked_in",
    PatientStage.NOT_CONFIRMED: "not_confirmed",
    PatientStage.PAPER_FORM: "paper_form",
    PatientStage.PIN_LOCKED: "pin_locked",
    PatientStage.SEE_STAFF: "see_staff",
    PatientStage.STOPPED: "stopped",
}


@dataclass(frozen=True)
class Words:
    prompt: str
    detail: str = ""
    highlight: str = ""  # the own name, or the reference: shown large, in a box
    highlight_label: str = ""
    after: str = ""  # below the box: whom to contact, take your card
    keys: str = ""


def words_for(view: PatientView, lang: Lang) -> Words:
    """What the patient reads for ``view``."""
    stage = view.stage
    prompt = pt(_PROMPTS[stage], lang)
    language = pt("keys.language", lang)
    if stage is PatientStage.PIN:
        if view.pin_kind == "user_auth":
            prompt = pt("pin.user_auth", lang)
        if view.waiting_for_staff:
            return Words(prompt, pt("pin.waiting_for_staff", lang), keys=language)
        detail = ""
        if view.tries_left is not None:
            key: PatientTextKey = "pin.one_try_left" if view.tries_left == 1 else "pin.tries_left"
            detail = pt(key, lang, tries=view.tries_left)
        if view.on_pad:
            return Words(padt("prompt", lang), detail, after=padt("detail", lang), keys=language)
        return Words(prompt, detail, keys=f"{pt('keys.enter', lang)}   {language}")
    if stage is PatientStage.NAME:
        yes_no = pt("keys.yes_no", lang)
        return Words(prompt, highlight=view.own_name or "", keys=f"{yes_no}   {language}")
    if stage is PatientStage.BIRTHDATE:
        detail = pt("birthdate.retry", lang) if view.retry else ""
        return Words(prompt, detail, keys=f"{pt('keys.enter', lang)}   {language}")
    if stage is PatientStage.CONSENT:
        return Words(prompt, keys=f"{pt('keys.yes_no', lang)}   {language}")
    if stage is PatientStage.NOT_CONFIRMED:
        if view.reference is None:
            after = f"{pt('not_confirmed.contact_clinic', lang)}\n\n{pt('take_card', lang)}"
            return Words(prompt, after=after, keys=language)
        return Words(
            prompt,
            highlight=view.reference,
            highlight_label=pt("not_confirmed.reference", lang),
            after=f"{pt('not_confirmed.contact', lang)}\n\n{pt('take_card', lang)}",
            keys=language,
        )
    if stage in ENDINGS:
        return Words(prompt, after=pt("take_card", lang), keys=language)
    return Words(prompt, keys=language)

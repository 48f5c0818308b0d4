"""A flag's detail in words: the chip's identity and the insurer reference, never the
linked record's content."""

from __future__ import annotations

from clinic_desk.manager.review import FlagDetail, ReferenceState, reason_words, status_words
from clinic_desk.texts import Lang, t
from clinic_desk.texts.codes import SEX, words
from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.patient import dt

_REFERENCE: dict[ReferenceState, TextKey] = {
    ReferenceState.NOT_KEPT: "review.detail.not_kept",
    ReferenceState.NO_KEY: "review.detail.no_key",
    ReferenceState.BROKEN: "review.detail.broken",
}


def render_detail(detail: FlagDetail, lang: Lang) -> str:
    flag = detail.flag
    card = flag.card_identity
    lines = [
        f"{t('review.detail.flag', lang)}: {flag.id}   "
        f"{flag.created_at.astimezone():%Y-%m-%d %H:%M}   {flag.desk_id}",
        f"{reason_words(flag.reason, lang)}   [{status_words(flag.status, lang)}]",
        f"{dt('review.reference', lang)}: {detail.patient_reference}",
        "",
        t("review.detail.card", lang),
        f"  {t('review.detail.name', lang)}: {card.get('name', '')}",
        f"  {t('review.detail.birthdate', lang)}: {card.get('birthdate', '')}",
        f"  {t('review.detail.sex', lang)}: {words(SEX, str(card.get('sex', '')), lang)}",
        f"  {t('review.detail.certificate', lang)}: {card.get('certificate_sha256', '')}",
        "",
        t("review.detail.linked", lang),
    ]
    state = detail.reference_state
    if state is ReferenceState.UNSEALED and detail.reference is not None:
        lines += [f"  {line}" for line in detail.reference.insurer_reference.splitlines()]
        if detail.reference.linked_record_ref:
            lines.append(
                f"  {t('review.detail.linked_ref', lang)}: {detail.reference.linked_record_ref}"
            )
    else:
        lines.append("  " + t(_REFERENCE.get(state, "review.detail.not_kept"), lang))
        if detail.gateway_ref:
            lines.append(f"  {t('review.detail.linked_ref', lang)}: {detail.gateway_ref}")
    if flag.reported_at is not None:
        lines += [
            "",
            t(
                "review.detail.reported",
                lang,
                date=f"{flag.reported_at.astimezone():%Y-%m-%d}",
                contact=flag.insurer_contact or "",
            ),
        ]
    if flag.resolved_at is not None:
        lines.append(
            t(
                "review.detail.resolved",
                lang,
                date=f"{flag.resolved_at.astimezone():%Y-%m-%d}",
                note=flag.resolution_note or "",
            )
        )
    if detail.history:
        lines += ["", t("review.detail.history", lang)]
        for move in detail.history:
            extra = move.note or move.insurer_contact or ""
            lines.append(
                f"  {move.at.astimezone():%Y-%m-%d %H:%M}  "
                f"{status_words(move.from_status, lang)} → "
                f"{status_words(move.to_status, lang)}  {extra}"
            )
    return "\n".join(lines)

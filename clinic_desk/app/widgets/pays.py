"""What a confirmed result says about money and about the next insurance.

Pure functions of a ``CheckInResult``: the ratio the desk applies today and why
(insured or dependent, 高齢受給者, 限度額適用 with consent, 特定疾病, 公費), and for
validity 2 and 3 what to ask the patient (the newer insurer when the answer names
it). Warnings begin with their own word (注意 / Check), never colour alone.
"""

from __future__ import annotations

from datetime import date

from clinic_desk.checkin.view import CheckInResult
from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.copay import copay_decision, ratio_text
from clinic_desk.domain.coverage import Coverage, EligibilityRecord, ValidityState
from clinic_desk.texts import Lang, t

INDENT = "  "


def answer_day(result: CheckInResult) -> date:
    """The day the record's dates are judged against: the answer's, else today."""
    if result.checked_on is not None:
        return result.checked_on
    return utc_now().date()


def current_coverage(record: EligibilityRecord) -> Coverage | None:
    return record.current or (record.coverages[0] if record.coverages else None)


def pays_lines(result: CheckInResult, lang: Lang) -> list[str]:
    """The copay to apply and its reasons; none unless the eligibility is confirmed."""
    coverage = current_coverage(result.eligibility)
    if coverage is None or not result.outcome.confirms_eligibility:
        return []
    decision = copay_decision(coverage, answer_day(result))
    lines = [t("pays.ratio", lang, ratio=ratio_text(decision.ratio, lang))]
    lines += [INDENT + line for line in decision.lines(lang)]
    return lines


def guidance_lines(record: EligibilityRecord, lang: Lang) -> list[str]:
    """Validity 2 and 3: what happened and what to ask (the newer insurer, if named)."""
    if record.state not in (ValidityState.INVALID, ValidityState.INVALID_NEWER_EXISTS):
        return []
    guidance = record.guidance()
    newer = guidance.newer
    lines = [t(guidance.key, lang)]
    if newer is not None and (newer.insurer_name or newer.insurer_number or newer.valid_from):
        lines.append(
            INDENT
            + t(
                "validity.3.newer",
                lang,
                insurer=newer.insurer_name or "—",
                number=newer.insurer_number or "—",
                since=newer.valid_from.isoformat() if newer.valid_from else "—",
            )
        )
    if guidance.ask_key is not None:
        insurer = newer.insurer_name if newer is not None and newer.insurer_name else ""
        lines.append(t(guidance.ask_key, lang, insurer=insurer))
    return lines

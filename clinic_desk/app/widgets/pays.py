"""What a result says about money and about the next insurance.

Pure functions of a ``CheckInResult``: the ratio the desk applies today and why
(insured or dependent, 高齢受給者, 限度額適用 with consent, 特定疾病, 公費); for a record
that is not confirmed (validity 2, 3) that its ratio does not apply, and for 3 the
newer qualification the answer names. What to ask the patient is the outcome's one
next step (``result_view.next_step``), said once. Warnings begin with their own word
(注意 / Check), never colour alone.
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
    """The copay to apply and its reasons; for a record that is not confirmed, that its
    ratio does not apply (never a share to charge as if insured)."""
    coverage = current_coverage(result.eligibility)
    if not result.outcome.confirms_eligibility:
        return [t("pays.not_confirmed", lang)]
    if coverage is None:
        return []
    decision = copay_decision(coverage, answer_day(result))
    lines = [t("pays.ratio", lang, ratio=ratio_text(decision.ratio, lang))]
    lines += [INDENT + line for line in decision.lines(lang)]
    return lines


def guidance_lines(record: EligibilityRecord, lang: Lang) -> list[str]:
    """Validity 3: the newer qualification, when the answer names it (what happened is
    the headline, what to ask the next step: neither is said twice)."""
    if record.state is not ValidityState.INVALID_NEWER_EXISTS:
        return []
    newer = record.guidance().newer
    if newer is None or not (newer.insurer_name or newer.insurer_number or newer.valid_from):
        return []
    return [
        t(
            "validity.3.newer",
            lang,
            insurer=newer.insurer_name or "—",
            number=newer.insurer_number or "—",
            since=newer.valid_from.isoformat() if newer.valid_from else "—",
        )
    ]


def newer_insurer(record: EligibilityRecord) -> str:
    """The newer insurer's name of a validity 3 answer ("" when it names none)."""
    newer = record.guidance().newer
    return newer.insurer_name if newer is not None and newer.insurer_name else ""

"""Codes in words: explicit maps from the codes the desk stores to catalogue keys.

Codes come from the cache, the gateway and the identity gate; their words live in
the catalogue. A code without an entry is shown as the code itself (a code is not
prose, so it is the same in both languages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey

Code = TypeVar("Code", str, int)

# why a check-in withheld a record, as the desk tells the receptionist
DESK_REASONS: dict[str, TextKey] = {
    "name_mismatch": "reason.name_mismatch",
    "birthdate_mismatch": "reason.birthdate_mismatch",
    "patient_said_not_me": "reason.patient_said_not_me",
    "typed_birthdate_differs": "reason.typed_birthdate_differs",
    "several_qualifications": "reason.several_qualifications",
    "revoked_certificate": "reason.revoked_certificate",
    "variant_rejected_by_staff": "reason.variant_rejected_by_staff",
    "gateway_unavailable_nothing_cached": "reason.gateway_unavailable_nothing_cached",
    "no_qualification_found": "reason.no_qualification_found",
    "newer_coverage": "reason.newer_coverage",
}

# a flag's reason, as the manager's queue names it
FLAG_REASONS: dict[str, TextKey] = {
    "name_mismatch": "review.reason.name_mismatch",
    "birthdate_mismatch": "review.reason.birthdate_mismatch",
    "patient_said_not_me": "review.reason.patient_said_not_me",
    "typed_birthdate_differs": "review.reason.typed_birthdate_differs",
    "several_qualifications": "review.reason.several_qualifications",
    "revoked_certificate": "review.reason.revoked_certificate",
    "variant_rejected_by_staff": "review.reason.variant_rejected_by_staff",
    "mislink_found_after_offline_checkin": "review.reason.mislink_found_after_offline_checkin",
    "several_qualifications_after_offline_checkin": (
        "review.reason.several_qualifications_after_offline_checkin"
    ),
    "revoked_certificate_after_offline_checkin": (
        "review.reason.revoked_certificate_after_offline_checkin"
    ),
    "newer_coverage": "review.reason.newer_coverage",
}

FLAG_STATUSES: dict[str, TextKey] = {
    "open": "review.status.open",
    "reported": "review.status.reported",
    "resolved": "review.status.resolved",
}

# FHIR Coverage.status
COVERAGE_STATUS: dict[str, TextKey] = {
    "active": "coverage.active",
    "cancelled": "coverage.cancelled",
    "draft": "coverage.draft",
    "entered-in-error": "coverage.entered-in-error",
}

RELATIONSHIP: dict[str, TextKey] = {
    "insured": "result.insured",
    "dependent": "result.dependent",
}

# the identity gate's reason codes (clinic_desk.identity.ReasonCode values)
GATE_REASONS: dict[str, TextKey] = {
    "birthdate-same": "gate.birthdate-same",
    "birthdate-differs": "gate.birthdate-differs",
    "name-same": "gate.name-same",
    "name-same-normalised": "gate.name-same-normalised",
    "name-kanji-variant": "gate.name-kanji-variant",
    "name-small-kana": "gate.name-small-kana",
    "name-iteration-mark": "gate.name-iteration-mark",
    "name-variation-selector": "gate.name-variation-selector",
    "name-latin-accent": "gate.name-latin-accent",
    "record-name-unknown-characters": "gate.record-name-unknown-characters",
    "name-differs": "gate.name-differs",
    "name-length-differs": "gate.name-length-differs",
    "card-name-empty": "gate.card-name-empty",
    "record-name-empty": "gate.record-name-empty",
    "card-name-unknown-mark": "gate.card-name-unknown-mark",
    "record-name-unreadable": "gate.record-name-unreadable",
}

# coverage items that a re-verification can find changed
FIELDS: dict[str, TextKey] = {
    "insurer_number": "field.insurer_number",
    "symbol": "field.symbol",
    "number": "field.number",
    "branch": "field.branch",
    "copay_ratio": "field.copay_ratio",
    "period_start": "field.period_start",
    "period_end": "field.period_end",
    "validity": "field.validity",
}

# sex as the card's basic four items code it
SEX: dict[str, TextKey] = {"1": "review.sex.1", "2": "review.sex.2", "9": "review.sex.9"}


def words(mapping: Mapping[Code, TextKey], code: Code, lang: Lang) -> str:
    """``code`` in words from ``mapping``; the code itself when it has no words."""
    key = mapping.get(code)
    return t(key, lang) if key is not None else str(code)

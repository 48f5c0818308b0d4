"""The stages of one check-in and the outcomes it can end in."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    WAITING_FOR_CARD = "waiting_for_card"
    READING = "reading"
    PIN_ENTRY = "pin_entry"
    AUTHENTICATING = "authenticating"
    FETCHING = "fetching"
    LOOKING_UP_CACHE = "looking_up_cache"
    CONFIRMING_NAME = "confirming_name"
    CONFIRMING_BIRTHDATE = "confirming_birthdate"
    STAFF_DECISION = "staff_decision"
    CONSENT = "consent"
    FETCHING_MEDICATIONS = "fetching_medications"
    # the reception paths without a PIN (checkin/paths.py)
    NUMBER_ENTRY = "number_entry"
    LOOKING_UP_NUMBERS = "looking_up_numbers"
    DECLARATION = "declaration"
    # where a check-in ends
    SHOWN = "shown"
    OFFLINE_SHOWN = "offline_shown"
    WITHHELD = "withheld"
    PAPER_FORM = "paper_form"
    PIN_BLOCKED = "pin_blocked"
    ERROR = "error"
    CANCELLED = "cancelled"
    DECLARED = "declared"  # a 被保険者資格申立書 recorded, queued for re-check


ENDINGS = frozenset(
    {
        Stage.SHOWN,
        Stage.OFFLINE_SHOWN,
        Stage.WITHHELD,
        Stage.PAPER_FORM,
        Stage.PIN_BLOCKED,
        Stage.ERROR,
        Stage.CANCELLED,
        Stage.DECLARED,
    }
)

# Stages in which the machine waits for a person rather than for the card or the network.
WAITING_FOR_PEOPLE = frozenset(
    {
        Stage.PIN_ENTRY,
        Stage.CONFIRMING_NAME,
        Stage.CONFIRMING_BIRTHDATE,
        Stage.STAFF_DECISION,
        Stage.CONSENT,
        Stage.NUMBER_ENTRY,
        Stage.DECLARATION,
    }
)


class FlagReason(StrEnum):
    """Why a record was withheld; what the manager's queue shows."""

    NAME_MISMATCH = "name_mismatch"
    BIRTHDATE_MISMATCH = "birthdate_mismatch"
    PATIENT_SAID_NOT_ME = "patient_said_not_me"
    TYPED_BIRTHDATE_DIFFERS = "typed_birthdate_differs"
    SEVERAL_QUALIFICATIONS = "several_qualifications"
    REVOKED_CERTIFICATE = "revoked_certificate"
    VARIANT_REJECTED = "variant_rejected_by_staff"
    # not a withheld record: a visit shown with validity 3 (無効・新しい資格あり), listed
    # in the manager's review for the claims clerk (the claim goes to the newer insurer)
    NEWER_COVERAGE = "newer_coverage"


# Several reasons are kept as one flag code, joined in the order they were found
# (the flag queue stores one short ASCII code; a reader that knows one reason only
# still shows the whole code).
REASON_SEPARATOR = "/"


def join_reasons(reasons: tuple[FlagReason, ...]) -> str:
    """One flag code for ``reasons`` (each once, in order)."""
    return REASON_SEPARATOR.join(dict.fromkeys(r.value for r in reasons))


def split_reasons(code: str) -> tuple[str, ...]:
    """The reason codes inside a flag code (a single reason gives itself)."""
    return tuple(part for part in code.split(REASON_SEPARATOR) if part)

"""Re-checking a 被保険者資格申立書 once the gateway answers, and correcting the claim.

The visit was charged the share the patient stated. The re-check looks the stated
numbers and birthdate up by number (the desk's own credential) and compares:

- nothing found → REJECTED ``{"reason": "declaration_not_found"}``: staff ask the
  patient again (a new enrolment may still be unregistered);
- the record found is not the person who declared (the gate says neither match nor
  variant) → REJECTED ``mislink_found`` and a flag for the manager;
- the validity state is not VALID → REJECTED ``{"state": n}``;
- the current coverage differs from the statement (numbers, the share charged) →
  CHANGED, naming the fields the claim must be corrected in;
- otherwise CONFIRMED: the claim stands as charged.

Results hold codes and field names only, and always ``"declaration": true``.
"""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.coverage import ValidityState
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import fold_text, unpadded_insurer_number
from clinic_desk.domain.number_lookup import NumberLookupAnswer
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.number_lookup import lookup_by_number
from clinic_desk.identity import IdentityInputError, verdict
from clinic_desk.services.gateway import insurer_reference
from clinic_desk.services.store import CacheStorePort
from offline_cache.models import EligibilitySnapshot, JsonObject, VisitStatus

MISLINK_FOUND = "mislink_found_after_declaration"


def declaration_result(
    declaration: InsuranceDeclaration, answer: NumberLookupAnswer
) -> tuple[VisitStatus, JsonObject, str | None]:
    """The re-check's status, its result (no personal data) and a flag reason, if any."""
    found = answer.found
    base: JsonObject = {"declaration": True}
    if found is None:
        return VisitStatus.REJECTED, {**base, "reason": "declaration_not_found"}, None
    try:
        judged = verdict(
            declaration.stated_name,
            declaration.birthdate,
            found.patient.name,
            found.patient.birthdate,
        )
        same_person = judged.outcome in ("match", "variant")
    except (IdentityInputError, ValueError):
        same_person = False
    if not same_person:
        return VisitStatus.REJECTED, {**base, "reason": "mislink_found"}, MISLINK_FOUND
    state = found.eligibility.state
    if state is not ValidityState.VALID:
        return VisitStatus.REJECTED, {**base, "state": state.value}, None
    now = found.eligibility.current
    assert now is not None  # VALID has exactly one current coverage
    numbers = declaration.numbers
    changed = [
        name
        for name, stated, current in (
            ("insurer_number", numbers.insurer_number, now.insurer_number),
            ("symbol", numbers.symbol, now.symbol),
            ("number", numbers.number, now.number),
            ("branch", numbers.branch, now.branch),
            ("copay_ratio", declaration.copay_ratio, now.copay_ratio),
        )
        if stated is not None and _differs(stated, current)
    ]
    if changed:
        return VisitStatus.CHANGED, {**base, "changed": changed}, None
    return VisitStatus.CONFIRMED, base, None


def _differs(stated: object, current: object) -> bool:
    if isinstance(stated, str) and isinstance(current, str):
        return fold_text(unpadded_insurer_number(stated)) != fold_text(
            unpadded_insurer_number(current)
        )
    return stated != current


async def reverify_declaration(
    client: EligibilityClient, snapshot: EligibilitySnapshot, flags: CacheStorePort
) -> tuple[VisitStatus, JsonObject, str | None]:
    """Look the declaration up by number and decide (raises the client's GatewayErrors)."""
    try:
        declaration = InsuranceDeclaration.from_json(snapshot.coverage, snapshot.identity)
    except (KeyError, TypeError, ValueError):
        return VisitStatus.REJECTED, {"declaration": True, "reason": "unreadable"}, None
    answer = await lookup_by_number(client, declaration.numbers, declaration.birthdate)
    status, result, flag = declaration_result(declaration, answer)
    if flag is not None and answer.found is not None:
        found = answer.found
        stated = CardIdentity(
            name=declaration.stated_name,
            birthdate=declaration.birthdate,
            sex="0",
            certificate_sha256=snapshot.cert_sha256,
        )
        await asyncio.to_thread(
            flags.raise_flag,
            flag,
            stated,
            snapshot.cert_sha256,
            found.patient.reference,
            SecretStr(insurer_reference(found.eligibility)),
        )
    return status, result, flag

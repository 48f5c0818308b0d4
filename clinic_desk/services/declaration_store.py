"""Keeping a 被保険者資格申立書 in the offline cache, queued like an offline visit.

The cache's visit queue re-checks what a visit was shown; a declaration showed
nothing, so it is kept as the visit's snapshot under a key of its own (random, the
shape of a certificate fingerprint, which no card has): the identity the patient
stated and, in place of a coverage, ``{"declaration": {...}}``. The snapshot's gate
outcome says "match" only because the cache's schema knows no other word for a
stored row; ``is_declaration`` tells the two apart, and no lookup by a card's
fingerprint can ever reach such a row. Everything stays in the encrypted file.
"""

from __future__ import annotations

import secrets

from clinic_desk.domain.declaration import InsuranceDeclaration
from offline_cache import OfflineCache
from offline_cache.models import GateOutcome, OfflineVisit


def keep_declaration(
    cache: OfflineCache, declaration: InsuranceDeclaration, *, desk_id: str
) -> OfflineVisit:
    """Store the declaration and queue its visit for re-check; returns the visit."""
    key = secrets.token_hex(32)
    cache.snapshots.put_confirmed(
        key,
        identity={
            "name": declaration.stated_name,
            "birthdate": declaration.birthdate.isoformat(),
            "sex": "0",
            "stated": True,
        },
        coverage=declaration.to_json(),
        gate_outcome=GateOutcome.MATCH,
    )
    return cache.visits.record_offline(key, desk_id=desk_id)

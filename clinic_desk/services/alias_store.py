"""Name aliases in the desk's cache: proposals from the counter, the manager's list.

The counter's side: a variant staff accepted becomes a proposal (audit
``alias.proposed``); a check-in reads the card's approved aliases. The manager's side
(approve, revoke, the list) is ``clinic_desk.manager.aliases``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from clinic_desk.identity.aliases import AliasError, NameAlias, propose
from clinic_desk.manager.aliases import alias_of, store_alias
from offline_cache import AliasStatus, OfflineCache
from offline_cache.errors import CacheError

log = logging.getLogger("clinic_desk.aliases")


def approved_for_card(cache: OfflineCache, certificate_sha256: str) -> tuple[NameAlias, ...]:
    """The card's approved aliases; none when the cache cannot be read."""
    try:
        rows = cache.aliases.for_card(certificate_sha256)
    except (CacheError, ValueError) as exc:
        log.warning("name aliases could not be read: %s", type(exc).__name__)
        return ()
    found = (alias_of(row) for row in rows if row.status is AliasStatus.APPROVED)
    return tuple(a for a in found if a is not None)


def keep_proposal(
    cache: OfflineCache,
    *,
    certificate_sha256: str,
    record_ref: str,
    card_name: str,
    record_name: str,
    birthdate: date,
    desk_id: str,
    at: datetime,
) -> NameAlias | None:
    """A variant staff accepted, kept as a proposal (an alias already stored for the
    same card, record and spellings is left as it is: approved stays approved, revoked
    stays revoked until a manager decides again)."""
    try:
        alias = propose(
            certificate_sha256=certificate_sha256,
            record_ref=record_ref,
            card_name=card_name,
            record_name=record_name,
            birthdate=birthdate,
            staff_id=desk_id,
            at=at,
        )
    except (AliasError, ValueError) as exc:
        log.info("no alias proposed: %s", type(exc).__name__)
        return None
    if cache.aliases.get(alias.alias_id) is not None:
        return None
    store_alias(cache, alias, "alias.proposed", None)
    return alias

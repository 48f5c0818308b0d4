"""The manager's list of names the gate has learned: approve, revoke, audited.

Aliases live in the desk's cache (``offline_cache.aliases``) as JSON; here they
become ``NameAlias`` again. Approving makes later check-ins of the same card and
record pass without a staff decision; revoking makes the desk ask staff again.
Each change writes its audit row (ids and the status, never a spelling). Every
call blocks (SQLCipher): screens run them in thread workers.
"""

from __future__ import annotations

import logging

from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.identity import aliases as learned
from clinic_desk.identity.aliases import AliasError, NameAlias
from offline_cache import AliasRow, OfflineCache
from offline_cache import AliasStatus as RowStatus

log = logging.getLogger("clinic_desk.aliases")

MANAGER_ID = "manager"


def alias_of(row: AliasRow) -> NameAlias | None:
    """The alias a row holds, or None when it does not read as one (or disagrees with
    the row's own card, record or status): such a row is never trusted."""
    try:
        alias = NameAlias.model_validate(row.alias)
    except ValueError:
        log.warning("a stored name alias is unreadable (id %s)", row.id)
        return None
    if (
        alias.alias_id != row.id
        or alias.certificate_sha256 != row.cert_sha256
        or alias.record_ref != row.record_ref
        or alias.status.value != row.status.value
    ):
        log.warning("a stored name alias disagrees with its row (id %s)", row.id)
        return None
    return alias


def store_alias(cache: OfflineCache, alias: NameAlias, action: str, actor: str | None) -> None:
    """Write ``alias`` (new or changed) with its audit row ``action``."""
    cache.aliases.put(
        alias.alias_id,
        cert_sha256=alias.certificate_sha256,
        record_ref=alias.record_ref,
        status=RowStatus(alias.status.value),
        alias=alias.model_dump(mode="json"),
        action=action,
        actor=actor,
    )


class AliasReview:
    """The manager's alias list over an opened cache (behind the manager PIN)."""

    def __init__(self, cache: OfflineCache, *, now: Clock = utc_now) -> None:
        self.cache = cache
        self.now = now

    def aliases(self, *, include_revoked: bool = True) -> list[NameAlias]:
        """Every readable alias, newest proposal first (revoked ones on request)."""
        found = (alias_of(row) for row in self.cache.aliases.find())
        return learned.listed((a for a in found if a is not None), include_revoked=include_revoked)

    def _get(self, alias_id: str) -> NameAlias:
        row = self.cache.aliases.get(alias_id)
        alias = alias_of(row) if row is not None else None
        if alias is None:
            raise AliasError("there is no such alias")
        return alias

    def approve(self, alias_id: str, *, manager_id: str = MANAGER_ID) -> NameAlias:
        """Approve a proposal (audit ``alias.approved``)."""
        alias = learned.approve(self._get(alias_id), manager_id=manager_id, at=self.now())
        store_alias(self.cache, alias, "alias.approved", manager_id)
        return alias

    def revoke(self, alias_id: str, *, manager_id: str = MANAGER_ID, reason: str = "") -> NameAlias:
        """Revoke an alias (audit ``alias.revoked``): staff decide again next time."""
        alias = learned.revoke(
            self._get(alias_id), manager_id=manager_id, at=self.now(), reason=reason
        )
        store_alias(self.cache, alias, "alias.revoked", manager_id)
        return alias

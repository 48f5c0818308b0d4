"""Re-verifying the visits checked in from the offline cache, once the gateway answers again.

During an outage the desk showed a card's last confirmed eligibility and queued an
offline visit. The patient and the card are gone by the time the gateway is back,
so the card-bound exchange cannot be used: the desk asks the gateway with its own
credential what the card is linked to today (``EligibilityClient.reverify``) and
compares the answer with what the patient confirmed at the visit (the snapshot):

- the identity gate between the snapshot's card identity and the re-verified
  Patient says neither match nor variant → REJECTED (``mislink_found``) and a
  flag for the manager, raised the same way a check-in raises one;
- the validity state is not VALID → REJECTED (``{"state": n}``; state 5, the
  mislink signature, is flagged as well);
- the valid coverage differs from the one shown → CHANGED, naming the fields;
- otherwise CONFIRMED.

Nothing of a re-verified record that did not confirm is written: results hold
codes and field names only. A gateway that cannot answer leaves the visits
pending for the next run. UI-free; blocking cache calls run in a thread, one
visit at a time.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.domain.coverage import Coverage, EligibilityRecord, ValidityState
from clinic_desk.domain.declaration import is_declaration
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.domain.reverification import Reverification, VisitAttention
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.errors import (
    EligibilityPending,
    GatewayError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.identity import IdentityInputError, verdict
from clinic_desk.services.declarations import reverify_declaration
from clinic_desk.services.gateway import insurer_reference
from clinic_desk.services.sources import VisitLookup
from clinic_desk.services.store import CacheStorePort
from offline_cache import OfflineCache
from offline_cache.models import EligibilitySnapshot, JsonObject, OfflineVisit, VisitStatus

log = logging.getLogger("clinic_desk.reverify")


# flag reasons (the manager's queue names them in words)
MISLINK_FOUND = "mislink_found_after_offline_checkin"
SEVERAL_QUALIFICATIONS_FOUND = "several_qualifications_after_offline_checkin"
REVOKED_FOUND = "revoked_certificate_after_offline_checkin"

# the coverage items a receptionist re-checks on the insurance claim
COMPARED_FIELDS = (
    "insurer_number",
    "symbol",
    "number",
    "branch",
    "copay_ratio",
    "period_start",
    "period_end",
)
MAX_VISITS_PER_RUN = 200


class ReverifyReport(BaseModel):
    """What one run did, in counts (no personal data)."""

    model_config = ConfigDict(frozen=True)

    checked: int = 0
    confirmed: int = 0
    changed: int = 0
    rejected: int = 0
    flagged: int = 0
    failed: int = 0  # answers the desk could not read: left pending
    pending: int = 0  # still waiting after the run
    gateway_unavailable: bool = False
    # the visits that came back changed or rejected, for the counter's notice
    attention: tuple[VisitAttention, ...] = ()

    def summary(self) -> str:
        """One line for logs and the command line."""
        text = (
            f"re-checked {self.checked}: {self.confirmed} confirmed, {self.changed} changed, "
            f"{self.rejected} rejected ({self.flagged} flagged for the manager); "
            f"{self.pending} still waiting"
        )
        if self.failed:
            text += f", {self.failed} unreadable answers"
        if self.gateway_unavailable:
            text += "; the gateway is not answering yet"
        return text


class _Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: VisitStatus
    result: JsonObject
    flag: str | None = None


def _changed_fields(shown: Coverage, now: Coverage) -> list[str]:
    return [name for name in COMPARED_FIELDS if getattr(shown, name) != getattr(now, name)]


def decide(snapshot: EligibilitySnapshot, found: Reverification) -> _Decision:
    """The outcome of one re-verification: pure, so it can be tested on its own."""
    identity = snapshot.identity
    try:
        judged = verdict(
            str(identity["name"]),
            date.fromisoformat(str(identity["birthdate"])),
            found.patient.name,
            found.patient.birthdate,
        )
        same_person = judged.outcome in ("match", "variant")
    except (IdentityInputError, KeyError, ValueError):
        same_person = False  # what cannot be compared is never taken as confirmed
    if not same_person:
        return _Decision(
            status=VisitStatus.REJECTED, result={"reason": "mislink_found"}, flag=MISLINK_FOUND
        )
    if found.eligibility.state is not ValidityState.VALID:
        return decide_unnamed(found.eligibility)
    now = found.eligibility.current
    assert now is not None  # VALID has exactly one current coverage
    try:
        shown = EligibilityRecord.model_validate(snapshot.coverage).current
    except ValidationError:
        shown = None
    if shown is None:  # the visit was shown a coverage that was not valid then
        return _Decision(status=VisitStatus.CHANGED, result={"changed": ["validity"]})
    changed = _changed_fields(shown, now)
    if changed:
        return _Decision(status=VisitStatus.CHANGED, result={"changed": changed})
    return _Decision(status=VisitStatus.CONFIRMED, result={})


def decide_unnamed(found: EligibilityRecord) -> _Decision:
    """An answer that names nobody: 該当資格なし or 複数該当 (the mislink signature:
    flagged). Never confirmed."""
    state = found.state
    flag = SEVERAL_QUALIFICATIONS_FOUND if state is ValidityState.SEVERAL_MATCH else None
    return _Decision(status=VisitStatus.REJECTED, result={"state": state.value}, flag=flag)


def _card_identity(snapshot: EligibilitySnapshot) -> CardIdentity | None:
    try:
        return CardIdentity(
            name=str(snapshot.identity["name"]),
            birthdate=date.fromisoformat(str(snapshot.identity["birthdate"])),
            sex=str(snapshot.identity.get("sex", "")),
            certificate_sha256=snapshot.cert_sha256,
        )
    except (KeyError, ValueError):
        return None


class Reverifier:
    """Re-checks the cache's pending offline visits with the gateway, one at a time."""

    def __init__(
        self,
        cache: OfflineCache,
        client: EligibilityClient | None,
        *,
        desk_id: str,
        clock: Clock = utc_now,
        max_visits: int = MAX_VISITS_PER_RUN,
        ask: VisitLookup | None = None,
    ) -> None:
        """``client`` re-verifies by card (``$reverify``); a backend without a lookup by
        card gives ``ask`` instead (the 資格確認端末: by the snapshot's numbers)."""
        self.cache = cache
        self.client = client
        self.ask = ask
        self.desk_id = desk_id
        self._clock = clock
        self._max_visits = max_visits
        # flags go through the check-in's own path (sealing included)
        self._flags = CacheStorePort(cache, desk_id=desk_id, now=clock)
        self._running = asyncio.Lock()

    async def pending(self) -> int:
        """How many visits wait for re-verification."""
        return len(await asyncio.to_thread(self.cache.visits.pending))

    async def run_once(self) -> ReverifyReport:
        """Re-check every pending visit (oldest first) until done or the gateway fails."""
        async with self._running:
            return await self._run()

    async def _run(self) -> ReverifyReport:
        counts = {"checked": 0, "confirmed": 0, "changed": 0, "rejected": 0, "flagged": 0}
        failed = 0
        unavailable = False
        attention: list[VisitAttention] = []
        visits = await asyncio.to_thread(self.cache.visits.pending)
        for visit in visits[: self._max_visits]:
            try:
                decision = await self._reverify(visit)
            except (GatewayUnavailable, EligibilityPending) as exc:
                log.info(
                    "re-verification paused: gateway %s (request %s)", exc.code, exc.request_id
                )
                unavailable = True
                break  # the rest wait for the next run
            except GatewayError as exc:
                log.warning(
                    "visit %s left pending: gateway %s (request %s)",
                    visit.id,
                    exc.code,
                    exc.request_id,
                )
                failed += 1
                continue
            await asyncio.to_thread(
                self.cache.visits.record_reverification,
                visit.id,
                status=decision.status,
                result=decision.result,
                actor=self.desk_id,
            )
            counts["checked"] += 1
            counts[decision.status.value] += 1
            if decision.flag is not None:
                counts["flagged"] += 1
            if decision.status in (VisitStatus.CHANGED, VisitStatus.REJECTED):
                changed = decision.result.get("changed", [])
                attention.append(
                    VisitAttention(
                        visit_id=visit.id,
                        checked_in_at=visit.checked_in_at,
                        status=(
                            "changed" if decision.status is VisitStatus.CHANGED else "rejected"
                        ),
                        changed=tuple(str(c) for c in changed) if isinstance(changed, list) else (),
                        flagged=decision.flag is not None,
                    )
                )
            log.info("visit %s re-verified: %s", visit.id, decision.status.value)
        pending = len(await asyncio.to_thread(self.cache.visits.pending))
        report = ReverifyReport(
            **counts,
            failed=failed,
            pending=pending,
            gateway_unavailable=unavailable,
            attention=tuple(attention),
        )
        log.info(
            "re-verification run: checked=%d confirmed=%d changed=%d rejected=%d flagged=%d "
            "failed=%d pending=%d unavailable=%s",
            report.checked,
            report.confirmed,
            report.changed,
            report.rejected,
            report.flagged,
            report.failed,
            report.pending,
            report.gateway_unavailable,
        )
        return report

    async def _reverify(self, visit: OfflineVisit) -> _Decision:
        snapshot = await asyncio.to_thread(
            self.cache.snapshots.get, visit.cert_sha256, include_expired=True
        )
        if snapshot is None:
            # forgotten at the patient's request: nothing to compare with, staff check it
            return _Decision(status=VisitStatus.REJECTED, result={"reason": "no_snapshot"})
        if is_declaration(snapshot.coverage):  # a 申立書: re-checked by its numbers
            if self.client is None:  # this backend has no lookup by number: it waits
                raise GatewayError(
                    "a 申立書 is re-checked through the eligibility gateway",
                    desk_action="",
                    support_hint="re-check it on a desk that uses the eligibility gateway",
                    code="declaration_needs_gateway",
                )
            status, result, flag = await reverify_declaration(self.client, snapshot, self._flags)
            return _Decision(status=status, result=result, flag=flag)
        try:
            found = await self._lookup(visit, snapshot)
        except GatewayRejected as exc:
            return await self._refused(exc, snapshot)
        if isinstance(found, EligibilityRecord):
            decision = decide_unnamed(found)
            if decision.flag is not None:
                await self._raise_flag(decision.flag, snapshot, None, found)
            return decision
        decision = decide(snapshot, found)
        if decision.flag is not None:
            await self._raise_flag(
                decision.flag, snapshot, found.patient.reference, found.eligibility
            )
        if snapshot.fetched_at != visit.snapshot_fetched_at:
            # a later online check-in replaced the snapshot the visit was shown: the
            # comparison was with that newer confirmed one, and staff should know
            decision = decision.model_copy(
                update={"result": {**decision.result, "snapshot_replaced": True}}
            )
        return decision

    async def _lookup(
        self, visit: OfflineVisit, snapshot: EligibilitySnapshot
    ) -> Reverification | EligibilityRecord:
        if self.ask is not None:
            return await self.ask(visit, snapshot)
        assert self.client is not None, "a re-verifier has a client or an ask"
        return await self.client.reverify(visit.cert_sha256, visit.checked_in_at)

    async def _refused(self, exc: GatewayRejected, snapshot: EligibilitySnapshot) -> _Decision:
        if exc.reason == OutcomeReason.CERTIFICATE_UNLINKED.value:
            return _Decision(status=VisitStatus.REJECTED, result={"reason": "certificate_unlinked"})
        if exc.reason == OutcomeReason.CERTIFICATE_REVOKED.value:
            await asyncio.to_thread(
                self._flags.raise_flag,
                REVOKED_FOUND,
                _card_identity(snapshot),
                snapshot.cert_sha256,
                "",
                SecretStr(""),
            )
            return _Decision(
                status=VisitStatus.REJECTED,
                result={"reason": "certificate_revoked"},
                flag=REVOKED_FOUND,
            )
        raise exc  # any other refusal: left pending, tried again later

    async def _raise_flag(
        self,
        reason: str,
        snapshot: EligibilitySnapshot,
        linked_record_ref: str | None,
        eligibility: EligibilityRecord,
    ) -> None:
        # card identity from the snapshot (what the chip said); of the linked record only
        # its references, sealed for the manager as at a check-in
        await asyncio.to_thread(
            self._flags.raise_flag,
            reason,
            _card_identity(snapshot),
            snapshot.cert_sha256,
            linked_record_ref or "",
            SecretStr(insurer_reference(eligibility)),
        )

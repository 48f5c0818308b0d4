"""The check-in's store port over ``offline_cache``.

Only what the machine hands over in ``StoreConfirmed`` is ever cached; a flag
keeps the card holder's identity from the chip and the gateway's reference of
the linked record, never the record's contents.

The cache keeps JSON; this adapter turns it back into the domain types, so a
record read offline has the same shape as one fetched online
(``EligibilityRecord``, ``MedicationHistory``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin.effects import ProposeAlias, StoreConfirmed
from clinic_desk.domain.card import CardIdentity
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.flag_reference import FlagReferences
from clinic_desk.domain.medication import MedicationDispense, MedicationHistory
from clinic_desk.identity.aliases import NameAlias
from clinic_desk.manager.sealing import SealFunction, seal_for_manager
from clinic_desk.services.alias_store import approved_for_card, keep_proposal
from clinic_desk.services.declaration_store import keep_declaration
from clinic_desk.services.desk import DeskServices
from offline_cache import OfflineCache
from offline_cache.errors import CacheError
from offline_cache.models import GateOutcome, MedicationSnapshot

log = logging.getLogger("clinic_desk.store")


def _identity_json(identity: CardIdentity) -> dict[str, Any]:
    return {
        "name": identity.name,
        "birthdate": identity.birthdate.isoformat(),
        "sex": identity.sex,
    }


def _medications_json(history: MedicationHistory) -> dict[str, Any]:
    # the cache's medication row keeps the dispensings; the patient and the time it was
    # fetched are the snapshot's and the row's own
    return {"dispenses": [d.model_dump(mode="json") for d in history.dispenses]}


def _history(eligibility: EligibilityRecord, snapshot: MedicationSnapshot) -> MedicationHistory:
    stored = snapshot.medications.get("dispenses", [])
    dispenses = [MedicationDispense.model_validate(d) for d in stored]
    return MedicationHistory(
        patient_id=eligibility.patient_id,
        dispenses=tuple(sorted(dispenses, key=lambda d: (d.dispensed_on, d.id), reverse=True)),
        fetched_at=snapshot.fetched_at,
    )


class CacheStorePort:
    """Blocking; the runner calls it from its single store thread."""

    def __init__(
        self,
        cache: OfflineCache,
        *,
        desk_id: str = "desk-1",
        now: Clock = utc_now,
        seal: SealFunction = seal_for_manager,
    ) -> None:
        self.cache = cache
        self._desk_id = desk_id
        self._now = now
        self._seal = seal
        self._references = FlagReferences.of_cache(cache)

    def lookup(self, certificate_sha256: str) -> ev.CacheHit | ev.CacheMiss:
        try:
            snapshot = self.cache.snapshots.get(certificate_sha256)
            if snapshot is None:
                return ev.CacheMiss()
            medications = self.cache.medications.get(certificate_sha256)
        except CacheError as exc:
            log.warning("cache lookup failed: %s", type(exc).__name__)
            return ev.CacheMiss()
        try:
            eligibility = EligibilityRecord.model_validate(snapshot.coverage)
            identity = ev.RecordIdentity(
                name=str(snapshot.identity["name"]),
                birthdate=datetime.fromisoformat(str(snapshot.identity["birthdate"])).date(),
            )
        except (KeyError, TypeError, ValueError) as exc:  # pydantic's errors are ValueErrors
            log.warning("cached snapshot unreadable: %s", type(exc).__name__)
            return ev.CacheMiss()
        history: MedicationHistory | None = None
        if medications is not None:
            try:
                history = _history(eligibility, medications)
            except (TypeError, ValueError) as exc:
                log.warning("cached medications unreadable: %s", type(exc).__name__)
        return ev.CacheHit(
            identity=identity,
            confirmed_at=snapshot.fetched_at,
            eligibility=eligibility,
            medications=history,
            checked_on=self._now().date(),
        )

    def store_confirmed(self, confirmed: StoreConfirmed) -> None:
        cert = confirmed.identity.certificate_sha256
        self.cache.snapshots.put_confirmed(
            cert,
            identity=_identity_json(confirmed.identity),
            coverage=confirmed.eligibility.model_dump(mode="json"),
            gate_outcome=GateOutcome(confirmed.gate_outcome),
        )
        if confirmed.medications is not None:
            self.cache.medications.put(
                cert, medications=_medications_json(confirmed.medications), consented_at=self._now()
            )

    def queue_reverification(self, certificate_sha256: str) -> None:
        self.cache.visits.record_offline(certificate_sha256, desk_id=self._desk_id)

    def queue_declaration(self, declaration: InsuranceDeclaration) -> None:
        """Keep a 申立書 and queue it for re-check (``services/declarations.py``)."""
        keep_declaration(self.cache, declaration, desk_id=self._desk_id)

    def raise_flag(
        self,
        reason: str,
        identity: CardIdentity | None,
        certificate_sha256: str,
        linked_record_ref: str,
        insurer_reference: SecretStr,
    ) -> str:
        # The insurer reference is stored only sealed for the manager (with the
        # gateway's reference inside); until a manager key exists it is dropped and
        # only the gateway's reference of the linked record is kept.
        sealed = self._seal(
            insurer_reference.get_secret_value(), linked_record_ref, certificate_sha256
        )
        card = _identity_json(identity) if identity is not None else {}
        card["certificate_sha256"] = certificate_sha256
        flag = self.cache.flags.raise_flag(
            desk_id=self._desk_id,
            reason=reason,
            card_identity=card,
            insurer_reference=sealed or linked_record_ref or None,
        )
        # derived from the flag's id: the review and the insurer CSV derive the same one
        return self._references(flag.id)

    def audit(self, action: str, detail: str, certificate_sha256: str) -> None:
        subjects = (certificate_sha256,) if certificate_sha256 else ()
        self.cache.audit.record(f"checkin.{action}", subjects, note=detail)

    def approved_aliases(self, certificate_sha256: str) -> tuple[NameAlias, ...]:
        return approved_for_card(self.cache, certificate_sha256)

    def propose_alias(self, proposal: ProposeAlias) -> None:
        keep_proposal(
            self.cache,
            certificate_sha256=proposal.certificate_sha256,
            record_ref=proposal.record_ref,
            card_name=proposal.card_name,
            record_name=proposal.record_name,
            birthdate=proposal.birthdate,
            desk_id=self._desk_id,
            at=self._now(),
        )


async def check_cache_pages(cache: OfflineCache, services: DeskServices) -> None:
    """Check every page of the desk's cache once, on a thread, after the desk started.

    It reads the whole file (about 0.5 s at 100,000 snapshots, docs/performance.md), so
    the first frame never waits for it; check-ins go on meanwhile. A damaged file shows
    on the status line as the cache's state ("DAMAGED"): the rows on a damaged page
    cannot be read, and `clinic-desk cache verify` says which.
    """
    try:
        problems = await asyncio.to_thread(cache.check_pages)
    except CacheError as exc:
        problems = [type(exc).__name__]
    if problems:
        log.warning("offline cache file damaged: %d page problem(s)", len(problems))
        services.update_status(cache="damaged")

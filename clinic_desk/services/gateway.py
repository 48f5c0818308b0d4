"""The check-in's gateway port over the eligibility client: answers as check-in events.

A gateway that is down, slow, or answers something unreadable sends the desk to
its offline path (the cache, then paper): the patient is never kept waiting on a
broken gateway. Refusals (a revoked certificate, a replayed nonce) are told apart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from importlib import import_module

from pydantic import SecretStr

from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.ports import GatewayFailure, GatewaySession, Resign
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.insured_numbers import NumberLookupInput
from clinic_desk.domain.number_lookup import NumberLookupAnswer
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.errors import (
    EligibilityPending,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.eligibility.included import take_included
from clinic_desk.eligibility.number_lookup import lookup_by_number
from clinic_desk.eligibility.session import CardSession
from clinic_desk.eligibility.visual_check import authenticate_visual
from clinic_desk.services.certificate import refused_certificate, session_certificate

log = logging.getLogger("clinic_desk.gateway_port")

# challenges handed out and not yet used that the port remembers
_PENDING_CHALLENGES = 4

# gateway refusal reasons -> the check-in's codes (the ones that raise a flag are named here)
_REJECTION_CODES = {OutcomeReason.CERTIFICATE_REVOKED.value: "revoked_certificate"}


def _failure(exc: GatewayError) -> GatewayFailure:
    log.info("gateway %s: %s (request %s)", type(exc).__name__, exc.code, exc.request_id)
    if isinstance(exc, GatewayRejected):
        code = _REJECTION_CODES.get(exc.reason or "", (exc.reason or "rejected").replace("-", "_"))
        return ev.GatewayRejected(code=code, message=f"{exc.message} {exc.desk_action}")
    if isinstance(exc, GatewayUnavailable | EligibilityPending | GatewayProtocolError):
        return ev.GatewayUnavailable(reason=exc.code)
    return ev.Failed(code=exc.code, message=exc.message)


def found_by_number(answer: NumberLookupAnswer) -> ev.RecordFetched | pe.NumbersNotFound:
    """A number lookup's answer as the check-in's event: the record, not yet confirmed."""
    found = answer.found
    if found is None:
        return pe.NumbersNotFound()
    patient = found.patient
    return ev.RecordFetched(
        patient_ref=patient.reference,
        identity=ev.RecordIdentity(
            name=patient.name, birthdate=patient.birthdate, kana=patient.kana_name
        ),
        eligibility=found.eligibility,
        linked_record_ref=patient.reference,
        insurer_reference=SecretStr(insurer_reference(found.eligibility)),
    )


def insurer_reference(record: EligibilityRecord) -> str:
    """Insurer number, symbol, number and branch of each coverage: what a manager
    needs to report a wrong link to the insurer (one coverage per line)."""
    return "\n".join(
        " ".join(x for x in (c.insurer_number, c.symbol, c.number, c.branch) if x)
        for c in record.coverages
    )


def preload() -> None:
    """Import what httpx loads on its first request (anyio's asyncio backend).

    Call it in a thread while the desk starts: otherwise the first patient's
    check-in pays for these imports on the event loop.
    """
    import_module("anyio._backends._asyncio")
    import_module("anyio.streams.tls")


class ClientGatewayPort:
    """One per desk, around the desk's single ``EligibilityClient``.

    ``on_reachability`` hears whether the gateway answered each call, so the
    status line says "OFFLINE" as soon as a check-in finds it down (and "online"
    when it answers again), not only at the next readiness check.
    """

    def __init__(
        self,
        client: EligibilityClient,
        *,
        on_reachability: Callable[[bool], None] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.client = client
        self.on_reachability = on_reachability
        self.clock = clock
        # the challenge handed out, with its nonce and the check-in's gateway budget
        self._pending: dict[bytes, tuple[str, Budget]] = {}

    def _failed(self, exc: GatewayError) -> GatewayFailure:
        failure = _failure(exc)
        self._reached(not isinstance(failure, ev.GatewayUnavailable))
        return failure

    def _reached(self, reachable: bool) -> None:
        if self.on_reachability is not None:
            self.on_reachability(reachable)

    async def challenge(self) -> bytes | GatewayFailure:
        """The first gateway call of a check-in: it starts the check-in's budget, which
        every later call of the same check-in shares (medications included)."""
        budget = self.client.budget()
        try:
            grant = await self.client.challenge(budget)
        except GatewayError as exc:
            return self._failed(exc)
        self._reached(True)
        # challenges are fetched while a patient types, so one for a card that has gone
        # may arrive after the next card's: keep the last few, each usable once
        self._pending[grant.signed_bytes] = (grant.nonce, budget)
        while len(self._pending) > _PENDING_CHALLENGES:
            del self._pending[next(iter(self._pending))]
        return grant.signed_bytes

    async def authenticate(
        self,
        certificate_der: bytes,
        signature: bytes,
        challenge: bytes,
        resign: Resign | None = None,
    ) -> GatewaySession | GatewayFailure:
        pending = self._pending.pop(challenge, None)
        if pending is None:
            return ev.Failed(code="unknown_challenge", message="The challenge was not issued.")
        nonce, budget = pending
        try:
            # the Patient and Coverage in the same answer: one round trip after the
            # signature instead of two (a gateway may leave them out; fetch_record reads)
            return await self.client.authenticate(
                certificate_der, signature, nonce, budget, resign=resign, with_record=True
            )
        except GatewayError as exc:
            failure = self._failed(exc)
            if isinstance(failure, ev.GatewayRejected):
                refused = refused_certificate(exc, certificate_der, self.clock().date())
                if refused is not None:
                    failure = failure.model_copy(update={"certificate": refused})
            return failure

    async def fetch_record(self, session: GatewaySession) -> ev.RecordFetched | GatewayFailure:
        assert isinstance(session, CardSession)
        try:
            included = take_included(session)
        except GatewayError as exc:
            return self._failed(exc)
        if included is not None:
            return self._record(session, *included)
        # Patient and Coverage need only the session: both go out at once (one round
        # trip of waiting instead of two); a failure is told as the Patient's first
        patient_read = asyncio.ensure_future(self.client.fetch_patient(session))
        coverage = asyncio.ensure_future(self.client.fetch_eligibility(session))
        try:
            patient = await patient_read
        except GatewayError as exc:
            coverage.cancel()
            await asyncio.gather(coverage, return_exceptions=True)
            return self._failed(exc)
        except BaseException:
            coverage.cancel()
            raise
        try:
            eligibility = await coverage
        except GatewayError as exc:
            return self._failed(exc)
        return self._record(session, patient, eligibility)

    def _record(
        self, session: CardSession, patient: PatientRecord, eligibility: EligibilityRecord
    ) -> ev.RecordFetched:
        today = self._checked_on(session)
        return ev.RecordFetched(
            patient_ref=patient.reference,
            identity=ev.RecordIdentity(name=patient.name, birthdate=patient.birthdate),
            eligibility=eligibility,
            linked_record_ref=patient.reference,
            insurer_reference=SecretStr(insurer_reference(eligibility)),
            certificate=session_certificate(session, today),
            checked_on=today,
        )

    def _checked_on(self, session: CardSession) -> date:
        """The day of the answer: the gateway's when it says it, else the desk's."""
        when = session.checked_at or self.clock()
        return when.date()

    async def fetch_medications(
        self, session: GatewaySession
    ) -> ev.MedicationsFetched | ev.MedicationsUnavailable:
        assert isinstance(session, CardSession)
        try:
            history = await self.client.fetch_medications(session)
        except GatewayError as exc:
            log.info("medications unavailable: %s", exc.code)
            return ev.MedicationsUnavailable(reason=exc.code)
        return ev.MedicationsFetched(history=history)

    # -- with the desk's own credential (checkin/path_runner.py) ------------------------
    async def lookup_by_number(
        self, lookup: NumberLookupInput
    ) -> ev.RecordFetched | pe.NumbersNotFound | GatewayFailure:
        """The record behind a 資格確認書's numbers and birthdate, not yet confirmed."""
        try:
            answer = await lookup_by_number(self.client, lookup.numbers, lookup.birthdate)
        except GatewayError as exc:
            return self._failed(exc)
        self._reached(True)
        return found_by_number(answer)

    async def authenticate_visual(
        self, certificate_der: bytes, staff_id: str
    ) -> GatewaySession | GatewayFailure:
        """A session for a card whose photo staff compared (no signature, no PIN)."""
        try:
            session = await authenticate_visual(self.client, certificate_der, staff_id)
        except GatewayError as exc:
            return self._failed(exc)
        self._reached(True)
        return session

"""The eligibility client: card-presence authentication, then FHIR reads, over one pooled
``httpx.AsyncClient`` per desk (built by ``connection.http_client``).

Every answer is validated into domain models; every failure becomes one of the
typed errors in ``errors`` (``exchange`` does the requests themselves).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx

from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest, ChallengeGrant
from clinic_desk.domain.bundle import next_link
from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.domain.reverification import REVERIFY_PATH, Reverification, ReverifyRequest
from clinic_desk.eligibility import connection
from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.errors import (
    PAPER_PATH,
    REJECTION_TEXTS,
    EligibilityPending,
    GatewayProtocolError,
    GatewayRejected,
)
from clinic_desk.eligibility.exchange import Exchange
from clinic_desk.eligibility.replies import Reply, Unauthorized, parse, wrong_shape
from clinic_desk.eligibility.session import CardSession, Resigner
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.eligibility.signer import CardSigner

log = logging.getLogger("clinic_desk.eligibility")


@dataclass(frozen=True)
class GatewayProbe:
    """What one challenge told about the gateway (``doctor``, ``gateway check``)."""

    grant: ChallengeGrant
    date_header: str | None
    elapsed_ms: float


class EligibilityClient:
    """Talks to one eligibility gateway. Create one per desk; ``aclose()`` at shutdown.

    ``transport`` replaces the network (unit tests only). Raises
    ``GatewaySettingsError`` (one sentence naming the setting) when the settings'
    files cannot be used or no ``base_url`` is set.
    """

    def __init__(
        self, settings: GatewaySettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._exchange = Exchange(settings, transport)

    @property
    def requests_sent(self) -> int:
        return self._exchange.requests_sent

    # --- lifecycle ---------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._exchange.http.aclose()

    async def __aenter__(self) -> EligibilityClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def budget(self, seconds: float | None = None) -> Budget:
        """A fresh budget (``checkin_budget`` by default) to share across one check-in."""
        return Budget(self.settings.checkin_budget if seconds is None else seconds)

    # --- authentication ----------------------------------------------------------------
    async def challenge(self, budget: Budget | None = None) -> ChallengeGrant:
        """``POST /auth/challenge``: a single-use nonce for the card to sign."""
        return (await self.probe(budget)).grant

    async def probe(self, budget: Budget | None = None) -> GatewayProbe:
        """A challenge, with the gateway's ``Date`` header and the time it took."""
        budget = budget or self.budget()
        with budget.running():
            reply = await self._exchange.send("POST", "/auth/challenge", "challenge", budget)
        grant = parse(reply, "challenge", ChallengeGrant.from_fhir)
        return GatewayProbe(grant, reply.headers.get("date"), reply.elapsed_ms)

    async def authenticate(
        self,
        certificate_der: bytes,
        signature: bytes,
        nonce: str,
        budget: Budget | None = None,
        *,
        resign: Resigner | None = None,
        with_record: bool = False,
    ) -> CardSession:
        """``POST /auth/card``: trade the card's signature for a token and its Patient link.

        The session keeps ``budget`` for the reads that follow, and ``resign`` to renew
        an expired token once without the PIN. ``with_record`` asks for the Patient and
        its Coverage in the same answer (``eligibility.included`` reads them); a gateway may
        leave them out, and the reads are then sent as before.
        """
        budget = budget or self.budget()
        body = CardAuthRequest(
            certificate_der=certificate_der,
            signature=signature,
            nonce=nonce,
            include_record=with_record,
        ).to_fhir()
        with budget.running():
            reply = await self._exchange.send("POST", "/auth/card", "card-auth", budget, body=body)
        grant = parse(reply, "card-auth", CardAuthGrant.from_fhir)
        included = (
            (reply.request_id, grant.patient_resource, grant.coverage_bundle)
            if with_record and grant.patient_resource is not None
            else None
        )
        return CardSession.granted(grant, certificate_der, budget, resign=resign, included=included)

    async def open_session(self, signer: CardSigner, budget: Budget | None = None) -> CardSession:
        """Challenge, let the card sign, authenticate: the whole card-presence proof.

        The signer's calls block on the card and run in a worker thread; they are not
        counted in the budget.
        """
        budget = budget or self.budget()
        grant = await self.challenge(budget)
        certificate = await asyncio.to_thread(signer.certificate_der)
        signature = await asyncio.to_thread(signer.sign, grant.signed_bytes)

        async def resign(challenge: bytes) -> bytes | None:
            return await asyncio.to_thread(signer.sign, challenge)

        return await self.authenticate(certificate, signature, grant.nonce, budget, resign=resign)

    # --- FHIR reads --------------------------------------------------------------------
    async def fetch_patient(
        self, session: CardSession, budget: Budget | None = None
    ) -> PatientRecord:
        """``GET /fhir/Patient/{id}``: the record's name and birthdate (for the identity gate)."""
        budget = self._budget_of(session, budget)
        with budget.running():
            reply = await self._authorized_get(
                session, f"/fhir/Patient/{session.patient_id}", "patient", None, budget
            )
        patient = parse(reply, "patient", PatientRecord.from_fhir)
        if patient.id != session.patient_id:
            raise wrong_shape(
                "The gateway answered with another Patient than the one asked for.",
                "patient",
                reply,
            )
        return patient

    async def fetch_eligibility(
        self, session: CardSession, budget: Budget | None = None
    ) -> EligibilityRecord:
        """``GET /fhir/Coverage?beneficiary=…``; polls while the national check is processing."""
        budget = self._budget_of(session, budget)
        params = {"beneficiary": session.patient_ref}
        checked_at = utc_now()
        with budget.running():
            while True:
                reply = await self._authorized_get(
                    session, "/fhir/Coverage", "coverage", params, budget
                )
                if reply.status != 202:
                    break
                await self._wait_while_processing(reply, budget)
            checked_at = utc_now()
            pages = await self._all_pages(
                session,
                "coverage",
                reply,
                budget,
                lambda p: EligibilityRecord.from_fhir_bundle(p, session.patient_id, checked_at),
            )
        return parse(
            reply,
            "coverage",
            lambda _: EligibilityRecord.from_fhir_bundles(pages, session.patient_id, checked_at),
        )

    async def fetch_medications(
        self, session: CardSession, budget: Budget | None = None
    ) -> MedicationHistory:
        """``GET /fhir/MedicationDispense?subject=…``, following ``link[next]``.

        Call it only after the patient consented at the desk.
        """
        budget = self._budget_of(session, budget)
        params = {"subject": session.patient_ref}
        if self.settings.page_size is not None:
            params["_count"] = str(self.settings.page_size)
        with budget.running():
            first = await self._authorized_get(
                session, "/fhir/MedicationDispense", "medications", params, budget
            )
            pages = await self._all_pages(
                session,
                "medications",
                first,
                budget,
                lambda p: MedicationHistory.dispenses_from_page(p, session.patient_id),
            )
        return parse(
            first,
            "medications",
            lambda _: MedicationHistory.from_fhir_pages(pages, session.patient_id, utc_now()),
        )

    async def reverify(
        self, certificate_sha256: str, checked_in_at: datetime, budget: Budget | None = None
    ) -> Reverification:
        """``POST /fhir/Coverage/$reverify``: what the card is linked to today, without the card.

        For re-checking a visit checked in from the offline cache. The desk's own
        credential (mTLS in production) authenticates it. It changes nothing at the
        gateway, so unlike other POSTs it is retried like a GET.
        """
        budget = budget or self.budget()
        body = ReverifyRequest(
            certificate_sha256=certificate_sha256, checked_in_at=checked_in_at
        ).to_fhir()
        with budget.running():
            while True:
                reply = await self._exchange.send(
                    "POST", REVERIFY_PATH, "reverify", budget, body=body, retry=True
                )
                if reply.status != 202:
                    break
                await self._wait_while_processing(reply, budget)
        if reply.status != 200:
            raise wrong_shape(f"Unexpected status {reply.status}.", "reverify", reply)
        checked_at = utc_now()
        return parse(reply, "reverify", lambda p: Reverification.from_fhir_bundle(p, checked_at))

    # --- helpers -----------------------------------------------------------------------
    def _budget_of(self, session: CardSession, budget: Budget | None) -> Budget:
        return budget or session.budget or self.budget()

    async def _wait_while_processing(self, reply: Reply, budget: Budget) -> None:
        """Wait out a 202 "still processing", or raise EligibilityPending past the budget."""
        wait = self._exchange.retry_after(reply.headers)
        if wait >= budget.remaining():
            raise EligibilityPending(
                "The national eligibility check is still processing.",
                desk_action="Retry the check in a minute, or continue on paper now; "
                "the check is queued.",
                support_hint=f"The gateway answered 202 until the budget of "
                f"{budget.seconds:g} s ran out (request id {reply.request_id}).",
                code="processing",
                status=202,
                request_id=reply.request_id,
            )
        await asyncio.sleep(wait)

    async def _all_pages(
        self,
        session: CardSession,
        route: str,
        reply: Reply,
        budget: Budget,
        check_page: Callable[[Any], object],
    ) -> list[Any]:
        """This search page and every ``link[next]`` after it, each checked on arrival."""
        pages: list[Any] = []
        while True:
            if reply.status != 200:
                raise wrong_shape(f"Unexpected status {reply.status} for a search.", route, reply)
            # validate this page now so a bad page fails before more are fetched
            parse(reply, route, check_page)
            pages.append(reply.payload)
            following = parse(reply, route, next_link)
            if following is None:
                return pages
            if connection.origin_of(following) != self._exchange.origin:
                raise wrong_shape("The next-page link leaves the gateway.", route, reply)
            if len(pages) >= self.settings.max_pages:
                raise wrong_shape(
                    f"The search has more than {self.settings.max_pages} pages.", route, reply
                )
            reply = await self._authorized_get(session, following, route, None, budget)

    async def _authorized_get(
        self,
        session: CardSession,
        url: str,
        route: str,
        params: dict[str, str] | None,
        budget: Budget,
    ) -> Reply:
        send = self._exchange.send
        token = session.token
        try:
            return await send("GET", url, route, budget, params=params, token=token)
        except Unauthorized as first:
            if session.resign is None:
                raise first.error from None
            # reads run side by side (Patient and Coverage): the first to be refused
            # renews the token, the others wait for it and use the new one
            async with session.renewal:
                if session.token == token:
                    log.info("route=%s token refused; re-authenticating once", route)
                    await self._reauthenticate(session, budget, first.error)
        try:
            return await send("GET", url, route, budget, params=params, token=session.token)
        except Unauthorized as second:
            raise second.error from None

    async def _reauthenticate(
        self, session: CardSession, budget: Budget, refused: GatewayRejected
    ) -> None:
        """Prove card presence once more (no PIN: the card signs while it stays verified)."""
        assert session.resign is not None
        grant = await self.challenge(budget)
        signature = await session.resign(grant.signed_bytes)
        if signature is None:
            desk_action, support = REJECTION_TEXTS[OutcomeReason.TOKEN_EXPIRED]
            raise GatewayRejected(
                "The gateway's token expired and the card can no longer sign without its PIN.",
                reason=refused.reason,
                outcome_text=refused.outcome_text,
                desk_action=desk_action,
                support_hint="The token expired mid-check-in and the card was removed or "
                f"reset, so it could not sign again; the holder is asked again. {support} "
                f"(request id {refused.request_id})",
                status=refused.status,
                request_id=refused.request_id,
            )
        fresh = await self.authenticate(session.certificate_der, signature, grant.nonce, budget)
        if fresh.patient_id != session.patient_id:
            raise GatewayProtocolError(
                "The card's link changed while the check-in was running.",
                desk_action=PAPER_PATH,
                support_hint="After re-authentication the gateway linked the card to another "
                "Patient; report it to the gateway's operator.",
                code="link-changed",
            )
        session.token, session.expires_at = fresh.token, fresh.expires_at
        session.certificate_not_after = fresh.certificate_not_after
        session.eligibility_only = fresh.eligibility_only
        session.checked_at = fresh.checked_at

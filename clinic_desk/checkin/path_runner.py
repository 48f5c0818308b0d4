"""Carrying out the effects of the paths without a PIN (``checkin/paths.py``).

The gateway and the store answer them through two more ports; a desk whose
adapters lack them (a test's fakes, a backend without the route) ends the
check-in plainly with ``path_unavailable`` instead of hanging it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.ports import GatewayFailure, GatewaySession
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import NumberLookupInput

if TYPE_CHECKING:
    from clinic_desk.checkin.runner import CheckInRunner


@runtime_checkable
class NumberLookupGateway(Protocol):
    """The number lookup, made with the desk's own credential (no card signature)."""

    async def lookup_by_number(
        self, lookup: NumberLookupInput
    ) -> ev.RecordFetched | pe.NumbersNotFound | GatewayFailure:
        """The record behind the numbers and birthdate (not confirmed), or 該当資格なし."""


@runtime_checkable
class VisualCheckGateway(Protocol):
    """The visual check's session, made with the desk's own credential."""

    async def authenticate_visual(
        self, certificate_der: bytes, staff_id: str
    ) -> GatewaySession | GatewayFailure:
        """A session for a card checked by its photo: its certificate, no signature."""


@runtime_checkable
class DeskCredentialGateway(NumberLookupGateway, VisualCheckGateway, Protocol):
    """Gateway calls made with the desk's own credential instead of a card signature
    (a backend may offer only one of them: the 資格確認端末 has no visual check)."""


@dataclass(frozen=True)
class FaceTaken:
    """A face result taken for a check-in: whether the patient agreed at the reader to
    share their medication information, its record (not confirmed), and the session
    its medications are fetched with."""

    taken: pe.FaceResultTaken
    record: ev.RecordFetched
    session: GatewaySession


@runtime_checkable
class FaceResultGateway(Protocol):
    """A backend whose face reader leaves results for the desk (the 資格確認端末)."""

    async def take_face_result(self, result_id: str) -> FaceTaken | GatewayFailure:
        """The waiting result ``result_id``, taken off the waiting list."""


class StaffCheck(Protocol):
    def verify(self, staff_id: str, pin: str) -> str:
        """ "" when the staff PIN is right; else the refusal's code (blocking)."""


@runtime_checkable
class DeclarationStore(Protocol):
    def queue_declaration(self, declaration: InsuranceDeclaration) -> None:
        """Keep the 申立書 (encrypted) and queue it for re-check."""


VISUAL_UNAVAILABLE = ev.Failed(
    code="visual_unavailable", message="This desk's backend offers no visual check."
)
PATH_EFFECTS = (pe.LookUpNumbers, pe.AuthenticateVisually, pe.QueueDeclaration, pe.TakeFaceResult)


def _unavailable(what: str) -> ev.Failed:
    return ev.Failed(code="path_unavailable", message=f"This desk cannot {what}.")


async def carry_out_path(runner: CheckInRunner, effect: pe.PathEffect, gen: int) -> None:
    """Run one effect of these paths for ``runner``; answers go back through dispatch."""
    gateway, store = runner.gateway_port, runner.store
    if isinstance(effect, pe.QueueDeclaration):
        if not isinstance(store, DeclarationStore):
            await runner.dispatch(_unavailable("keep a declaration"), gen)
            return
        await runner.on_store(store.queue_declaration, effect.declaration)
        return
    if isinstance(effect, pe.TakeFaceResult):
        if not isinstance(gateway, FaceResultGateway):
            await runner.dispatch(_unavailable("take a face reader's result"), gen)
            return
        found = await gateway.take_face_result(effect.result_id)
        if not isinstance(found, FaceTaken):
            await runner.dispatch(found, gen)
            return
        runner.keep_session(found.session, gen)
        await runner.dispatch(found.taken, gen)
        await runner.dispatch(found.record, gen)
        return
    if isinstance(effect, pe.LookUpNumbers):
        if not isinstance(gateway, NumberLookupGateway):
            await runner.dispatch(_unavailable("look up without a card signature"), gen)
            return
        await runner.dispatch(await gateway.lookup_by_number(effect.lookup), gen)
        return
    if not isinstance(gateway, VisualCheckGateway):
        # refused before the staff PIN and the card: nothing is read for nothing
        await runner.dispatch(VISUAL_UNAVAILABLE, gen)
        return
    # the visual check: the staff PIN (production), the certificate read with the card
    # (no card PIN), then the record
    check = runner.staff_check
    if check is not None:
        pin = effect.staff_pin.get_secret_value() if effect.staff_pin is not None else ""
        refused = await runner.on_store(check.verify, effect.staff_id, pin)
        del pin
        if refused:
            await runner.dispatch(
                ev.GatewayRejected(code=refused, message="The staff PIN was not accepted."), gen
            )
            return
    read = await runner.on_card(runner.card_port.read_certificate)
    await runner.dispatch(read, gen)  # the machine learns the card's fingerprint
    if not isinstance(read, ev.CertificateRead):
        return
    certificate = await runner.on_card(runner.card_port.certificate_der)
    session = await gateway.authenticate_visual(certificate, effect.staff_id)
    if isinstance(session, ev.GatewayUnavailable | ev.GatewayRejected | ev.Failed):
        await runner.dispatch(session, gen)
        return
    runner.keep_session(session, gen)
    await runner.dispatch(ev.Authenticated(), gen)
    await runner.dispatch(await runner.gateway_port.fetch_record(session), gen)

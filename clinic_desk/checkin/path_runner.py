"""Carrying out the effects of the paths without a PIN (``checkin/paths.py``).

The gateway and the store answer them through two more ports; a desk whose
adapters lack them (a test's fakes, a backend without the route) ends the
check-in plainly with ``path_unavailable`` instead of hanging it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from clinic_desk.checkin import events as ev
from clinic_desk.checkin import path_events as pe
from clinic_desk.checkin.ports import GatewayFailure, GatewaySession
from clinic_desk.domain.declaration import InsuranceDeclaration
from clinic_desk.domain.insured_numbers import NumberLookupInput

if TYPE_CHECKING:
    from clinic_desk.checkin.runner import CheckInRunner


@runtime_checkable
class DeskCredentialGateway(Protocol):
    """Gateway calls made with the desk's own credential instead of a card signature."""

    async def lookup_by_number(
        self, lookup: NumberLookupInput
    ) -> ev.RecordFetched | pe.NumbersNotFound | GatewayFailure:
        """The record behind the numbers and birthdate (not confirmed), or 該当資格なし."""

    async def authenticate_visual(
        self, certificate_der: bytes, staff_id: str
    ) -> GatewaySession | GatewayFailure:
        """A session for a card checked by its photo: its certificate, no signature."""


@runtime_checkable
class DeclarationStore(Protocol):
    def queue_declaration(self, declaration: InsuranceDeclaration) -> None:
        """Keep the 申立書 (encrypted) and queue it for re-check."""


PATH_EFFECTS = (pe.LookUpNumbers, pe.AuthenticateVisually, pe.QueueDeclaration)


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
    if not isinstance(gateway, DeskCredentialGateway):
        await runner.dispatch(_unavailable("look up without a card signature"), gen)
        return
    if isinstance(effect, pe.LookUpNumbers):
        await runner.dispatch(await gateway.lookup_by_number(effect.lookup), gen)
        return
    # the visual check: the certificate read with the card (no PIN), then the record
    certificate = await runner.on_card(runner.card_port.certificate_der)
    session = await gateway.authenticate_visual(certificate, effect.staff_id)
    if isinstance(session, ev.GatewayUnavailable | ev.GatewayRejected | ev.Failed):
        await runner.dispatch(session, gen)
        return
    runner.keep_session(session, gen)
    await runner.dispatch(ev.Authenticated(), gen)
    await runner.dispatch(await runner.gateway_port.fetch_record(session), gen)

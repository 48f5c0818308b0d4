"""Routes a desk calls with its own credential instead of a card signature: the
lookup by number (資格確認書) and the visual check (目視). Kept apart from ``app``
so that module stays readable."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.routing import Route as HttpRoute

from clinic_desk.domain.number_lookup import NUMBER_LOOKUP_PATH, NumberLookupRequest
from clinic_desk.domain.visual_check import VISUAL_AUTH_PATH, VisualAuthRequest
from clinic_desk.gateway.app import Answer, _apply_early_faults, _endpoint, _linked, _read_json
from clinic_desk.gateway.faults import Fault, Route
from clinic_desk.gateway.state import GatewayState, mislink_target

log = logging.getLogger("clinic_desk.gateway")


async def _visual_auth(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    faults = state.faults_for(Route.VISUAL_AUTH)
    await _apply_early_faults(faults, state)
    asked = VisualAuthRequest.from_fhir(await _read_json(request))
    grant = state.authenticate_visual(asked, mislink_to=mislink_target(faults))
    # the staff id is not personal data of the patient: support matches it with the desk's audit
    log.info("visual check by staff %s: no card signature", asked.staff_id)
    answer = grant.to_fhir()
    answer["parameter"].append({"name": "cardSignature", "valueBoolean": False})
    return Answer(200, answer), faults


async def _number_lookup(request: Request, state: GatewayState) -> tuple[Answer, list[Fault]]:
    faults = state.faults_for(Route.NUMBER_LOOKUP)
    await _apply_early_faults(faults, state)
    asked = NumberLookupRequest.from_fhir(await _read_json(request))
    found = state.lookup_by_number(asked, mislink_to=mislink_target(faults))
    if found is None:  # 該当資格なし: an empty collection
        return Answer(200, {"resourceType": "Bundle", "type": "collection", "entry": []}), faults
    return await _linked(request, state, Route.NUMBER_LOOKUP, *found, faults)


def desk_routes(state: GatewayState) -> list[HttpRoute]:
    return [
        HttpRoute(
            NUMBER_LOOKUP_PATH,
            _endpoint(Route.NUMBER_LOOKUP, _number_lookup, state),
            methods=["POST"],
        ),
        HttpRoute(
            VISUAL_AUTH_PATH, _endpoint(Route.VISUAL_AUTH, _visual_auth, state), methods=["POST"]
        ),
    ]

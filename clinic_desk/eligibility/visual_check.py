"""The visual check (目視): ``POST /auth/visual`` with the desk's own credential.

The card's certificate (read without a PIN) names the card; the staff id says who
compared the photo. No card signature is made, so the session cannot renew itself
by signing: a token that expires mid-check-in ends the check-in.
"""

from __future__ import annotations

from clinic_desk.domain.auth import CardAuthGrant
from clinic_desk.domain.visual_check import VISUAL_AUTH_PATH, VisualAuthRequest
from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.replies import parse
from clinic_desk.eligibility.session import CardSession

ROUTE = "visual-auth"


async def authenticate_visual(
    client: EligibilityClient, certificate_der: bytes, staff_id: str, budget: Budget | None = None
) -> CardSession:
    """A session for the card a receptionist checked by its photo (signer: none)."""
    body = VisualAuthRequest(certificate_der=certificate_der, staff_id=staff_id).to_fhir()
    budget = budget or client.budget()
    with budget.running():
        reply = await client._exchange.send("POST", VISUAL_AUTH_PATH, ROUTE, budget, body=body)
    grant = parse(reply, ROUTE, CardAuthGrant.from_fhir)
    return CardSession.granted(grant, certificate_der, budget)
